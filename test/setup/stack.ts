/**
 * Outband as a test runs it: a real worker (full activities, shipped metadata) and the real API
 * app on a random port, both on the shared Temporal dev server and a database of their own, with
 * the payload codec on. Its parts start in order on one `ServiceStack` (scripts/services.ts): if
 * one fails, the ones already started are stopped; `close()` stops all of it, last started first.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import { createApp } from '../../api/createApp.js';
import type { Config } from '../../config/loadConfig.js';
import { readMetadataDirectory } from '../../store/metadataDirectory.js';
import { createDataConverter, createWorkerDataConverter } from '../../codec/dataConverter.js';
import { freePort, ServiceStack } from '../../scripts/services.js';
import { createWorkerDependencies } from '../../worker/createWorkerDependencies.js';
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
  /** The worker's Prometheus registry (worker/workerMetrics.ts). */
  workerMetrics: Registry;
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
  const parts = new ServiceStack();
  const temporal = await parts.startPart('temporal connections', connectTemporal, (harness) => harness.close());
  const database = await parts.startPart('database', () => connectTestDatabase(mongoServer), (db) => db.close());
  const taskQueue = uniqueName('stack');
  // The FCM emulator in this process: firebase-admin reaches it as it would reach FCM.
  const fcmEmulator = createFcmEmulator({ logger: pino({ level: 'silent' }) });
  const fcmServer = await parts.startPart('fcm emulator', () => listen(fcmEmulator.app, 0), (server) => {
    fcmEmulator.reset();
    return closeServer(server);
  });
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
  const dataConverter = createDataConverter(config.payloadCodecKey);
  const client = new Client({ connection: temporal.connection, namespace: 'default', dataConverter });
  const metadata = await parts.run(() => readMetadataDirectory(config.uaf.metadataDir));
  // The worker's own wiring (FCM to the emulator of FCM_EMULATOR_HOST), with a short FCM bound.
  const dependencies = await parts.startPart(
    'worker dependencies',
    () => createWorkerDependencies({ config, db: database.db, metadata, fcmTimeoutMs: 2_000 }),
    (built) => built.close(),
  );

  const makeWorker = () =>
    Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      dataConverter: createWorkerDataConverter(config.payloadCodecKey),
      activities: dependencies.activities,
      sinks: dependencies.sinks,
    });
  let worker = await parts.run(makeWorker);
  let running = worker.run();
  const stopWorker = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  };
  await parts.add({ name: 'worker', stop: stopWorker });

  const app = createApp({ client, db: database.db, config, logger: pino({ level: 'silent' }) });
  await parts.startPart('api', () => listen(app, port), closeServer);
  const url = config.publicUrl;

  const stack: TestStack = {
    config,
    fcm: { emulator: fcmEmulator, url: `http://${fcmHost}` },
    url,
    client,
    temporal,
    database,
    workerMetrics: dependencies.metrics.registry,
    get worker() {
      return worker;
    },
    stopWorker,
    async startWorker() {
      worker = await makeWorker();
      running = worker.run();
    },
    // Last started first: the API, the worker, the worker's dependencies, the FCM emulator, the
    // database, the Temporal connections.
    close: () => parts.stop(),
  };
  return stack;
}

/** Listens on 127.0.0.1 (`port` 0: any free port). */
async function listen(app: { listen(port: number, host: string): Server }, port: number): Promise<Server> {
  const server = app.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** Closes a server at once, dropping its keep-alive connections. */
async function closeServer(server: Server): Promise<void> {
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeAllConnections();
  await closed;
}
