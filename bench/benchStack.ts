/**
 * The benchmark's own Outband stack on free loopback ports, as `npm start` runs it but with fresh
 * keys and throw-away data: the Temporal dev server (search attributes, SQLite in a temp file or
 * in memory), FerretDB (temp dir), the FCM emulator, and the real worker and api processes
 * (`node --import tsx worker/main.ts` / `api/main.ts`), started in order by the launcher of
 * `npm start` and the tests (scripts/services.ts). `stop()` ends every child and removes the temp
 * dir; `killNow()` is the synchronous last resort for `process.on('exit')`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../config/loadConfig.js';
import { searchAttributeKeys } from '../contract/searchAttributes.js';
import {
  freePort,
  listeningOn,
  ProcessService,
  projectRoot,
  ServiceStack,
  startFerretDb,
  startTemporalDevServer,
  type Output,
  type Service,
} from '../scripts/services.js';

export type TemporalDb = 'file' | 'memory';

export interface BenchStack {
  config: Config;
  /** The environment the worker and api were given (keys included). */
  env: Record<string, string>;
  apiUrl: string;
  fcmUrl: string;
  services: Service[];
  /** Pids of the processes whose resources are reported. */
  pids: Record<string, number>;
  /** The last lines each service printed, for a failure report. */
  tail(service: string): string[];
  /** Rejects when a service dies before `stop()`. */
  died: Promise<never>;
  stop(): Promise<void>;
  killNow(): void;
}

/** Outband's own variables: the bench sets or clears every one, so the caller's shell cannot leak in. */
const outbandVariables = [
  'PORT', 'PUBLIC_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'MONGODB_URI', 'RP_API_KEYS',
  'UAF_APP_ID', 'UAF_TRUSTED_FACETS', 'UAF_METADATA_DIR', 'LINK_BASE_URL', 'FCM_EMULATOR_HOST',
  'GOOGLE_APPLICATION_CREDENTIALS', 'PAYLOAD_CODEC_KEY', 'SERVER_SECRET', 'FCM_EMULATOR_LISTEN', 'METRICS_API_KEYS',
];

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, died: Promise<never>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failed = false;
  died.catch(() => (failed = true));
  while (Date.now() < deadline && !failed) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await Promise.race([died, Promise.resolve()]);
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
}

export interface BenchStackOptions {
  temporalDb: TemporalDb;
  verbose: boolean;
  log: (line: string) => void;
  /** Where the worker and api write V8 CPU profiles (`node --cpu-prof`), written when they exit. */
  cpuProfileDir?: string;
  /** Node/V8 options for the worker process only (e.g. heap sizes), for A/B runs of its memory. */
  workerNodeOptions?: string[];
  /** Run the production build (`dist/`, pre-bundled workflows) instead of the sources through tsx. */
  dist?: boolean;
  /** Also start the engine floor's worker (bench/floor/worker.ts) on this task queue, a process of its own. */
  floorTaskQueue?: string;
  /** Variables for the worker and api beyond the bench's own (e.g. limits for the scale run). */
  extraEnv?: Record<string, string>;
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const dir = await mkdtemp(join(tmpdir(), 'outband-bench-'));
  const tails = new Map<string, string[]>();
  const output: Output = (service, line) => {
    const lines = tails.get(service) ?? [];
    lines.push(line);
    if (lines.length > 40) lines.shift();
    tails.set(service, lines);
    if (options.verbose) process.stderr.write(`${service.padEnd(12)} ${line}\n`);
  };
  // The launcher of `npm start` and the tests: in order, and a failure half-way stops what runs.
  const launcher = new ServiceStack(output);
  const services: Service[] = [];
  let reportDeath: (error: Error) => void = () => {};
  const died = new Promise<never>((_, reject) => (reportDeath = reject));
  died.catch(() => {});
  const start = async <T extends ProcessService>(step: () => Promise<T>): Promise<T> => {
    const service = await launcher.start(step);
    services.push(service);
    service.onUnexpectedExit((description) => {
      if (!launcher.stopping) reportDeath(new Error(`${service.name} exited (${description}): ${(tails.get(service.name) ?? []).slice(-5).join(' | ')}`));
    });
    return service;
  };

