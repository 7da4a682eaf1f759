/**
 * Starts and stops the servers Outband runs on in development and tests: the Temporal dev server,
 * the time-skipping test server and FerretDB. Used by `npm start` (scripts/devStack.ts) and by the
 * vitest globalSetup (test/setup/servers.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { TypedSearchAttributes, type SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';

export const projectRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

export interface Service {
  name: string;
  /** `host:port` (Temporal) or a `mongodb://` URI (FerretDB). */
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export type Output = (service: string, line: string) => void;

/** The project's pinned copy under .tools/ if installed, else the command on PATH. */
export function toolPath(name: 'temporal' | 'temporal-test-server' | 'ferretdb'): string {
  const pinned = [join(projectRoot, '.tools/venv/bin', name), join(projectRoot, '.tools/bin', name)].find(existsSync);
  if (pinned) return pinned;
  const onPath = (process.env.PATH ?? '').split(':').map((dir) => join(dir, name)).find(existsSync);
  if (onPath) return onPath;
  throw new Error(`${name} is not installed: run 'npm run tools'`);
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(service: Service, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.process.exitCode !== null) {
      throw new Error(`${service.name} exited with code ${service.process.exitCode} before listening on ${port}`);
    }
    if (await isPortOpen(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await service.stop();
  throw new Error(`${service.name} did not listen on ${port} within ${timeoutMs / 1000} s`);
}

/** Spawns a child, forwards its output line by line, and knows how to stop it. */
export function launch(name: string, command: string, args: string[], output: Output, env = process.env): Service {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) output(name, line);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    address: '',
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export interface TemporalDevServerOptions {
  port: number;
  /** Web UI port; omitted → headless. */
  uiPort?: number;
  /** SQLite file; omitted → in memory. */
  dbFile?: string;
  searchAttributes?: SearchAttributeKey<SearchAttributeType>[];
  /** Codec endpoint the Web UI calls to decode payloads. */
  codecEndpoint?: string;
  output: Output;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<Service> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port)];
  args.push('--log-level', 'error', '--namespace', 'default');
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  if (options.dbFile) {
    await mkdir(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  // WAL keeps the file-backed dev server fast (the TS SDK's own CI does the same).
  args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  for (const key of options.searchAttributes ?? []) {
    args.push('--search-attribute', `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`);
  }
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true');
  const service = launch('temporal', toolPath('temporal'), args, options.output);
  await waitForPort(service, options.port, 60_000);
  return { ...service, address: `127.0.0.1:${options.port}` };
}

export async function startTimeSkippingServer(options: { port: number; output: Output }): Promise<Service> {
  const service = launch('temporal-test-server', toolPath('temporal-test-server'), [String(options.port)], options.output);
  await waitForPort(service, options.port, 60_000);
  return { ...service, address: `127.0.0.1:${options.port}` };
}

export async function startFerretDb(options: { port: number; dataDir: string; output: Output }): Promise<Service> {
  const args = ['-listen-addr', `127.0.0.1:${options.port}`, '-data-dir', options.dataDir, '-log-level', 'error'];
  const service = launch('ferretdb', toolPath('ferretdb'), args, options.output);
  await waitForPort(service, options.port, 30_000);
  return { ...service, address: `mongodb://127.0.0.1:${options.port}/` };
}
