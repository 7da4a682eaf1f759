import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { deriveKeys } from '../config/deriveKeys.js';
import type { Config } from '../config/loadConfig.js';
import { errorHandler, notFoundHandler } from './errorHandler.js';
import { createLoadShedding } from './loadShedding.js';
import { createHealthRouter } from './health.js';
import { httpLogLevelOf } from './httpLogLevel.js';
import { jsonBody } from './jsonBody.js';
import { createOperations } from './operations.js';
import { createWorkflowStatusCache } from './temporal/readStatus.js';
import { createSessions } from '../store/sessions.js';
import { createDispatchers } from '../dispatch/index.js';
import { createCodecRouter } from './codecRouter.js';
import { AesGcmPayloadCodec } from '../codec/payloadCodec.js';
import { createUafRouter } from './uafRoutes.js';
import { createTokenRouter } from './tokenRoutes.js';
import { createStatusEventsRouter } from './statusEvents.js';
import { createDispatchTargetRouter } from './dispatchTargetRoutes.js';
import { createDeviceRouter } from './deviceRoutes.js';
import { createApiMetrics } from './metrics.js';
import { createApiAudit } from './auditTrail.js';
import { createAdminRouter } from './adminRoutes.js';
import { createOpenApiRouter } from './openapi.js';
import { registeredDispatcherIds } from './dispatcherIds.js';
import { createRateLimits } from './rateLimits.js';
import { requireRelyingParty } from './relyingParty.js';

export interface AppDependencies {
  client: Client;
  db: Db;
  config: Config;
  logger: Logger;
  /** Dispatcher ids a dispatch target may name; default: the built-ins (api/main.ts adds DISPATCH_PLUGINS). */
  dispatcherIds?: readonly string[];
}

/** Builds the Express app over injected dependencies; `api/main.ts` only listens. */
export function createApp({ client, db, config, logger, dispatcherIds = registeredDispatcherIds(config.linkBaseUrl) }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // The client address (rate limits) is the socket's, or the one TRUST_PROXY hops forwarded.
  app.set('trust proxy', config.trustProxyHops > 0 ? config.trustProxyHops : false);
  // Before everything, so every answer is counted, refusals of later middleware (rate limits) included.
  const metrics = createApiMetrics({ client });
  app.use(metrics.middleware);
  const audit = createApiAudit({ db, rpApiKeys: config.rpApiKeys, keys: deriveKeys(config.serverSecret), logger });

  app.use(
    pinoHttp({
      logger,
      // Method, path and status only: no headers (Authorization), no query (user names), no bodies.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      // Successful status polls and status streams (most of the traffic) at debug only.
      customLogLevel: (req, res, error) =>
        httpLogLevelOf(req.method, ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0]!, res.statusCode, error),
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );
  // Operators' GET /metrics: off unless METRICS_API_KEYS names keys (docs/api.md "Operators").
  if (config.metrics.apiKeys.length) app.use(metrics.router(config.metrics.apiKeys));
  // First: a flood is refused before any parsing, lookup or Temporal call.
  app.use(createRateLimits(config));
  // Before the JSON parser: codec batches may exceed the API's 64 KiB body limit. Off unless
  // CODEC_API_KEYS names operator keys; decode only (docs/api.md "Codec").
  if (config.codec.apiKeys.length) {
    app.use(
      createCodecRouter({
        codec: new AesGcmPayloadCodec(config.payloadCodecKey),
        actions: ['decode'],
        operatorKeys: config.codec.apiKeys,
        allowedOrigins: config.codec.corsOrigins,
        audit: audit.codecEvent,
      }),
    );
  }
  // Overload: a quick 503 + Retry-After instead of a queue, before the body is even read.
  app.use(createLoadShedding({ maxInFlight: config.maxInFlight }));
  app.use(jsonBody);

  app.use(createHealthRouter({ client, db, taskQueue: config.temporal.taskQueue, relyingParty: requireRelyingParty(config.rpApiKeys) }));
  // The OpenAPI 3.1 document, generated from the zod schemas the routes validate with.
  app.use(createOpenApiRouter(config.publicUrl));
  // Operators' admin API: off unless ADMIN_API_KEYS names keys (docs/api.md "Admin API").
  if (config.admin.apiKeys.length) app.use(createAdminRouter({ client, db, adminApiKeys: config.admin.apiKeys, appId: config.uaf.appId, audit }));
  const keys = deriveKeys(config.serverSecret);
  const operations = createOperations({
    client,
    taskQueue: config.temporal.taskQueue,
    keys,
    sessions: createSessions(db),
    // The built-in link and QR dispatchers, which render a response that carries the token.
    renderers: createDispatchers({ linkBaseUrl: config.linkBaseUrl }),
    publicUrl: config.publicUrl,
    // Status polls are answered from memory (api/temporal/statusCache.ts); a background describe
    // that fails leaves the entry to age toward its hard bound, when polls wait again (and get 503).
    statusCache: createWorkflowStatusCache(client, {
      ...config.statusCache,
      onBackgroundError: (workflowId, error) => logger.debug({ workflowId, err: error }, 'status refresh failed'),
    }),
  });
  app.use(createUafRouter({ config, keys, operations }));
  app.use(createTokenRouter({ config, operations }));
  app.use(createStatusEventsRouter({ operations, limits: config.eventStreams }));
  app.use(audit.targetEvents);
  app.use(createDispatchTargetRouter({ db, config, keys, dispatcherIds }));
  app.use(createDeviceRouter({ db, client, keys, publicUrl: config.publicUrl }));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
