/**
 * The real entry points (`npm run api`, `npm run worker`) as an operator starts them, for the
 * security tests: spawned with an explicit environment, output captured, killed at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../scripts/services.js';

export type Entry = 'api/main.ts' | 'worker/main.ts' | 'scripts/codecServer.ts';

export interface Spawned {
  child: ChildProcess;
  output(): string;
}

const running = new Set<ChildProcess>();

export function startEntry(entry: Entry, env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

export function killEntries(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Runs an entry that is expected to refuse its configuration: its exit code and stderr lines. */
export function refusedStart(entry: Entry, env: Record<string, string | undefined>): { status: number | null; lines: string[] } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', entry], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, lines: result.stderr.trim().split('\n') };
}

/** Polls until `ready()` is true (for hooks, where expect.poll is not available). */
export async function waitUntil(what: string, ready: () => boolean | Promise<boolean>, timeoutMs: number, process?: Spawned): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline || process?.child.exitCode != null) {
      throw new Error(`timed out waiting for ${what}${process ? `; its output:\n${process.output().slice(-2_000)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
