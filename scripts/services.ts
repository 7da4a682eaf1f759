/**
 * The one launcher of Outband's processes, used by `npm start` (scripts/devStack.ts), the
 * benchmark (bench/benchStack.ts), the vitest globalSetup (test/setup/servers.ts), the in-process
 * test stack (test/setup/stack.ts) and the fault drills (test/drills/).
 *
 * - `ProcessService` is one child process in a process group of its own. `start()` spawns it and
 *   resolves once it is ready (e.g. its port listens); if it is not, it is stopped before the
 *   error is thrown. `stop()` sends SIGTERM to the whole group, SIGKILL after `killTimeoutMs`, and
 *   resolves once no process of the group is left. `start()` after `stop()` (or `restart()`) runs
 *   the same command again: same port, same SQLite file or data directory, so a drill can restart
 *   the Temporal dev server on its SQLite file or FerretDB on its data directory.
 * - `startTemporalDevServer`, `startTimeSkippingServer`, `startFerretDb` start one server and
 *   refuse a port that is already taken; `launch` spawns a process without waiting for it.
 * - `ServiceStack` starts services one after the other and, when a step fails half-way, stops every
 *   service it already started (last first) before it rethrows; `stop()` stops them all in reverse
 *   order. `stopOnSignals()` makes SIGINT/SIGTERM (Ctrl-C) stop the stack.
 * - A process that exits (even by `process.exit()` on Ctrl-C in vitest, or by a SIGINT, SIGTERM or
 *   SIGHUP it does not handle otherwise) SIGKILLs the process groups it started and did not stop:
 *   no run leaves a server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { TypedSearchAttributes, type SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';

export const projectRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

export type Output = (service: string, line: string) => void;

/** What a stack can stop: a child process, or an in-process part (a server, a worker, a client). */
export interface Stoppable {
  readonly name: string;
  stop(): Promise<void>;
}

/** A child process the launcher started (`ProcessService` is the implementation). */
export interface Service extends Stoppable {
  readonly name: string;
  /** `host:port` (Temporal) or a `mongodb://` URI ending in `/` (FerretDB); '' for others. */
  readonly address: string;
  /** The current child (a new one after a restart). */
  readonly process: ChildProcess;
  /** Starts it again after `stop()`, with the same command, port and data. */
  start(): Promise<Service>;
  stop(): Promise<void>;
}

const defaultKillTimeoutMs = 10_000;

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `signal` to every process of the group led by `pid`; false when the group is gone. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    // EPERM: a process of the group exists but is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Process groups this process started and has not seen stopped; SIGKILLed when it exits. */
const runningGroups = new Set<number>();
const killRunningGroups = () => {
  for (const pid of runningGroups) signalGroup(pid, 'SIGKILL');
};
process.once('exit', killRunningGroups);
// A signal nobody else handles ends this process without 'exit' (e.g. a vitest fork that is
// terminated): the groups go first, then the signal takes its default course. Where a handler
// exists (a stack's stopOnSignals, vitest's own), that handler decides.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    if (process.listenerCount(signal) > 0) return;
    killRunningGroups();
    process.kill(process.pid, signal);
  });
}

export interface ProcessServiceOptions {
  output: Output;
  env?: NodeJS.ProcessEnv;
  /** See `Service.address`. */
  address?: string;
  /** Resolves once the service can be used; omitted → as soon as it is spawned. */
  ready?: (service: ProcessService) => Promise<void>;
  /** Refuses to start when this port already answers (another server would be taken for ours). */
  port?: number;
  /** SIGTERM → SIGKILL delay of `stop()`. */
  killTimeoutMs?: number;
}

export class ProcessService implements Service {
  readonly address: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  #exitListeners: ((description: string) => void)[] = [];

  constructor(
    readonly name: string,
    readonly command: string,
    readonly args: readonly string[],
    private readonly options: ProcessServiceOptions,
  ) {
    this.address = options.address ?? '';
  }

