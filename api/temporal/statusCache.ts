import type { StatusResponse } from './dependencies.js';

/**
 * The status of recently read workflows, in the API's memory, so that a status poll is answered
 * without waiting on Temporal (a describe waits behind a busy Temporal server; 25 flows polled
 * every 250 ms were 100 describes a second). Per workflow id:
 *
 * - younger than `freshMs`: answered as it is;
 * - older, up to `maxStaleMs`: answered as it is, and one describe is started in the background
 *   (stale-while-revalidate);
 * - older than `maxStaleMs`, or never read: the poll waits for the describe (a 503 when Temporal does
 *   not answer within its deadline, as without the cache);
 * - `succeeded` or `failed`: final, answered without any describe again.
 *
 * An update that moved the operation through this process and answered the status it left
 * (`put`) fills the entry without any describe: the browser's next poll sees the change at once.
 *
 * One describe per workflow at a time (single flight): concurrent readers join it. A change made
 * through this API process (`changed`, after the update returned or was refused) starts a describe
 * at once, and until it lands a read of that workflow waits for it: whoever saw the change's answer
 * never reads the status from before it (read-your-writes), while polls of every other workflow go
 * on from memory. When that describe fails, the status from before the change is dropped, not
 * answered: the next read waits for a describe as if the workflow had never been read.
 *
 * Several API replicas: each has its own cache, and a replica learns of a change made through
 * another one by its own describes, so a poll there may answer a status older than the change by
 * at most `freshMs` + one describe (or `maxStaleMs` while Temporal cannot be reached).
 *
 * Memory: at most `maxEntries` statuses and as many session aliases, least recently read first out.
 */
export interface StatusCache {
  /** The status of a workflow: from memory or by describe as above; undefined when it does not exist (never cached). */
  read(workflowId: string): Promise<StatusResponse | undefined>;
  /** The status as a describe started now (or later) reads it: for a reader that knows the cached one is behind. */
  readFresh(workflowId: string): Promise<StatusResponse | undefined>;
  /** An operation changed (or a change was refused): refresh its status now, in the background. */
  changed(workflowId: string): void;
  /**
   * An operation changed and its update answered the status it left (`statusAfter`,
   * contract/operation.ts): stored as a describe's answer would be (never backwards), no describe.
   */
  put(workflowId: string, status: StatusResponse): void;
  /** The workflow a fallback session's id leads to (read from the session index once: it never changes). */
  aliasOf(sessionWorkflowId: string): string | undefined;
  setAlias(sessionWorkflowId: string, workflowId: string): void;
  /** Statuses held (for tests and metrics). */
  readonly size: number;
}

export interface StatusCacheOptions {
  /** Reads one workflow's status (bounded by its own deadline); undefined when the workflow does not exist. */
  describe: (workflowId: string) => Promise<StatusResponse | undefined>;
  freshMs: number;
  maxStaleMs: number;
  maxEntries: number;
  now?: () => number;
  /** A background describe failed: the entry stays and ages toward `maxStaleMs`. */
  onBackgroundError?: (workflowId: string, error: unknown) => void;
}

interface Entry {
  status: StatusResponse;
  /** When the describe that read it started: the state is at least as new as that moment. */
  readAt: number;
  /** Order of that describe among all describes of this cache (they never overlap for one workflow). */
  sequence: number;
}

/** The describes of one workflow: the running one, and at most one queued to start after it. */
interface Flight {
  running: Promise<StatusResponse | undefined>;
  queued?: Promise<StatusResponse | undefined>;
}

