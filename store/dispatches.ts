import type { Db } from 'mongodb';
import { isDuplicateKey } from './storeError.js';

/**
 * What a dispatcher answered for one token of one operation, kept so that a rerun of the dispatch
 * activity answers the same without pushing again. Keyed by `<workflowId>/<tokenHash>` (the token
 * hash, not the session id: nothing here should let a reader ask for a session's status).
 */
export interface DispatchRecord<Outcome> {
  outcome: Outcome;
  createdAt: Date;
}

type DispatchDocument<Outcome> = { _id: string } & DispatchRecord<Outcome>;

const idOf = (workflowId: string, tokenHash: string) => `${workflowId}/${tokenHash}`;

export function createDispatchRecords<Outcome extends object>(db: Db) {
  const collection = db.collection<DispatchDocument<Outcome>>('dispatches');
  return {
    async find(workflowId: string, tokenHash: string): Promise<Outcome | undefined> {
      return (await collection.findOne({ _id: idOf(workflowId, tokenHash) }))?.outcome;
    },

    /** Records the outcome once; a second record of the same dispatch keeps the first. */
    async record(workflowId: string, tokenHash: string, outcome: Outcome, now: Date): Promise<void> {
      // Through JSON: an absent field stays absent (BSON would store `undefined` as null), so a rerun answers exactly the same.
      const stored = JSON.parse(JSON.stringify(outcome)) as Outcome;
      await collection.insertOne({ _id: idOf(workflowId, tokenHash), outcome: stored, createdAt: now } as DispatchDocument<Outcome>).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
    },

    /** Erasure: the records of these operations (workflow ids), whose ids start with the workflow id. */
    async removeForWorkflows(workflowIds: readonly string[]): Promise<number> {
      let removed = 0;
      for (const workflowId of workflowIds) {
        const prefix = `${workflowId}/`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        removed += (await collection.deleteMany({ _id: { $regex: `^${prefix}` } })).deletedCount;
      }
      return removed;
    },

    /** For the cleanup schedule: records of tokens long dead. */
    async removeCreatedBefore(cutoff: Date): Promise<number> {
      return (await collection.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
    },
  };
}

export type DispatchRecords<Outcome extends object> = ReturnType<typeof createDispatchRecords<Outcome>>;