  get process(): ChildProcess {
    if (!this.#child) throw new Error(`${this.name} was never started`);
    return this.#child;
  }

  /** `exit code N` / `SIGNAL` once the current child has ended, else undefined. */
  get exitDescription(): string | undefined {
    const child = this.#child;
    if (!child) return undefined;
    if (child.signalCode !== null) return child.signalCode;
    return child.exitCode !== null ? `exit code ${child.exitCode}` : undefined;
  }

  /** Called with the exit description when the child ends without `stop()` (a crash). */
  onUnexpectedExit(listener: (description: string) => void): this {
    this.#exitListeners.push(listener);
    return this;
  }

  /** Spawns the child without waiting for it to be ready (see `start`). */
  spawn(): this {
    if (this.#child && this.exitDescription === undefined) throw new Error(`${this.name} is already running`);
    this.#stopping = false;
    // A group of its own: stop() reaches every process the child may have started, and the
    // terminal's Ctrl-C reaches the launcher, which stops the services in order.
    const child = spawn(this.command, this.args, { cwd: projectRoot, env: this.options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.#child = child;
    this.#exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', (error) => {
        this.options.output(this.name, `cannot start ${this.command}: ${error.message}`);
        resolve();
      });
    });
    const pid = child.pid;
    if (pid !== undefined) runningGroups.add(pid);
    child.once('exit', () => {
      if (this.#stopping) return;
      for (const listener of this.#exitListeners) listener(this.exitDescription ?? 'exited');
    });
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream!.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.options.output(this.name, line);
      });
    }
    return this;
  }

  /** Spawns the child and waits until it is ready; a child that is not ready is stopped. */
  async start(): Promise<this> {
    const { port } = this.options;
    if (port !== undefined && (await isPortOpen(port))) {
      throw new Error(`${this.name}: port ${port} is already in use`);
    }
    this.spawn();
    try {
      if (this.#child?.pid === undefined) {
        await this.#exited;
        throw new Error(`${this.name}: cannot start ${this.command}`);
      }
      await this.options.ready?.(this);
    } catch (error) {
      await this.stop();
      throw error;
    }
    return this;
  }

  /** SIGTERM to the group, SIGKILL after the kill timeout; resolves once the group is empty. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#stopping = true;
    if (!child || child.pid === undefined) return;
    const pid = child.pid;
    if (this.exitDescription === undefined) signalGroup(pid, 'SIGTERM');
    const killer = setTimeout(() => signalGroup(pid, 'SIGKILL'), this.options.killTimeoutMs ?? defaultKillTimeoutMs);
    await this.#exited;
    // The leader is gone; anything it left in its group goes too.
    while (signalGroup(pid, 0)) {
      signalGroup(pid, 'SIGKILL');
      await sleep(20);
    }
    clearTimeout(killer);
    runningGroups.delete(pid);
  }

  async restart(): Promise<this> {
    await this.stop();
    return this.start();
  }

  /** Synchronous last resort (e.g. in `process.on('exit')`): SIGKILL the group. */
  killNow(): void {
    this.#stopping = true;
    if (this.#child?.pid !== undefined) signalGroup(this.#child.pid, 'SIGKILL');
  }
}

/** A readiness check: the port listens within `timeoutMs` while the child still runs. */
export function listeningOn(port: number, timeoutMs: number): (service: ProcessService) => Promise<void> {
  return async (service) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const exit = service.exitDescription;
      if (exit) throw new Error(`${service.name} ended (${exit}) before listening on ${port}`);
      if (await isPortOpen(port)) return;
      await sleep(100);
    }
    throw new Error(`${service.name} did not listen on ${port} within ${timeoutMs / 1000} s`);
  };
}

/** Spawns a child and forwards its output line by line, without waiting for it. */
export function launch(name: string, command: string, args: string[], output: Output, env = process.env): ProcessService {
  return new ProcessService(name, command, args, { output, env }).spawn();
}

export interface TemporalDevServerOptions {
  port: number;
  /** Web UI port; omitted → headless. */
  uiPort?: number;
  /** SQLite file; omitted → in memory (a restart then starts empty). */
  dbFile?: string;
  searchAttributes?: SearchAttributeKey<SearchAttributeType>[];
  /** Codec endpoint the Web UI calls to decode payloads. */
  codecEndpoint?: string;
  output: Output;
  killTimeoutMs?: number;
}

export function temporalDevServer(options: TemporalDevServerOptions): ProcessService {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port)];
  args.push('--log-level', 'error', '--namespace', 'default');
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  // WAL keeps the file-backed dev server fast (the TS SDK's own CI does the same).
  args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  for (const key of options.searchAttributes ?? []) {
    args.push('--search-attribute', `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`);
  }
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true');
  return new ProcessService('temporal', toolPath('temporal'), args, {
    output: options.output,
    address: `127.0.0.1:${options.port}`,
    port: options.port,
    ready: listeningOn(options.port, 60_000),
    ...(options.killTimeoutMs !== undefined && { killTimeoutMs: options.killTimeoutMs }),
  });
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<ProcessService> {
  if (options.dbFile) await mkdir(dirname(options.dbFile), { recursive: true });
  return temporalDevServer(options).start();
}

