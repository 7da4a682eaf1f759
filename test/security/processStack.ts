/**
 * Outband as an operator runs it, for the security tests and the fuzz suite: a worker process and
 * one or more API processes (`npm run worker`, `npm run api`), on the shared Temporal dev server
 * and a database of their own on the shared FerretDB. Each API may take extra variables (a switch
 * on, a limit lowered) while all share the keys, task queue and PUBLIC_URL of the first, so a flow
 * started through one API finishes through any.
 */
import { inject } from 'vitest';
import { freePort } from '../../scripts/services.js';
import { connectTestDatabase, uniqueName } from '../setup/harness.js';
import { testEnvironment } from '../setup/testConfig.js';
import { killEntries, startEntry, waitUntil, type Spawned } from './entryPoints.js';

export interface ProcessStack<Api extends string> {
  /** Base URL of each API process, by the name the caller gave it. */
  urls: Record<Api, string>;
  env: Record<string, string>;
  rpKey: string;
  database: Awaited<ReturnType<typeof connectTestDatabase>>;
  /** Both kinds of process still run (a refusal is never a crash). */
  allRunning(): boolean;
  close(): Promise<void>;
}

export async function startProcessStack<Api extends string>(
  name: string,
  apis: Record<Api, Record<string, string>>,
): Promise<ProcessStack<Api>> {
  const database = await connectTestDatabase();
  const ports = Object.fromEntries(await Promise.all(Object.keys(apis).map(async (api) => [api, await freePort()] as const))) as Record<Api, number>;
  const first = Object.values<number>(ports)[0]!;
  const env = testEnvironment({
    PUBLIC_URL: `http://127.0.0.1:${first}`,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: uniqueName(name),
    MONGODB_URI: database.uri,
  });
  const spawned: Spawned[] = [startEntry('worker/main.ts', env)];
  const urls = {} as Record<Api, string>;
  try {
    for (const [api, overrides] of Object.entries(apis) as [Api, Record<string, string>][]) {
      spawned.push(startEntry('api/main.ts', { ...env, ...overrides, PORT: String(ports[api]) }));
      urls[api] = `http://127.0.0.1:${ports[api]}`;
    }
    for (const url of Object.values<string>(urls)) {
      await waitUntil(`the API at ${url}`, async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200, 90_000);
    }
    await waitUntil('the worker', () => spawned[0]!.output().includes('worker running'), 90_000);
  } catch (error) {
    killEntries();
    await database.close();
    throw new Error(`${String(error)}\n${spawned.map((s) => s.output().slice(-2_000)).join('\n')}`);
  }
  return {
    urls,
    env,
    rpKey: env.RP_API_KEYS!,
    database,
    allRunning: () => spawned.every((s) => s.child.exitCode === null && s.child.signalCode === null),
    async close() {
      killEntries();
      await database.close();
    },
  };
}
