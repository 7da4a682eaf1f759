/**
 * Outband as a test runs it: a real worker (full activities, shipped metadata) and the real API
 * app on a random port, both on the shared Temporal dev server and a database of their own, with
 * the payload codec on. `close()` stops all of it.
 */
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { pino } from 'pino';
import { createActivities } from '../../activities/index.js';
import { createApp } from '../../api/createApp.js';
import { deriveKeys } from '../../config/deriveKeys.js';
import type { Config } from '../../config/loadConfig.js';
import { ensureIndexes } from '../../store/indexes.js';
import { readMetadataDirectory } from '../../store/metadataDirectory.js';
import { createDataConverter, createWorkerDataConverter } from '../../worker/dataConverter.js';
import { freePort } from '../../scripts/services.js';
import { createDispatchers, createFirebaseMessaging } from '../../dispatch/index.js';
import { createFcmEmulator, type FcmEmulator } from '../../emulators/fcm/createFcmEmulator.js';
import { connectTemporal, connectTestDatabase, uniqueName, type TemporalHarness } from './harness.js';
import { testConfig } from './testConfig.js';

export interface TestStack {
  config: Config;
  /** The FCM emulator the worker's firebase-admin sends to (`fcm.url` for phones and fault control). */
  fcm: { emulator: FcmEmulator; url: string };
  /** API base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  client: Client;
  temporal: TemporalHarness;
  database: Awaited<ReturnType<typeof connectTestDatabase>>;
  worker: Worker;
  /** Starts a fresh worker (after `stopWorker`), as a restarted worker process would. */
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** `mongoServer`: another MongoDB server than the shared FerretDB (e.g. one a test will stop). */
export async function startTestStack(
  bundle: WorkflowBundleWithSourceMap,
  env: Record<string, string> = {},
  mongoServer?: string,
): Promise<TestStack> {
  const temporal = await connectTemporal();
  const database = await connectTestDatabase(mongoServer);
  const taskQueue = uniqueName('stack');
  // The FCM emulator in this process: firebase-admin reaches it as it would reach FCM.
  const fcmEmulator = createFcmEmulator({ logger: pino({ level: 'silent' }) });
  const fcmServer: Server = fcmEmulator.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => fcmServer.once('listening', resolve));
  const fcmHost = `127.0.0.1:${(fcmServer.address() as { port: number }).port}`;
  // PUBLIC_URL is where the API really listens: the phone fetches the facets from the AppID URL.
  const port = await freePort();
  const config = testConfig({
    TEMPORAL_TASK_QUEUE: taskQueue,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    FCM_EMULATOR_HOST: fcmHost,
    ...env,
  });
  const messaging = createFirebaseMessaging({ emulatorHost: config.fcmEmulatorHost! });
  const dispatchers = createDispatchers({ linkBaseUrl: config.linkBaseUrl, messaging: messaging.messaging, fcmTimeoutMs: 2_000 });
  const dataConverter = createDataConverter(config.payloadCodecKey);
  const client = new Client({ connection: temporal.connection, namespace: 'default', dataConverter });
  const metadata = await readMetadataDirectory(config.uaf.metadataDir);
  await ensureIndexes(database.db);
  const keys = deriveKeys(config.serverSecret);

  const makeWorker = () =>
    Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      dataConverter: createWorkerDataConverter(config.payloadCodecKey),
      activities: createActivities({
        db: database.db,
        metadata,
        uaf: config.uaf,
        keys,
        dispatchers,
        publicUrl: config.publicUrl,
        dispatchLimits: config.dispatchLimits,
      }),
    });
  let worker = await makeWorker();
  let running = worker.run();

  const app = createApp({ client, db: database.db, config, logger: pino({ level: 'silent' }) });
  const server: Server = app.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = config.publicUrl;

  const stack: TestStack = {
    config,
    fcm: { emulator: fcmEmulator, url: `http://${fcmHost}` },
    url,
    client,
    temporal,
    database,
    get worker() {
      return worker;
    },
    async stopWorker() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
    async startWorker() {
      worker = await makeWorker();
      running = worker.run();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await stack.stopWorker();
      fcmEmulator.reset();
      fcmServer.closeAllConnections();
      await new Promise((resolve) => fcmServer.close(resolve));
      await messaging.close();
      await database.close();
      await temporal.close();
    },
  };
  return stack;
}
