import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { pino } from 'pino';
import { createActivities } from '../activities/index.js';
import { deriveKeys } from '../config/deriveKeys.js';
import { loadConfigOrExit } from '../config/loadConfig.js';
import { loadTrustedMetadataOrExit } from '../config/metadataPolicy.js';
import { ensureIndexes } from '../store/indexes.js';
import { createDatabase } from '../store/database.js';
import { createDispatchers, createFirebaseMessaging } from '../dispatch/index.js';
import { createWorkerDataConverter } from './dataConverter.js';
import { loadDispatcherPlugins } from './loadDispatcherPlugins.js';
import { ensureCleanupSchedule } from './ensureCleanupSchedule.js';
import { createWorkerLogger } from './workerLogger.js';
import { workflowSource } from './workflowSource.js';

const config = loadConfigOrExit();
// Before anything connects: production refuses the repository's test authenticators.
const metadata = await loadTrustedMetadataOrExit(config);
const logger = pino({ name: 'outband-worker' });

// SDK and Core logs go through pino; the runtime must be installed before anything else.
Runtime.install({
  logger: createWorkerLogger(logger),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
});

const { client: mongo, db } = createDatabase(config.mongodbUri);
// FCM through firebase-admin: to the emulator when FCM_EMULATOR_HOST is set, else real FCM with
// GOOGLE_APPLICATION_CREDENTIALS; without either, the push dispatcher is simply not offered.
const messaging = config.fcmEmulatorHost
  ? createFirebaseMessaging({ emulatorHost: config.fcmEmulatorHost })
  : config.googleApplicationCredentials
    ? createFirebaseMessaging({ serviceAccountPath: config.googleApplicationCredentials })
    : undefined;
let connection: NativeConnection | undefined;
try {
  const plugins = await loadDispatcherPlugins(config.dispatchPlugins, { linkBaseUrl: config.linkBaseUrl, publicUrl: config.publicUrl });
  const dispatchers = createDispatchers({ linkBaseUrl: config.linkBaseUrl, plugins, ...(messaging && { messaging: messaging.messaging }) });
  if (plugins.length) logger.info({ dispatchers: plugins.map((plugin) => plugin.id) }, 'dispatcher plug-ins loaded');
  logger.info({ authenticators: [...metadata.keys()] }, 'metadata statements loaded');
  await ensureIndexes(db);
  connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(await workflowSource()),
    dataConverter: createWorkerDataConverter(config.payloadCodecKey),
    activities: createActivities({
      db,
      metadata,
      uaf: config.uaf,
      keys: deriveKeys(config.serverSecret),
      dispatchers,
      publicUrl: config.publicUrl,
      dispatchLimits: config.dispatchLimits,
    }),
  });
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
  await connection?.close();
  await messaging?.close();
  await mongo.close();
}