export function createStatusCache({ describe, freshMs, maxStaleMs, maxEntries, now = Date.now, onBackgroundError = () => undefined }: StatusCacheOptions): StatusCache {
  const entries = new LruMap<string, Entry>(maxEntries);
  const aliases = new LruMap<string, string>(maxEntries);
  const flights = new Map<string, Flight>();
  /** Workflows changed through this process whose post-change describe has not landed yet. */
  const pendingChanges = new Map<string, Promise<StatusResponse | undefined>>();
  let sequence = 0;

  /** One describe; its answer is stored unless a newer one already is; the stored one is returned. */
  async function runDescribe(workflowId: string): Promise<StatusResponse | undefined> {
    const started = { at: now(), sequence: ++sequence };
    const status = await describe(workflowId);
    if (status === undefined) {
      // Gone (purged) or not there yet: forget what was not final, unless a later describe stored it.
      const entry = entries.peek(workflowId);
      if (entry && !isFinal(entry.status) && entry.sequence < started.sequence) entries.delete(workflowId);
      return entries.peek(workflowId)?.status;
    }
    store(workflowId, status, started);
    return entries.peek(workflowId)?.status ?? status;
  }

  /** Never backwards: a final status stays; an earlier-started describe landing late replaces only an older status. */
  function store(workflowId: string, status: StatusResponse, started: { at: number; sequence: number }): void {
    const current = entries.peek(workflowId);
    const replaces =
      current === undefined ||
      (!isFinal(current.status) &&
        (isFinal(status) || (started.sequence > current.sequence ? progressOf(status) >= progressOf(current.status) : isNewer(status, current.status))));
    if (replaces) entries.set(workflowId, { status, readAt: started.at, sequence: started.sequence });
  }

  /** Joins the running describe, or starts one. */
  function refresh(workflowId: string): Promise<StatusResponse | undefined> {
    return flights.get(workflowId)?.running ?? start(workflowId);
  }

  /** A describe that starts now or later: the queued one, or one queued after the running one. */
  function refreshFromNow(workflowId: string): Promise<StatusResponse | undefined> {
    const flight = flights.get(workflowId);
    if (!flight) return start(workflowId);
    flight.queued ??= flight.running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      flight.running = flight.queued!;
      flight.queued = undefined;
      return runDescribe(workflowId);
    });
    return flight.queued;
  }

  function start(workflowId: string): Promise<StatusResponse | undefined> {
    const running = runDescribe(workflowId);
    const flight: Flight = { running };
    flights.set(workflowId, flight);
    // The last describe of the flight clears it, whether it answered or failed.
    const clear = (): void => {
      if (flight.queued) void flight.queued.then(clear, clear);
      else if (flights.get(workflowId) === flight) flights.delete(workflowId);
    };
    void running.then(clear, clear);
    return running;
  }

  return {
    async read(workflowId) {
      const pending = pendingChanges.get(workflowId);
      if (pending) return pending;
      const entry = entries.get(workflowId);
      if (entry === undefined) return refresh(workflowId);
      const age = now() - entry.readAt;
      if (isFinal(entry.status) || age < freshMs) return entry.status;
      if (age >= maxStaleMs) return refresh(workflowId);
      refresh(workflowId).catch((error: unknown) => onBackgroundError(workflowId, error));
      return entry.status;
    },
    readFresh: (workflowId) => refreshFromNow(workflowId),
    put(workflowId, status) {
      store(workflowId, status, { at: now(), sequence: ++sequence });
      // Reads need not wait for a refresh an earlier change started: this status is at least as
      // new (a describe landing later cannot move it backwards: `store`).
      pendingChanges.delete(workflowId);
    },
    changed(workflowId) {
      const entry = entries.peek(workflowId);
      if (entry && isFinal(entry.status)) return;
      const reading = refreshFromNow(workflowId);
      pendingChanges.set(workflowId, reading);
      const settled = () => {
        if (pendingChanges.get(workflowId) === reading) pendingChanges.delete(workflowId);
      };
      reading.then(settled, (error: unknown) => {
        // What is cached is from before the change: never answer it again. The next read waits
        // for a describe (503 while Temporal does not answer), as for a workflow never read.
        const entry = entries.peek(workflowId);
        if (entry && !isFinal(entry.status)) entries.delete(workflowId);
        settled();
        onBackgroundError(workflowId, error);
      });
    },
    aliasOf: (sessionWorkflowId) => aliases.get(sessionWorkflowId),
    setAlias: (sessionWorkflowId, workflowId) => void aliases.set(sessionWorkflowId, workflowId),
    get size() {
      return entries.size;
    },
  };
}

/** `succeeded` or `failed`: an operation's last status. */
export const isFinal = ({ status }: StatusResponse): boolean => status === 'succeeded' || status === 'failed';

/** How far along an operation is: it only moves forward (tokenCreated → client… → succeeded | failed). */
function progressOf({ status }: StatusResponse): number {
  if (status === 'tokenCreated') return 1;
  if (status === 'clientRegistering' || status === 'clientAuthenticating') return 2;
  if (status === 'succeeded' || status === 'failed') return 3;
  return 0;
}

/** Further along, or as far and written later (the memo's `updatedAt`, as `timestamp`). */
function isNewer(candidate: StatusResponse, current: StatusResponse): boolean {
  const progress = progressOf(candidate) - progressOf(current);
  if (progress !== 0) return progress > 0;
  return Date.parse(candidate.timestamp) > Date.parse(current.timestamp);
}

/** A Map that forgets its least recently read key beyond `limit` (a Map iterates in insertion order). */
class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly limit: number) {}

  get size(): number {
    return this.map.size;
  }

  /** Reads and marks as recently used. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** Reads without marking. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }
}
