import type { Db } from 'mongodb';
import { isDuplicateKey } from './storeError.js';

// Single-use request ids of device-signed requests (the JWS that modifies a dispatch target).
// The unique `_id` is the whole replay check: the first insert wins, a second one is a replay.
// `usedAt` lets a schedule delete old entries (FerretDB has no TTL index); keep an entry at least
// as long as the request's creation time is accepted, or a replay after its deletion would pass.

interface RequestIdDocument {
  /** `<scope>/<requestId>`: a request id is single use within its scope (one dispatch target). */
  _id: string;
  usedAt: Date;
}

export function createRequestIds(db: Db) {
  const collection = db.collection<RequestIdDocument>('requestIds');
  return {
    async ensureIndexes(): Promise<void> {
      await collection.createIndex({ usedAt: 1 });
    },

    /** Records the first use of `requestId` in `scope`; false when it was used before (a replay). */
    async recordFirstUse(scope: string, requestId: string, now: Date): Promise<boolean> {
      try {
        await collection.insertOne({ _id: `${scope}/${requestId}`, usedAt: now });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    /** Deletes the entries used before `cutoff`; returns how many. */
    async removeUsedBefore(cutoff: Date): Promise<number> {
      return (await collection.deleteMany({ usedAt: { $lt: cutoff } })).deletedCount;
    },
  };
}

export type RequestIds = ReturnType<typeof createRequestIds>;
