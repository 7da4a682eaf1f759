import { expect, it } from 'vitest';
import { bucketsBetween, routeBuckets, summarizeBuckets } from '../../../bench/apiHistogram.js';

const scrape = (ok: number[], shed: number[]) =>
  [
    '# HELP outband_http_request_duration_seconds HTTP request latency by method, route pattern and status',
    ...['0.005', '0.01', '0.025', '0.05', '0.1', '+Inf'].flatMap((le, i) => [
      `outband_http_request_duration_seconds_bucket{le="${le}",method="POST",route="/nevisfido/status",status="200"} ${ok[i]}`,
      `outband_http_request_duration_seconds_bucket{le="${le}",method="POST",route="/nevisfido/status",status="503"} ${shed[i]}`,
      `outband_http_request_duration_seconds_bucket{le="${le}",method="POST",route="/nevisfido/token/redeem/:operation",status="200"} 1000`,
    ]),
  ].join('\n');

it('sums a route over its statuses, takes the difference of two scrapes and estimates quantiles as histogram_quantile does', () => {
  const before = routeBuckets(scrape([0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]), 'POST', '/nevisfido/status');
  const after = routeBuckets(scrape([10, 60, 90, 96, 99, 100], [0, 0, 0, 0, 0, 0]), 'POST', '/nevisfido/status');
  const between = bucketsBetween(before, after);
  expect([...between.values()]).toEqual([10, 60, 90, 96, 99, 100]);
  const summary = summarizeBuckets(between);
  expect(summary).toMatchObject({ count: 100, within50msPercent: 96 });
  // The 50th call is 40 of the 50 between 5 and 10 ms: 5 + 5 · 40/50 = 9 ms.
  expect(summary.p50).toBeCloseTo(9, 5);
  // The 99th is the last of the 3 between 50 and 100 ms: 100 ms.
  expect(summary.p99).toBeCloseTo(100, 5);
});

it('counts every status of the route, and past the last finite bound answers that bound', () => {
  const buckets = routeBuckets(scrape([0, 0, 0, 0, 0, 50], [0, 0, 0, 0, 0, 50]), 'POST', '/nevisfido/status');
  expect(buckets.get(Infinity)).toBe(100);
  expect(summarizeBuckets(buckets)).toMatchObject({ count: 100, within50msPercent: 0, p99: 100 });
});
