import type { Db } from 'mongodb';
import { isDuplicateKey } from './storeError.js';
import type { Operation } from '../contract/operation.js';

/**
 * Token → workflow index for the redeem service: keyed by the token's hash (the token itself is
 * never stored), written before the token leaves the server.
 */
export function createTokens(db: Db) {
  const collection = db.collection<{ _id: string; workflowId: string; operation: Operation; createdAt: Date }>('tokens');
  return {
    /** Idempotent: a retried dispatch finds its row there already. (An insert: cheaper than an upsert.) */
    async add(tokenHash: string, workflowId: string, operation: Operation, now: Date): Promise<void> {
      await collection.insertOne({ _id: tokenHash, workflowId, operation, createdAt: now }).catch(ignoreDuplicate);
    },
    async find(tokenHash: string): Promise<{ workflowId: string; operation: Operation } | undefined> {
      const row = await collection.findOne({ _id: tokenHash });
      return row ? { workflowId: row.workflowId, operation: row.operation } : undefined;
    },
    /** For the cleanup schedule: rows of tokens long dead (a token lives 15 min at most). */
    async removeCreatedBefore(cutoff: Date): Promise<number> {
      return (await collection.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
    },
  };
}

/**
 * Session → workflow index for fallback sessions: the first session's workflow id is derived from
 * the session id itself; a fallback's new session id points here to the same workflow.
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
    /** For the cleanup schedule: sessions whose workflows are past Temporal's retention. */
    async removeCreatedBefore(cutoff: Date): Promise<number> {
      return (await collection.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
    },
  };
}

export type Tokens = ReturnType<typeof createTokens>;
export type Sessions = ReturnType<typeof createSessions>;

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicateKey(error)) throw error;
}
