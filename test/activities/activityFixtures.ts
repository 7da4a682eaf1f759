// What the idempotency tests share: activities over a real database (FerretDB of the test run),
// a database snapshot to compare states, and a fault that loses the answer of a write that
// happened (a process killed right after its write, or a lost acknowledgement).
import type { Db } from 'mongodb';
import { createActivities } from '../../activities/index.js';
import { deriveKeys } from '../../config/deriveKeys.js';
import { createDispatcherRegistry, type Dispatcher } from '../../dispatch/index.js';
import { appID, metadata, now as validNow, trustedFacetIds } from '../unit/device/relyingParty.js';

export const serverSecret = new Uint8Array(32).fill(7);

/** A dispatcher plug-in that counts its pushes (the plug-in interface the worker loads). */
export function createCountingDispatcher(): Dispatcher & { readonly pushes: number } {
  let pushes = 0;
  return {
    id: 'counting',
    targetRequired: false,
    get pushes() {
      return pushes;
    },
    async dispatch() {
      pushes += 1;
      return { dispatchResult: 'dispatched', dispatcherInformation: { name: 'counting', response: `message-${pushes}` }, targetDead: false };
    },
  };
}

/** A clock that moves one second per reading: a rerun that wrote again would leave other times than a single run. */
export function movingClock(): () => Date {
  let readings = 0;
  return () => new Date(validNow.getTime() + 1000 * readings++);
}

/**
 * A clock that stands still: for a run whose answer was lost, the rerun may write for the first
 * time what the lost run never reached (e.g. the dispatch record), and must write it as one run would.
 */
export const fixedClock = (): Date => validNow;

/** Every activity over `db`; a rerun "in a new process" is a second call with the same clock and dispatcher. */
export function activitiesOver(db: Db, { clock = movingClock(), dispatcher = createCountingDispatcher() }: { clock?: () => Date; dispatcher?: Dispatcher } = {}) {
  return createActivities({
    db,
    metadata,
    uaf: { appId: appID, trustedFacets: trustedFacetIds },
    keys: deriveKeys(serverSecret),
    dispatchers: createDispatcherRegistry([dispatcher]),
    publicUrl: 'http://127.0.0.1:9',
    now: clock,
  });
}

/** Every collection's documents, sorted by `_id`: two equal snapshots are the same database state. */
export async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map(({ name }) => name).sort();
  const entries = await Promise.all(
    names.map(async (name) => [name, (await db.collection(name).find().toArray()).sort((a, b) => String(a._id).localeCompare(String(b._id)))] as const),
  );
  return Object.fromEntries(entries.filter(([, documents]) => documents.length > 0));
}

export class AnswerLost extends Error {
  override name = 'AnswerLost';
}

/**
 * `db` whose `collection.method` performs its `nth` call and then throws (or runs `afterWrite`,
 * e.g. a SIGKILL of the process): the write is in the database, its answer is lost, as when the
 * process dies right after it.
 */
export function losingAnswerOf(
  db: Db,
  collection: string,
  method: string,
  nth = 1,
  afterWrite: () => never = () => {
    throw new AnswerLost(`${collection}.${method} #${nth} was written; its answer is lost`);
  },
): Db {
  let calls = 0;
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'collection') return Reflect.get(target, property, receiver);
      return (name: string, ...rest: unknown[]) => {
        const real = (target.collection as (...args: unknown[]) => object).call(target, name, ...rest);
        if (name !== collection) return real;
        return new Proxy(real, {
          get(inner, innerProperty, innerReceiver) {
            const value = Reflect.get(inner, innerProperty, innerReceiver) as unknown;
            if (innerProperty !== method || typeof value !== 'function') return typeof value === 'function' ? value.bind(inner) : value;
            return async (...args: unknown[]) => {
              const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(inner, args);
              if (++calls === nth) afterWrite();
              return result;
            };
          },
        });
      };
    },
  });
}

/** The driver calls that reach the database (a `find` is one, whatever cursor method follows). */
const databaseOperations = new Set([
  'find',
  'findOne',
  'countDocuments',
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'aggregate',
  'bulkWrite',
]);

/** `db` that lists every database operation made through it as `collection.method`, in order of call. */
export function countingOperationsOf(db: Db): { db: Db; operations: string[] } {
  const operations: string[] = [];
  const counting = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'collection') return Reflect.get(target, property, receiver);
      return (name: string, ...rest: unknown[]) =>
        new Proxy((target.collection as (...args: unknown[]) => object).call(target, name, ...rest), {
          get(inner, innerProperty, innerReceiver) {
            const value = Reflect.get(inner, innerProperty, innerReceiver) as unknown;
            if (typeof value !== 'function') return value;
            if (typeof innerProperty !== 'string' || !databaseOperations.has(innerProperty)) return value.bind(inner);
            return (...args: unknown[]) => {
              operations.push(`${name}.${innerProperty}`);
              return (value as (...a: unknown[]) => unknown).apply(inner, args);
            };
          },
        });
    },
  });
  return { db: counting, operations };
}
