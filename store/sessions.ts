import type { Db } from 'mongodb';
import { isDuplicateKey } from './storeError.js';

/**
 * Session → workflow index for fallback sessions: the first session's workflow id is derived from
 * the session id itself; a fallback's new session id points here to the same workflow. (Tokens
 * need no index: each names its own workflow, store/sessionKeys.ts `dispatchTokenOf`.)
 */
export function createSessions(db: Db) {
  const collection = db.collection<{ _id: string; workflowId: string; createdAt: Date }>('sessions');
  return {
    async add(sessionKey: string, workflowId: string, now: Date): Promise<void> {
      await collection.insertOne({ _id: sessionKey, workflowId, createdAt: now }).catch(ignoreDuplicate);
    },
    async find(sessionKey: string): Promise<string | undefined> {
      return (await collection.findOne({ _id: sessionKey }))?.workflowId;
    },
    /** Erasure: the sessions of these operations (workflow ids). */
    async removeForWorkflows(workflowIds: readonly string[]): Promise<number> {
      return workflowIds.length ? (await collection.deleteMany({ workflowId: { $in: [...workflowIds] } })).deletedCount : 0;
    },

    /** For the cleanup schedule: sessions whose workflows are past Temporal's retention. */
    async removeCreatedBefore(cutoff: Date): Promise<number> {
      return (await collection.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicateKey(error)) throw error;
}
