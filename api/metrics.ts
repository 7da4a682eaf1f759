import type { Client } from '@temporalio/client';
import { Router, type Request, type RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isErrorCode } from '../contract/errors.js';
import type { Operation } from '../contract/operation.js';
import { requireOperatorKey } from './operatorKey.js';

const operations: readonly Operation[] = ['registration', 'authentication', 'deregistration'];
/** Refusals that are a limit of ours: rate limits and event-stream caps (api/rateLimits.ts, api/statusEvents.ts). */
const rateLimitCodes: ReadonlySet<string> = new Set(['tooManyRequests', 'tooManyEventStreams']);
const pushFatigueCodes: ReadonlySet<string> = new Set(['tooManyPendingDispatches', 'dispatchBackOff', 'tooManyFallbacks']);

/**
 * The route pattern a request matched (`/nevisfido/token/redeem/:operation`), never the raw path
 * (it holds target ids and would make labels unbounded); `unmatched` when no route took it.
 */
export function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/**
 * The API's Prometheus metrics. Labels are bounded: route patterns, methods, status codes, error
 * codes of the contract's closed union (anything else is `other`), operation types. No user name,
 * id, token or key ever becomes a label.
 */
export function createApiMetrics({ client, registry = new Registry() }: { client?: Client; registry?: Registry } = {}) {
  collectDefaultMetrics({ register: registry, prefix: 'outband_api_' });
  const requests = new Counter({
    name: 'outband_http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'outband_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'outband_http_refusals_total',
    help: 'Error answers by route pattern and error code (docs/api.md "Errors")',
    labelNames: ['route', 'code'] as const,
    registers: [registry],
  });
  const rateLimitRefusals = new Counter({
    name: 'outband_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit or an event-stream cap, by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const pushFatigueRefusals = new Counter({
    name: 'outband_api_push_fatigue_refusals_total',
    help: 'Dispatch requests answered 429 by the push-fatigue limits, by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  if (client) {
    new Gauge({
      name: 'outband_open_operations',
      help: 'Operation workflows running now, by type (Temporal visibility, counted at scrape time)',
      labelNames: ['operation'] as const,
      registers: [registry],
      async collect() {
        // One count per type; a visibility store that does not answer leaves the last values.
        const counts = await Promise.allSettled(
          operations.map((operation) =>
            client.workflow.count(`ExecutionStatus = "Running" AND OutbandOperation = "${operation}"`).then(({ count }) => ({ operation, count })),
          ),
        );
        for (const counted of counts) if (counted.status === 'fulfilled') this.set({ operation: counted.value.operation }, counted.value.count);
      },
    });
  }

  /** Before every route: times the request and counts it by the pattern it matched. */
  const middleware: RequestHandler = (req, res, next) => {
    const stopTimer = duration.startTimer();
    let errorCode: string | undefined;
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      const code = (body as { error?: unknown } | undefined)?.error;
      if (res.statusCode >= 400 && typeof code === 'string') errorCode = isErrorCode(code) ? code : 'other';
      return json(body);
    };
    res.once('finish', () => {
      const labels = { method: req.method, route: routeOf(req), status: String(res.statusCode) };
      requests.inc(labels);
      stopTimer(labels);
      if (errorCode === undefined) return;
      refusals.inc({ route: labels.route, code: errorCode });
      if (rateLimitCodes.has(errorCode)) rateLimitRefusals.inc({ code: errorCode });
      if (pushFatigueCodes.has(errorCode)) pushFatigueRefusals.inc({ code: errorCode });
    });
    next();
  };

  /** `GET /metrics` for holders of METRICS_API_KEYS. */
  const router = (apiKeys: readonly string[]) =>
    Router().get('/metrics', requireOperatorKey(apiKeys, 'METRICS_API_KEYS'), async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    });

  return { registry, middleware, router, rateLimitRefusals };
}
