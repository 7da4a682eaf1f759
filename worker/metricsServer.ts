import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  host: string;
  /** The Temporal SDK's Prometheus exporter (loopback), appended so one scrape gets both. */
  sdkMetricsUrl?: string;
}

/**
 * The worker's `GET /metrics`: its own registry (worker/workerMetrics.ts) followed by the
 * Temporal SDK's metrics (task slots, poll latency, schedule-to-start…). No key: bind it where
 * only the scraper reaches it (WORKER_METRICS_HOST, default loopback). Anything else is 404.
 */
export async function startMetricsServer({ registry, port, host, sdkMetricsUrl }: MetricsServerOptions): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'notFound', message: 'Only GET /metrics is served here.' }));
      return;
    }
    void Promise.all([registry.metrics(), sdkMetrics(sdkMetricsUrl)]).then(
      ([own, sdk]) => response.writeHead(200, { 'content-type': registry.contentType }).end(`${own}\n${sdk}`),
      () => response.writeHead(500).end(),
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}

/** The SDK exporter's text, or nothing when it does not answer within a second (a scrape must not hang). */
async function sdkMetrics(url: string | undefined): Promise<string> {
  if (!url) return '';
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return response.ok ? await response.text() : '';
  } catch {
    return '';
  }
}

/** A loopback port free right now, for the SDK's exporter (only this process reads it). */
export async function freeLoopbackPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
