import { describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../../api/temporal/dependencies.js';
import { createStatusCache, type StatusCacheOptions } from '../../../api/temporal/statusCache.js';

const freshMs = 1_000;
const maxStaleMs = 5_000;

const status = (value: StatusResponse['status'], atMs: number, extra: Partial<StatusResponse> = {}): StatusResponse => ({
  status: value,
  timestamp: new Date(atMs).toISOString(),
  ...extra,
});

/**
 * Temporal as the cache sees it: each workflow's current status, every describe recorded, and
 * describes that answer only when the test releases them (`hold`), or fail (`fail`).
 */
function fakeTemporal() {
  const current = new Map<string, StatusResponse>();
  const describes: string[] = [];
  const held: { workflowId: string; release: () => void }[] = [];
  let holding = false;
  let failure: Error | undefined;
  const describe = async (workflowId: string): Promise<StatusResponse | undefined> => {
    describes.push(workflowId);
    // What Temporal holds when the describe reaches it, i.e. now, not when it is released.
    const seen = current.get(workflowId);
    const failing = failure;
    if (holding) await new Promise<void>((release) => held.push({ workflowId, release }));
    if (failing) throw failing;
    return seen;
  };
  return {
    current,
    describes,
    describe,
    hold: () => void (holding = true),
    /** Answers the held describes (and the next ones at once). */
    releaseAll: async () => {
      holding = false;
      for (const { release } of held.splice(0)) release();
      await flush();
    },
    fail: (error: Error | undefined) => void (failure = error),
  };
}

/** Lets the promise chains of released describes settle. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(options: Partial<StatusCacheOptions> = {}) {
  const temporal = fakeTemporal();
  let time = 1_000_000;
  const backgroundErrors: unknown[] = [];
  const cache = createStatusCache({
    describe: temporal.describe,
    freshMs,
    maxStaleMs,
    maxEntries: 100,
    now: () => time,
    onBackgroundError: (_workflowId, error) => backgroundErrors.push(error),
    ...options,
  });
  return { cache, temporal, backgroundErrors, advance: (ms: number) => void (time += ms), now: () => time };
}

describe('status cache', () => {
  it('waits for the describe of a workflow it has never read, and concurrent reads share that one describe', async () => {
    const { cache, temporal } = setup();
    temporal.current.set('wf', status('tokenCreated', 1));
    temporal.hold();
    const reads = [cache.read('wf'), cache.read('wf'), cache.read('wf')];
    await temporal.releaseAll();
    expect(await Promise.all(reads)).toEqual([status('tokenCreated', 1), status('tokenCreated', 1), status('tokenCreated', 1)]);
    expect(temporal.describes).toEqual(['wf']);
  });

  it('answers a fresh status from memory, without a describe', async () => {
    const { cache, temporal, advance } = setup();
    temporal.current.set('wf', status('tokenCreated', 1));
    await cache.read('wf');
    temporal.current.set('wf', status('clientAuthenticating', 2));
    advance(freshMs - 1);
    expect(await cache.read('wf')).toMatchObject({ status: 'tokenCreated' });
    expect(temporal.describes).toEqual(['wf']);
  });

  it('answers a stale status at once and refreshes it with one background describe', async () => {
    const { cache, temporal, advance } = setup();
    temporal.current.set('wf', status('tokenCreated', 1));
    await cache.read('wf');
    temporal.current.set('wf', status('clientAuthenticating', 2));
    advance(freshMs);
    temporal.hold();
    expect(await cache.read('wf')).toMatchObject({ status: 'tokenCreated' });
    expect(await cache.read('wf')).toMatchObject({ status: 'tokenCreated' });
    expect(temporal.describes).toEqual(['wf', 'wf']);
    await temporal.releaseAll();
    expect(await cache.read('wf')).toMatchObject({ status: 'clientAuthenticating' });
    expect(temporal.describes).toHaveLength(2);
  });

  it('past the hard staleness bound, waits for the describe; when it fails, the error reaches the reader', async () => {
    const { cache, temporal, advance } = setup();
    temporal.current.set('wf', status('tokenCreated', 1));
    await cache.read('wf');
    advance(maxStaleMs);
    temporal.fail(Object.assign(new Error('unavailable'), { code: 14 }));
    await expect(cache.read('wf')).rejects.toMatchObject({ code: 14 });
    temporal.fail(undefined);
    temporal.current.set('wf', status('clientAuthenticating', 2));
    expect(await cache.read('wf')).toMatchObject({ status: 'clientAuthenticating' });
  });

  it('while Temporal fails, answers the known status until the hard bound (background failures reported, not thrown)', async () => {
    const { cache, temporal, advance, backgroundErrors } = setup();
    temporal.current.set('wf', status('clientAuthenticating', 1));
    await cache.read('wf');
    temporal.fail(new Error('unavailable'));
    advance(freshMs);
    expect(await cache.read('wf')).toMatchObject({ status: 'clientAuthenticating' });
    await flush();
    advance(maxStaleMs - freshMs - 1);
    expect(await cache.read('wf')).toMatchObject({ status: 'clientAuthenticating' });
    await flush();
    expect(backgroundErrors).toHaveLength(2);
    advance(1);
    await expect(cache.read('wf')).rejects.toThrow('unavailable');
  });

  it('never describes a final status again', async () => {
    const { cache, temporal, advance } = setup();
    temporal.current.set('wf', status('succeeded', 1, { userId: 'alice' }));
    await cache.read('wf');
    advance(10 * maxStaleMs);
    cache.changed('wf');
    expect(await cache.read('wf')).toEqual(status('succeeded', 1, { userId: 'alice' }));
    expect(temporal.describes).toEqual(['wf']);
  });

  it('after a change, refreshes at once, and a read waits for that refresh instead of answering the status from before', async () => {
    const { cache, temporal } = setup();
    temporal.current.set('wf', status('clientAuthenticating', 1));
    await cache.read('wf');
    temporal.current.set('wf', status('succeeded', 2));
    temporal.hold();
    cache.changed('wf');
    expect(temporal.describes).toEqual(['wf', 'wf']);
    const read = cache.read('wf');
    await temporal.releaseAll();
    expect(await read).toMatchObject({ status: 'succeeded' });
  });

  it('a change during a running describe is read by a second describe, started after the first (which may predate it)', async () => {
    const { cache, temporal, advance } = setup();
    temporal.current.set('wf', status('tokenCreated', 1));
    await cache.read('wf');
    advance(freshMs);
    temporal.hold();
    expect(await cache.read('wf')).toMatchObject({ status: 'tokenCreated' }); // background describe, sees tokenCreated
    temporal.current.set('wf', status('clientAuthenticating', 2));
    cache.changed('wf');
    cache.changed('wf'); // a second change before the queued describe starts: the same describe
    const read = cache.read('wf');
    expect(temporal.describes).toHaveLength(2);
    await temporal.releaseAll();
    expect(await read).toMatchObject({ status: 'clientAuthenticating' });
    expect(temporal.describes).toHaveLength(3);
  });

  it('after a change whose refresh fails, never answers the status from before the change: the next read waits for a describe', async () => {
    const { cache, temporal } = setup();
    temporal.current.set('wf', status('clientAuthenticating', 1));
    await cache.read('wf');
    temporal.current.set('wf', status('succeeded', 2));
    temporal.fail(new Error('unavailable'));
    cache.changed('wf');
    await expect(cache.read('wf')).rejects.toThrow('unavailable');
    await expect(cache.read('wf')).rejects.toThrow('unavailable');
    temporal.fail(undefined);
    expect(await cache.read('wf')).toMatchObject({ status: 'succeeded' });
  });

  it('after a change to a workflow never read, the first read joins the refresh the change started', async () => {
    const { cache, temporal } = setup();
    temporal.current.set('wf', status('tokenCreated', 1));
    cache.changed('wf');
    expect(await cache.read('wf')).toMatchObject({ status: 'tokenCreated' });
    expect(temporal.describes).toEqual(['wf']);
  });

  it('never goes backwards: a final status stays final, and a later describe showing an earlier step is ignored', async () => {
    const { cache, temporal } = setup();
    temporal.current.set('wf', status('clientAuthenticating', 2));
    await cache.read('wf');
    temporal.current.set('wf', status('tokenCreated', 3));
    expect(await cache.readFresh('wf')).toMatchObject({ status: 'clientAuthenticating' });
    temporal.current.set('wf', status('failed', 4, { failureReason: 'tokenExpired' }));
    expect(await cache.readFresh('wf')).toMatchObject({ status: 'failed' });
    temporal.current.set('wf', status('clientAuthenticating', 5));
    expect(await cache.readFresh('wf')).toMatchObject({ status: 'failed', failureReason: 'tokenExpired' });
  });

  it('a workflow that does not exist is not cached: each read describes it again (it may be starting)', async () => {
    const { cache, temporal } = setup();
    expect(await cache.read('wf')).toBeUndefined();
    temporal.current.set('wf', status('tokenCreated', 1));
    expect(await cache.read('wf')).toMatchObject({ status: 'tokenCreated' });
    expect(temporal.describes).toEqual(['wf', 'wf']);
  });

  it('keeps each workflow apart', async () => {
    const { cache, temporal } = setup();
    temporal.current.set('a', status('succeeded', 1, { userId: 'alice' }));
    temporal.current.set('b', status('tokenCreated', 1));
    await cache.read('a');
    expect(await cache.read('b')).toEqual(status('tokenCreated', 1));
    expect(await cache.read('c')).toBeUndefined();
  });

  it('holds at most maxEntries statuses, the least recently read going first', async () => {
    const { cache, temporal } = setup({ maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) temporal.current.set(id, status('succeeded', 1));
    await cache.read('a');
    await cache.read('b');
    await cache.read('a'); // a is now more recent than b
    await cache.read('c'); // b goes
    expect(cache.size).toBe(2);
    expect(temporal.describes).toEqual(['a', 'b', 'c']);
    await cache.read('a');
    await cache.read('b');
    expect(temporal.describes).toEqual(['a', 'b', 'c', 'b']);
  });

  it('a status an update answered (put) is read from memory at once, even while a refresh an earlier change started is still out', async () => {
    const { cache, temporal } = setup();
    temporal.current.set('wf', status('tokenCreated', 1));
    temporal.hold();
    cache.changed('wf'); // e.g. a refused call: a refresh is out, reads would wait for it
    cache.put('wf', status('clientAuthenticating', 2));
    expect(await cache.read('wf')).toEqual(status('clientAuthenticating', 2));
    // The refresh lands later with what Temporal held before: the answered status stays.
    await temporal.releaseAll();
    expect(await cache.read('wf')).toEqual(status('clientAuthenticating', 2));
    expect(temporal.describes).toEqual(['wf']);
  });

  it('a put never moves a status backwards: an older answer (a deduplicated retry) leaves a final status final', async () => {
    const { cache } = setup();
    cache.put('wf', status('succeeded', 3, { userId: 'alice' }));
    cache.put('wf', status('clientAuthenticating', 2));
    expect(await cache.read('wf')).toEqual(status('succeeded', 3, { userId: 'alice' }));
  });

  it('remembers where a fallback session leads, within the same bound', () => {
    const { cache } = setup({ maxEntries: 1 });
    cache.setAlias('session-1', 'wf');
    expect(cache.aliasOf('session-1')).toBe('wf');
    cache.setAlias('session-2', 'wf');
    expect(cache.aliasOf('session-1')).toBeUndefined();
  });
});
