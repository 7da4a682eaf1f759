/**
 * The whole development stack on embedded defaults, as `npm start` runs it: the Temporal dev
 * server (SQLite in data/, Web UI on :8233), FerretDB (SQLite in data/), the FCM emulator, the
 * worker and the API. A service given by address (TEMPORAL_ADDRESS, MONGODB_URI,
 * FCM_EMULATOR_HOST) is used as it is. Ctrl-C stops every child; data survives a restart.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../config/loadConfig.js';
import { searchAttributeKeys } from '../contract/searchAttributes.js';
import { prettyLogLine } from './prettyLogLine.js';
import {
  isPortOpen,
  listeningOn,
  ProcessService,
  projectRoot,
  ServiceStack,
  startFerretDb,
  startTemporalDevServer,
  type Output,
} from './services.js';

const dataDir = process.env.OUTBAND_DATA_DIR ?? join(projectRoot, 'data');
const ports = { temporal: 7233, temporalUi: 8233, ferretdb: 27017, fcmEmulator: 4010, codecServer: 8081, workerMetrics: 9464, demo: Number(process.env.DEMO_PORT ?? 3001) };

const colours: Record<string, number> = { demo: 92, codec: 90, temporal: 35, ferretdb: 33, 'fcm-emulator': 36, worker: 34, api: 32 };
// Readable, coloured lines for a person at a terminal (the processes themselves log JSON).
const output: Output = (service, line) => {
  process.stdout.write(`\x1b[${colours[service] ?? 37}m${service.padEnd(12)}\x1b[0m ${prettyLogLine(line, process.stdout.isTTY !== false)}\n`);
};

interface DevSecrets {
  PAYLOAD_CODEC_KEY: string;
  SERVER_SECRET: string;
  RP_API_KEYS: string;
  /** Operator keys of GET /metrics and the admin API (added to an older secrets.json on first use). */
  METRICS_API_KEYS: string;
  ADMIN_API_KEYS: string;
}

/** Development keys, generated once and kept in the data folder so flows survive a restart. */
async function loadOrCreateSecrets(): Promise<DevSecrets> {
  const file = join(dataDir, 'secrets.json');
  const stored = (await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Partial<DevSecrets>,
    () => ({}) as Partial<DevSecrets>,
  )) as Partial<DevSecrets>;
  const secrets: DevSecrets = {
    PAYLOAD_CODEC_KEY: stored.PAYLOAD_CODEC_KEY ?? randomBytes(32).toString('base64'),
    SERVER_SECRET: stored.SERVER_SECRET ?? randomBytes(32).toString('base64'),
    RP_API_KEYS: stored.RP_API_KEYS ?? `dev-${randomBytes(24).toString('base64url')}`,
    METRICS_API_KEYS: stored.METRICS_API_KEYS ?? `metrics-${randomBytes(24).toString('base64url')}`,
    ADMIN_API_KEYS: stored.ADMIN_API_KEYS ?? `admin-${randomBytes(24).toString('base64url')}`,
  };
  if (Object.keys(secrets).some((name) => !(name in stored))) {
    await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}

async function ensurePortFree(port: number, what: string, variable: string): Promise<void> {
  if (await isPortOpen(port)) {
    throw new Error(`port ${port} is already in use; stop what runs there, or set ${variable} to use that ${what}`);
  }
}

const stack = new ServiceStack(output);
let exitCode = 0;

/** Stops the stack (last started first) once, then ends the process. */
async function stopAll(code: number): Promise<never> {
  exitCode ||= code;
  await stack.stop().catch(() => (exitCode ||= 1));
  process.exit(exitCode);
}

/** A crash of any part stops the whole stack: a half-running stack only confuses. */
function stopStackOnCrash<T extends ProcessService>(service: T): T {
  return service.onUnexpectedExit((description) => {
    if (stack.stopping) return;
    output('outband', `${service.name} stopped (${description}); stopping the stack`);
    void stopAll(1);
  });
}

/** The production runtime (dist/, built by scripts/start.mjs) unless OUTBAND_RUNTIME=tsx. */
const compiled = process.env.OUTBAND_RUNTIME !== 'tsx';
/** What `npm run build` compiles (tsconfig.build.json); the demo and the codec server stay sources. */
const builtRoots = ['worker/', 'api/', 'emulators/'];

/**
 * A Node.js child, ready once `port` listens when one is given: `node dist/<script>.js` for a built
 * part in the production runtime, else `node --import tsx <script>`.
 */
async function startNode(name: string, script: string, env: Record<string, string | undefined>, port?: number): Promise<ProcessService> {
  const fromDist = compiled && builtRoots.some((root) => script.startsWith(root));
  const args = fromDist ? [join(projectRoot, 'dist', script.replace(/\.ts$/, '.js'))] : ['--import', 'tsx', join(projectRoot, script)];
  const service = new ProcessService(name, process.execPath, args, {
    output,
    env: env as NodeJS.ProcessEnv,
    ...(port !== undefined && { port, ready: listeningOn(port, 120_000) }),
  });
  return stopStackOnCrash(await service.start());
}

