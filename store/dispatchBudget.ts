import type { Db } from 'mongodb';

/** Push-fatigue limits (a user bombarded with pushes ends up approving one). */
export interface DispatchLimits {
  /** Out-of-band operations of one user that may wait for the phone at the same time. */
  maxPending: number;
  /** After this many unanswered (expired) dispatches within `backOffSeconds`, new ones wait. */
  backOffAfterUnanswered: number;
  backOffSeconds: number;
}

export const defaultDispatchLimits: DispatchLimits = { maxPending: 3, backOffAfterUnanswered: 3, backOffSeconds: 600 };

type Entry = { _id: string; userHash: string; createdAt: Date; state: 'pending' | 'answered' | 'unanswered'; settledAt?: Date };

export type BudgetRefusal = { allowed: false; reason: 'tooManyPendingDispatches' | 'dispatchBackOff'; retryAfterSeconds: number };

/**
 * One row per out-of-band operation and user (a keyed hash of the user name): pending until the
 * workflow settles it as answered (redeemed or denied) or unanswered (expired).
 */
export function createDispatchBudget(db: Db, limits: DispatchLimits) {
  const collection = db.collection<Entry>('dispatchBudget');
  return {
    async ensureIndexes(): Promise<void> {
      await collection.createIndex({ userHash: 1, createdAt: -1 });
    },

    /** Reserves a place for `workflowId`, or says why not. Idempotent for the same workflow. */
    async reserve(workflowId: string, userHash: string, now: Date): Promise<{ allowed: true } | BudgetRefusal> {
      if (await collection.findOne({ _id: workflowId })) return { allowed: true };
      const since = new Date(now.getTime() - limits.backOffSeconds * 1000);
      const recent = await collection.find({ userHash, createdAt: { $gte: since } }).toArray();
      // Pending rows older than the window are operations whose settle was lost: they do not block.
      if (recent.filter((entry) => entry.state === 'pending').length >= limits.maxPending) {
        return { allowed: false, reason: 'tooManyPendingDispatches', retryAfterSeconds: 30 };
      }
      const unanswered = recent.filter((entry) => entry.state === 'unanswered');
      if (unanswered.length >= limits.backOffAfterUnanswered) {
        const oldest = Math.min(...unanswered.map((entry) => (entry.settledAt ?? entry.createdAt).getTime()));
        return { allowed: false, reason: 'dispatchBackOff', retryAfterSeconds: Math.ceil((oldest + limits.backOffSeconds * 1000 - now.getTime()) / 1000) };
      }
      await collection.updateOne({ _id: workflowId }, { $setOnInsert: { userHash, createdAt: now, state: 'pending' } }, { upsert: true });
      return { allowed: true };
    },

    async settle(workflowId: string, answered: boolean, now: Date): Promise<void> {
      await collection.updateOne({ _id: workflowId, state: 'pending' }, { $set: { state: answered ? 'answered' : 'unanswered', settledAt: now } });
    },
  };
}

export type DispatchBudget = ReturnType<typeof createDispatchBudget>;