  const stack = {
    services,
    tail: (service: string) => tails.get(service) ?? [],
    died,
    async stop() {
      await launcher.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
    killNow() {
      launcher.killNow();
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    const [temporalPort, ferretPort, fcmPort, apiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    options.log(`starting the Temporal dev server (:${temporalPort}, SQLite ${options.temporalDb}) and FerretDB (:${ferretPort})`);
    const temporal = await start(() =>
      startTemporalDevServer({
        port: temporalPort,
        ...(options.temporalDb === 'file' && { dbFile: join(dir, 'temporal.db') }),
        searchAttributes: searchAttributeKeys,
        output,
      }),
    );
    const ferret = await start(() => startFerretDb({ port: ferretPort, dataDir: join(dir, 'ferretdb'), output }));

    const baseEnv: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !outbandVariables.includes(key)) baseEnv[key] = value;
    const node = (name: string, args: string[], env: Record<string, string>, port?: number) =>
      start(() =>
        new ProcessService(name, process.execPath, args, {
          output,
          env,
          ...(port !== undefined && { port, ready: listeningOn(port, 60_000) }),
        }).start(),
      );

    const fcm = await node('fcm-emulator', ['--import', 'tsx', join(projectRoot, 'emulators/fcm/main.ts')], { ...baseEnv, FCM_EMULATOR_LISTEN: `127.0.0.1:${fcmPort}` }, fcmPort);
    const env: Record<string, string> = {
      ...baseEnv,
      PORT: String(apiPort),
      PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      TEMPORAL_ADDRESS: temporal.address,
      MONGODB_URI: `mongodb://127.0.0.1:${ferretPort}/outband_bench`,
      FCM_EMULATOR_HOST: `127.0.0.1:${fcmPort}`,
      RP_API_KEYS: `bench-${randomBytes(24).toString('base64url')}`,
      // The bench reads the API's own latency histograms (bench/apiHistogram.ts).
      METRICS_API_KEYS: `bench-metrics-${randomBytes(24).toString('base64url')}`,
      PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'),
      SERVER_SECRET: randomBytes(32).toString('base64'),
      ...options.extraEnv,
    };
    const config = loadConfig(env);

    options.log(options.dist ? 'starting the worker and the api (node dist/worker/main.js, dist/api/main.js)' : 'starting the worker and the api (node --import tsx worker/main.ts, api/main.ts)');
    // The compiled config's default metadata folder would be dist/metadata: name the shipped one.
    if (options.dist) env.UAF_METADATA_DIR = join(projectRoot, 'metadata');
    const nodeArgs = (role: string) => [
      // One folder per role: every thread (tsx's loader, the worker's workflow threads) writes its own file.
      ...(options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfileDir, role)] : []),
      ...(options.dist ? [join(projectRoot, `dist/${role}/main.js`)] : ['--import', 'tsx', join(projectRoot, `${role}/main.ts`)]),
    ];
    const worker = await node('worker', [...(options.workerNodeOptions ?? []), ...nodeArgs('worker')], env);
    const api = await node('api', nodeArgs('api'), env, apiPort);
    const floor = options.floorTaskQueue
      ? await node('floor-worker', ['--import', 'tsx', join(projectRoot, 'bench/floor/worker.ts')], {
          ...baseEnv,
          TEMPORAL_ADDRESS: temporal.address,
          FLOOR_TASK_QUEUE: options.floorTaskQueue,
        })
      : undefined;
    const apiUrl = config.publicUrl;
    await waitFor(
      '/healthz/workflow',
      async () => {
        try {
          return (await fetch(`${apiUrl}/healthz/workflow`, { headers: { authorization: `Bearer ${env.RP_API_KEYS}` }, signal: AbortSignal.timeout(10_000) })).status === 200;
        } catch {
          return false;
        }
      },
      180_000,
      died,
    );
    options.log('stack ready: /healthz/workflow answered 200');
    return {
      ...stack,
      config,
      env,
      apiUrl,
      fcmUrl: `http://127.0.0.1:${fcmPort}`,
      pids: {
        api: api.process.pid!,
        worker: worker.process.pid!,
        temporal: temporal.process.pid!,
        ferretdb: ferret.process.pid!,
        'fcm-emulator': fcm.process.pid!,
        ...(floor && { 'floor-worker': floor.process.pid! }),
      },
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
