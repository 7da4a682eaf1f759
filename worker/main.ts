import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { pino } from 'pino';
import { loadConfigOrExit } from '../config/loadConfig.js';
import { loadTrustedMetadataOrExit } from '../config/metadataPolicy.js';
import { createDatabase } from '../store/database.js';
import { createWorkerDataConverter } from '../codec/dataConverter.js';
import { createWorkerDependencies, type WorkerDependencies } from './createWorkerDependencies.js';
import { ensureCleanupSchedule } from './ensureCleanupSchedule.js';
import { createWorkerLogger } from './workerLogger.js';
import { workflowSource } from './workflowSource.js';
import { freeLoopbackPort, startMetricsServer } from './metricsServer.js';

const config = loadConfigOrExit();
// Before anything connects: production refuses the repository's test authenticators.
const metadata = await loadTrustedMetadataOrExit(config);
const logger = pino({ name: 'outband-worker' });

// With WORKER_METRICS_PORT, the SDK's own metrics go to a loopback Prometheus exporter that the
// worker's /metrics appends to its own (one scrape target).
const sdkMetricsAddress = config.metrics.workerPort === undefined ? undefined : `127.0.0.1:${await freeLoopbackPort()}`;
// SDK and Core logs go through pino; the runtime must be installed before anything else.
Runtime.install({
  logger: createWorkerLogger(logger),
  telemetryOptions: {
    logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
    ...(sdkMetricsAddress && { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } }),
  },
});

const { client: mongo, db } = createDatabase(config.mongodbUri);
let dependencies: WorkerDependencies | undefined;
let connection: NativeConnection | undefined;
let metricsServer: Server | undefined;
try {
  dependencies = await createWorkerDependencies({ config, db, metadata, auditLog: (event, failure) =>
      failure === undefined ? logger.info({ audit: event }, `audit ${event.action} ${event.outcome}`) : logger.error({ audit: event, err: failure }, 'audit event not stored'),
  });
  if (dependencies.pluginIds.length) logger.info({ dispatchers: dependencies.pluginIds }, 'dispatcher plug-ins loaded');
  logger.info({ authenticators: [...metadata.keys()] }, 'metadata statements loaded');
  connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(await workflowSource()),
    dataConverter: createWorkerDataConverter(config.payloadCodecKey),
    activities: dependencies.activities,
    sinks: dependencies.sinks,
    // An open flow waits minutes for its phone: past this many, its state leaves memory and is
    // replayed from its ~30 events on its next task (docs/benchmarks.md "Scale").
    maxCachedWorkflows: config.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: config.workerTuning.workflowTaskSlots,
    maxConcurrentLocalActivityExecutions: config.workerTuning.localActivitySlots,
    reuseV8Context: config.workerTuning.reuseV8Context,
  });
  if (config.metrics.workerPort !== undefined) {
    metricsServer = await startMetricsServer({
      registry: dependencies.metrics.registry,
      port: config.metrics.workerPort,
      host: config.metrics.workerHost,
      sdkMetricsUrl: `http://${sdkMetricsAddress}/metrics`,
    });
    logger.info({ port: config.metrics.workerPort, host: config.metrics.workerHost }, 'worker metrics listening');
  }
  // The schedule that expires index rows (FerretDB has no TTL index); a failure here is logged,
  // not fatal: flows do not depend on it.
  const scheduler = await Connection.connect({ address: config.temporal.address });
  await ensureCleanupSchedule(new Client({ connection: scheduler, namespace: config.temporal.namespace }), config.temporal.taskQueue)
    .catch((error: unknown) => logger.error({ err: error }, 'cleanup schedule not ensured'))
    .finally(() => scheduler.close());
  logger.info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address }, 'worker running');
  // Resolves after SIGINT/SIGTERM (the Runtime's shutdown signals) once in-flight tasks finish.
  await worker.run();
  logger.info('worker stopped');
} catch (error) {
  logger.error({ err: error }, 'worker failed');
  process.exitCode = 1;
} finally {
  metricsServer?.close();
  await connection?.close();
  await dependencies?.close();
  await mongo.close();
}
