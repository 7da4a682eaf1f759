/**
 * The API's own view of a route's latency, from its Prometheus histogram
 * (`outband_http_request_duration_seconds`, api/metrics.ts): time from the first middleware to
 * the answer written, without the client's queueing. The bench's client-side figures include its
 * own event loop, which shares the machine with 25 phones and browsers; this one does not.
 */

/** Cumulative counts by upper bound (seconds), `+Inf` last. */
export type Buckets = Map<number, number>;

/** Sums the buckets of `route` (every status) out of a Prometheus text exposition. */
export function routeBuckets(exposition: string, method: string, route: string): Buckets {
  const buckets: Buckets = new Map();
  for (const line of exposition.split('\n')) {
    if (!line.startsWith('outband_http_request_duration_seconds_bucket{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (labels.method !== method || labels.route !== route) continue;
    const bound = labels.le === '+Inf' ? Infinity : Number(labels.le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return new Map([...buckets].sort(([a], [b]) => a - b));
}

/** The calls between two scrapes. */
export function bucketsBetween(before: Buckets, after: Buckets): Buckets {
  return new Map([...after].map(([bound, count]) => [bound, count - (before.get(bound) ?? 0)]));
}

export interface ServerLatency {
  count: number;
  /** Share of calls answered within 50 ms (a bucket bound), in %. */
  within50msPercent: number;
  /** Estimated as Prometheus' histogram_quantile does: linear within the bucket it falls in (ms). */
  p50: number;
  p99: number;
}

export function summarizeBuckets(buckets: Buckets): ServerLatency {
  const total = buckets.get(Infinity) ?? 0;
  const quantile = (q: number): number => {
    let lower = 0;
    let below = 0;
    for (const [bound, cumulative] of buckets) {
      if (cumulative >= q * total) {
        if (bound === Infinity) return lower * 1000;
        const share = cumulative === below ? 0 : (q * total - below) / (cumulative - below);
        return Math.round((lower + (bound - lower) * share) * 10_000) / 10;
      }
      [lower, below] = [bound, cumulative];
    }
    return NaN;
  };
  return {
    count: total,
    within50msPercent: total ? Math.round(((buckets.get(0.05) ?? 0) / total) * 1000) / 10 : NaN,
    p50: total ? quantile(0.5) : NaN,
    p99: total ? quantile(0.99) : NaN,
  };
}