async function main(): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const env: Record<string, string | undefined> = { ...(await loadOrCreateSecrets()), ...process.env };
  for (const key of Object.keys(env)) if (env[key] === '') delete env[key];

  // Validate before starting anything: a bad value stops here with one line naming it.
  let config = loadConfig(env);

  // In order, each ready before the next; a step that fails stops what runs already.
  if (!env.TEMPORAL_ADDRESS) {
    await ensurePortFree(ports.temporal, 'Temporal server', 'TEMPORAL_ADDRESS');
    await ensurePortFree(ports.temporalUi, 'Temporal UI', 'TEMPORAL_ADDRESS');
    await ensurePortFree(ports.codecServer, 'codec server', 'TEMPORAL_ADDRESS');
    output('outband', 'starting the Temporal dev server');
    await stack.start(async () =>
      stopStackOnCrash(
        await startTemporalDevServer({
          port: ports.temporal,
          uiPort: ports.temporalUi,
          dbFile: join(dataDir, 'temporal.db'),
          searchAttributes: searchAttributeKeys,
          // The UI decodes the encrypted payloads of a history through the loopback codec server.
          codecEndpoint: `http://localhost:${ports.codecServer}/codec`,
          output,
        }),
      ),
    );
    const codecEnv = { ...env, CODEC_SERVER_PORT: String(ports.codecServer) };
    await stack.start(() => startNode('codec', 'scripts/codecServer.ts', codecEnv, ports.codecServer));
    env.TEMPORAL_ADDRESS = `127.0.0.1:${ports.temporal}`;
  }
  if (!env.MONGODB_URI) {
    await ensurePortFree(ports.ferretdb, 'MongoDB', 'MONGODB_URI');
    output('outband', 'starting FerretDB');
    await stack.start(async () =>
      stopStackOnCrash(await startFerretDb({ port: ports.ferretdb, dataDir: join(dataDir, 'ferretdb'), output })),
    );
    env.MONGODB_URI = `mongodb://127.0.0.1:${ports.ferretdb}/outband`;
  }
  if (!env.FCM_EMULATOR_HOST) {
    await ensurePortFree(ports.fcmEmulator, 'FCM endpoint', 'FCM_EMULATOR_HOST');
    const emulatorEnv = { ...process.env, FCM_EMULATOR_LISTEN: `127.0.0.1:${ports.fcmEmulator}` };
    await stack.start(() => startNode('fcm-emulator', 'emulators/fcm/main.ts', emulatorEnv, ports.fcmEmulator));
    env.FCM_EMULATOR_HOST = `127.0.0.1:${ports.fcmEmulator}`;
  }
  config = loadConfig(env);
  await ensurePortFree(config.port, 'port', 'PORT');

  // The compiled config would look for dist/metadata: name the shipped folder.
  if (compiled) env.UAF_METADATA_DIR ??= join(projectRoot, 'metadata');
  // The worker's /metrics (with the Temporal SDK's) on a loopback port of its own.
  if (!env.WORKER_METRICS_PORT) {
    await ensurePortFree(ports.workerMetrics, 'worker metrics port', 'WORKER_METRICS_PORT');
    env.WORKER_METRICS_PORT = String(ports.workerMetrics);
  }
  await stack.start(() => startNode('worker', 'worker/main.ts', env));
  await stack.start(() => startNode('api', 'api/main.ts', env, config.port));
  // A relying party to try it in a browser; it holds the development RP key server-side.
  if (!(await isPortOpen(ports.demo))) {
    const demoEnv = { ...env, DEMO_PORT: String(ports.demo), OUTBAND_URL: config.publicUrl };
    await stack.start(() => startNode('demo', 'demo/main.ts', demoEnv, ports.demo));
  }

  const rpKey = env.RP_API_KEYS?.split(',')[0];
  const temporalUi = env.TEMPORAL_ADDRESS === `127.0.0.1:${ports.temporal}` ? `http://localhost:${ports.temporalUi}` : 'your own';
  process.stdout.write(
    [
      '',
      'Outband is running:',
      `  Demo           http://localhost:${ports.demo}   (a relying party: log in with the simulated phone, see README)`,
      `  API            ${config.publicUrl}/nevisfido   (health: ${config.publicUrl}/healthz)`,
      `  Temporal UI    ${temporalUi}`,
      `  Temporal       ${config.temporal.address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`,
      `  MongoDB        ${config.mongodbUri}`,
      `  FCM emulator   http://${config.fcmEmulatorHost}`,
      `  RP API key     ${rpKey}   (Authorization: Bearer <key>; development only)`,
      `  Metrics        ${config.publicUrl}/metrics (key ${env.METRICS_API_KEYS?.split(',')[0]}), worker http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`,
      `  Admin API      ${config.publicUrl}/admin/users/{username} (key ${env.ADMIN_API_KEYS?.split(',')[0]})`,
      `  Data           ${dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

// Ctrl-C and SIGTERM stop every child, last started first (each in a process group of its own,
// so the terminal's signal reaches only this launcher).
stack.stopOnSignals((code) => void stopAll(code));
main().catch(async (error: unknown) => {
  const message = error instanceof ConfigError ? `bad configuration: ${error.message}` : String((error as Error).message ?? error);
  output('outband', message);
  await stopAll(1);
});
