/**
 * The launcher of `npm start`, the benchmark and the tests (scripts/services.ts): a start that
 * fails half-way, a normal stop and Ctrl-C leave no process behind, checked by process group in
 * /proc (every service runs in a group of its own); a restart keeps the port and the data.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ferretDb,
  freePort,
  launch,
  listeningOn,
  ProcessService,
  projectRoot,
  ServiceStack,
  startTemporalDevServer,
  type Stoppable,
} from '../../scripts/services.js';
import { startTestServers } from '../setup/servers.js';

/** Live (not zombie) processes whose process group is `pgid`, read from /proc. */
function processesInGroup(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended while we read
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}

const pidsOf = (services: readonly Stoppable[]) => services.map((service) => (service as ProcessService).process.pid!);
const groupsAlive = (pids: number[]) => pids.filter((pid) => processesInGroup(pid).length > 0);

const folders: string[] = [];
async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'outband-launcher-'));
  folders.push(folder);
  return folder;
}
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

const quiet = () => {};
const idle = 'setInterval(() => {}, 1000)';

describe('a start that fails half-way', () => {
  it("the test servers' setup failing at its second server stops the first", async () => {
    const stack = new ServiceStack();
    let runningAtFailure: number[] = [];
    const started = startTestServers(stack, await tempFolder(), (name) => {
      if (name !== 'temporal-test-server') return;
      runningAtFailure = groupsAlive(pidsOf(stack.services));
      throw new Error('injected failure of the second server');
    });

    await expect(started).rejects.toThrow('injected failure of the second server');
    expect(stack.services.map((service) => service.name)).toEqual(['temporal']);
    expect(runningAtFailure).toEqual(pidsOf(stack.services));
    expect(groupsAlive(pidsOf(stack.services))).toEqual([]);
  });

  it('a second service that never gets ready and ignores SIGTERM is killed, and so is the first', async () => {
    const stack = new ServiceStack();
    const first = await stack.start(() => launch('first', process.execPath, ['-e', idle], quiet));
    // It ignores SIGTERM and leaves a grandchild in its group: only SIGKILL of the group ends both.
    const stubborn = `process.on('SIGTERM', () => {}); require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(idle)}], { stdio: 'ignore' }); ${idle}`;
    const second = new ProcessService('second', process.execPath, ['-e', stubborn], {
      output: quiet,
      ready: listeningOn(await freePort(), 1_000),
      killTimeoutMs: 500,
    });

    await expect(stack.start(() => second.start())).rejects.toThrow('second did not listen');
    const pids = [first.process.pid!, second.process.pid!];
    expect(groupsAlive(pids)).toEqual([]);
    expect(second.process.signalCode).toBe('SIGKILL');
  });
});

it('a normal run: the three test servers start in order and stop with no process left', async () => {
  const stack = new ServiceStack();
  const servers = await startTestServers(stack, await tempFolder());
  const pids = pidsOf(stack.services);
  expect(stack.services.map((service) => service.name)).toEqual(['temporal', 'temporal-test-server', 'ferretdb']);
  expect(groupsAlive(pids)).toEqual(pids);
  expect(servers.mongoUri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);

  await stack.stop();
  expect(groupsAlive(pids)).toEqual([]);
});

it('Ctrl-C (SIGINT) stops every child of a stack, grandchildren included', async () => {
  const fixture = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'test/launcher/fixtures/signalledStack.ts')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pids: number[] = [];
  try {
    const [line] = (await once(fixture.stdout!.setEncoding('utf8'), 'data')) as [string];
    pids = (JSON.parse(line) as { pids: number[] }).pids;
    expect(groupsAlive(pids)).toEqual(pids);
    await expect.poll(() => processesInGroup(pids[1]!).length, { timeout: 10_000 }).toBe(2);

    fixture.kill('SIGINT');
    const [code] = await once(fixture, 'exit');
    expect(code).toBe(0);
    expect(groupsAlive(pids)).toEqual([]);
  } finally {
    // Whatever an assertion above left running goes now.
    fixture.kill('SIGKILL');
    for (const pid of groupsAlive(pids)) process.kill(-pid, 'SIGKILL');
  }
});

describe('a restart on the same port and data, as the fault drills do it', () => {
  it('FerretDB finds its documents again', async () => {
    const port = await freePort();
    const server = await ferretDb({ port, dataDir: join(await tempFolder(), 'ferretdb'), output: quiet }).start();
    const mongo = new MongoClient(`${server.address}drill`, { serverSelectionTimeoutMS: 10_000 });
    try {
      await mongo.db().collection('kept').insertOne({ _id: 'document' as never });
      const before = server.process.pid!;
      await server.restart();

      expect(server.process.pid).not.toBe(before);
      expect(groupsAlive([before])).toEqual([]);
      expect(await mongo.db().collection('kept').countDocuments()).toBe(1);
    } finally {
      await mongo.close();
      await server.stop();
    }
  });

  it('the Temporal dev server finds a running workflow again in its SQLite file', async () => {
    const server = await startTemporalDevServer({ port: await freePort(), dbFile: join(await tempFolder(), 'temporal.db'), output: quiet });
    try {
      const started = await Connection.connect({ address: server.address });
      // No worker: the workflow stays running, which is all a restart has to keep.
      await new Client({ connection: started }).workflow.start('neverRuns', { taskQueue: 'nobody', workflowId: 'kept' });
      await started.close();
      await server.stop();
      expect(groupsAlive([server.process.pid!])).toEqual([]);

      await server.start();
      const restarted = await Connection.connect({ address: server.address });
      const description = await new Client({ connection: restarted }).workflow.getHandle('kept').describe();
      await restarted.close();
      expect(description.status.name).toBe('RUNNING');
    } finally {
      await server.stop();
    }
  });
});