export function timeSkippingServer(options: { port: number; output: Output }): ProcessService {
  return new ProcessService('temporal-test-server', toolPath('temporal-test-server'), [String(options.port)], {
    output: options.output,
    address: `127.0.0.1:${options.port}`,
    port: options.port,
    ready: listeningOn(options.port, 60_000),
  });
}

export async function startTimeSkippingServer(options: { port: number; output: Output }): Promise<ProcessService> {
  return timeSkippingServer(options).start();
}

export interface FerretDbOptions {
  port: number;
  /** SQLite files; a restart on the same folder finds the data again. */
  dataDir: string;
  output: Output;
  killTimeoutMs?: number;
}

export function ferretDb(options: FerretDbOptions): ProcessService {
  const args = ['-listen-addr', `127.0.0.1:${options.port}`, '-data-dir', options.dataDir, '-log-level', 'error'];
  return new ProcessService('ferretdb', toolPath('ferretdb'), args, {
    output: options.output,
    address: `mongodb://127.0.0.1:${options.port}/`,
    port: options.port,
    ready: listeningOn(options.port, 30_000),
    ...(options.killTimeoutMs !== undefined && { killTimeoutMs: options.killTimeoutMs }),
  });
}

export async function startFerretDb(options: FerretDbOptions): Promise<ProcessService> {
  await mkdir(options.dataDir, { recursive: true });
  return ferretDb(options).start();
}

/**
 * Services started one after the other and stopped in reverse order. A step that fails stops
 * every service already started before its error goes on: nothing is left half-started.
 */
export class ServiceStack {
  readonly services: Stoppable[] = [];
  #stopped: Promise<void> | undefined;

  constructor(private readonly output: Output = () => {}) {}

  /** Runs `step` after the ones before it and keeps what it returns, to be stopped later. */
  async start<T extends Stoppable>(step: () => T | Promise<T>): Promise<T> {
    const service = await this.run(step);
    return this.add(service);
  }

  /** Keeps an already started part (e.g. an in-process server) to stop it with the others. */
  async add<T extends Stoppable>(service: T): Promise<T> {
    if (this.#stopped) {
      // Stopped while this one was starting (e.g. Ctrl-C): it must not outlive the stack.
      await service.stop().catch(() => {});
      throw new Error(`the stack stopped while ${service.name} started`);
    }
    this.services.push(service);
    return service;
  }

  /** An in-process part (a server, a worker, a connection) and how to stop it, as one step. */
  async startPart<T>(name: string, start: () => T | Promise<T>, stop: (part: T) => unknown): Promise<T> {
    const part = await this.run(start);
    await this.add({ name, stop: async () => void (await stop(part)) });
    return part;
  }

  /** A step that starts nothing (a check, a registration): its failure also stops the stack. */
  async run<T>(step: () => T | Promise<T>): Promise<T> {
    if (this.#stopped) throw new Error('the stack is stopping');
    try {
      return await step();
    } catch (error) {
      await this.stop().catch(() => {});
      throw error;
    }
  }

  /** Stops every service, last started first; the same promise when called again. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const errors: unknown[] = [];
      for (const service of [...this.services].reverse()) {
        await service.stop().catch((error: unknown) => {
          this.output(service.name, `stop failed: ${(error as Error).message ?? error}`);
          errors.push(error);
        });
      }
      if (errors.length) throw errors[0];
    })();
    return this.#stopped;
  }

  get stopping(): boolean {
    return this.#stopped !== undefined;
  }

  /** Synchronous last resort: SIGKILL every child process of the stack. */
  killNow(): void {
    for (const service of this.services) if (service instanceof ProcessService) service.killNow();
  }

  /**
   * SIGINT (Ctrl-C) and SIGTERM stop the stack in order, then `exit(code)` ends the process; a
   * second signal while it stops kills every child at once.
   */
  stopOnSignals(exit: (code: number) => void = (code) => process.exit(code)): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (this.stopping) {
          this.killNow();
          exit(1);
          return;
        }
        this.stop().then(() => exit(0), () => exit(1));
      });
    }
  }
}
