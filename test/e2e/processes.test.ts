import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, expect, it } from 'vitest';
import { freePort, projectRoot } from '../../scripts/services.js';
import { connectTestDatabase, uniqueName } from '../setup/harness.js';
import { testEnvironment } from '../setup/testConfig.js';
import { inject } from 'vitest';

// The real entry points as an operator runs them, against the shared servers.
const children: ChildProcess[] = [];
afterAll(() => children.forEach((child) => child.kill('SIGKILL')));

function start(entry: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

it('api and worker processes serve a workflow end to end and stop cleanly on SIGTERM', async () => {
  const database = await connectTestDatabase();
  const port = await freePort();
  const env = testEnvironment({
    PORT: String(port),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: uniqueName('processes'),
    MONGODB_URI: database.uri,
  });
  const worker = start('worker/main.ts', env);
  const api = start('api/main.ts', env);
  try {
    const probe = async () => (await fetch(`http://127.0.0.1:${port}/healthz/workflow`, { headers: { authorization: `Bearer ${env.RP_API_KEYS}` } }).catch(() => undefined))?.status;
    await expect.poll(probe, { timeout: 60_000, interval: 500 }).toBe(200);

    // Request logs carry method, path and status, never the bearer key.
    await fetch(`http://127.0.0.1:${port}/nowhere?username=alice`, { headers: { authorization: `Bearer ${env.RP_API_KEYS}` } });
    await expect.poll(() => api.output(), { timeout: 5_000 }).toContain('"path":"/nowhere"');
    expect(api.output()).not.toContain(env.RP_API_KEYS);
    expect(api.output()).not.toContain('alice');

    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    const [[apiCode], [workerCode]] = await Promise.all([once(api.child, 'exit'), once(worker.child, 'exit')]);
    expect({ apiCode, workerCode }).toEqual({ apiCode: 0, workerCode: 0 });
    expect(worker.output()).toContain('worker stopped');
  } finally {
    await database.close();
  }
}, 120_000);
