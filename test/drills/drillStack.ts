/**
 * A whole Outband stack of its own for one fault drill, every part a real process or server that
 * the drill can stop and start again on the same port and the same data: a Temporal dev server on
 * a SQLite file, FerretDB on a data directory, the FCM emulator (in this process, so the drill can
 * take it down and make it hang), and the API and worker entry points as operators run them.
 * Restarting any of it never touches the servers other test files share.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { pino } from 'pino';
import { searchAttributeKeys } from '../../contract/searchAttributes.js';
import { createFcmEmulator, type FcmEmulator } from '../../emulators/fcm/createFcmEmulator.js';
import { freePort, launch, startFerretDb, startTemporalDevServer, type Output, type ProcessService, type Service } from '../../scripts/services.js';
import { testEnvironment } from '../setup/testConfig.js';

export interface DrillStack {
  /** API base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  fcmUrl: string;
  env: Record<string, string>;
  /** The drill's own database, read to compare credentials and counters. */
  db: Db;
  /** The last lines of every child's output, for the failure message of a drill. */
  logs(): string;
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stopApi(): Promise<void>;
  startApi(): Promise<void>;
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  stopFerretDb(): Promise<void>;
  startFerretDb(): Promise<void>;
  /** The emulator's port closed: sends are refused at the TCP level. */
  stopFcm(): Promise<void>;
  startFcm(): Promise<void>;
  /** Every send is held without an answer until `clearFcmFault`. */
  hangFcm(): Promise<void>;
  clearFcmFault(): Promise<void>;
  /** Resolves once the whole path API → Temporal → worker → MongoDB answers (`/healthz/workflow`). */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const keptLines = 60;

/** `extraEnv`: more variables for the API and worker (e.g. a status cache bound a drill waits out). */
export async function startDrillStack(name: string, extraEnv: Record<string, string> = {}): Promise<DrillStack> {
  const dataDir = await mkdtemp(join(tmpdir(), `outband-drill-${name}-`));
  const lines: string[] = [];
  const output: Output = (service, line) => {
    lines.push(`[${service}] ${line}`);
    if (lines.length > keptLines) lines.shift();
    if (process.env.OUTBAND_TEST_SERVER_LOGS) process.stderr.write(`[${name}:${service}] ${line}\n`);
  };
  const [temporalPort, ferretPort, fcmPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const url = `http://127.0.0.1:${apiPort}`;
  const fcmUrl = `http://127.0.0.1:${fcmPort}`;
  const env = testEnvironment({
    ...extraEnv,
    PORT: String(apiPort),
    PUBLIC_URL: url,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_TASK_QUEUE: `drill-${name}`,
    MONGODB_URI: `mongodb://127.0.0.1:${ferretPort}/drill`,
    FCM_EMULATOR_HOST: `127.0.0.1:${fcmPort}`,
  });

  let temporal: Service | undefined;
  let ferretdb: Service | undefined;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  const launched = new Set<ProcessService>();
  const emulator: FcmEmulator = createFcmEmulator({ logger: pino({ level: 'silent' }) });
  let fcmServer: Server | undefined;
  const mongo = new MongoClient(env.MONGODB_URI!, { serverSelectionTimeoutMS: 5_000 });

  // A restart is the launcher's own `start()` again: same command, port and data.
  const startTemporal = async () => {
    temporal = await (temporal?.start() ??
      startTemporalDevServer({ port: temporalPort, dbFile: join(dataDir, 'temporal.db'), searchAttributes: searchAttributeKeys, output }));
  };
  const startFerret = async () => {
    ferretdb = await (ferretdb?.start() ?? startFerretDb({ port: ferretPort, dataDir: join(dataDir, 'ferretdb'), output }));
  };
  const startFcm = async () => {
    fcmServer = emulator.app.listen(fcmPort, '127.0.0.1');
    await once(fcmServer, 'listening');
  };
  const stopFcm = async () => {
    const server = fcmServer;
    fcmServer = undefined;
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  };
  const fcmFault = async (method: 'PUT' | 'DELETE', body?: unknown) => {
    const response = await fetch(`${fcmUrl}/emulator/devices/*/fault`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`FCM emulator fault ${method} answered ${response.status}`);
  };

  /**
   * An entry point as `npm run api` / `npm run worker` starts it, with the drill's environment,
   * through the project's launcher: in a process group of its own, killed with this process even
   * when a timed-out hook never reaches close().
   */
  function launchEntry(entry: 'api/main.ts' | 'worker/main.ts'): ChildProcess {
    const service = launch(entry.split('/')[0]!, process.execPath, ['--import', 'tsx', entry], output, { PATH: process.env.PATH, ...env });
    launched.add(service);
    return service.process;
  }
  async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  const stack: DrillStack = {
    url,
    fcmUrl,
    env,
    db: mongo.db(),
    logs: () => lines.join('\n'),
    killWorker: () => stopChild(worker, 'SIGKILL'),
    async startWorker() {
      worker = launchEntry('worker/main.ts');
    },
    stopApi: () => stopChild(api, 'SIGTERM'),
    async startApi() {
      api = launchEntry('api/main.ts');
      // The port answers once the API listens: a drill's next call must not meet a refused port.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (api.exitCode !== null) throw new Error(`api exited with ${api.exitCode}:\n${stack.logs()}`);
        if (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(() => true, () => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`api did not listen within 60 s:\n${stack.logs()}`);
    },
    stopTemporal: async () => temporal?.stop(),
    startTemporal,
    stopFerretDb: async () => ferretdb?.stop(),
    startFerretDb: startFerret,
    stopFcm,
    startFcm,
    hangFcm: () => fcmFault('PUT', { fault: 'hang' }),
    clearFcmFault: () => fcmFault('DELETE'),
    async ready(timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const status = await fetch(`${url}/healthz/workflow`, { headers: { authorization: `Bearer ${env.RP_API_KEYS}` }, signal: AbortSignal.timeout(10_000) }).then((r) => r.status, () => 0);
        if (status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      throw new Error(`the stack was not ready within ${timeoutMs / 1000} s:\n${stack.logs()}`);
    },
    async close() {
      await Promise.allSettled([...launched].map((service) => service.stop()));
      emulator.reset();
      await stopFcm();
      await mongo.close().catch(() => undefined);
      await Promise.allSettled([temporal?.stop(), ferretdb?.stop()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };

  try {
    await Promise.all([startTemporal(), startFerret(), startFcm()]);
    await stack.startWorker();
    await stack.startApi();
    await stack.ready();
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}
