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

/**
 * One document per user (keyed by a keyed hash of the user name): the open operations and the
 * times of recent unanswered ones. Read and written by `_id` only, so it costs the same however
 * many operations have gone before (FerretDB scans for anything but an `_id` lookup), and old
 * entries are dropped as the window moves. Nothing to index: every access is by `_id`.
 */
type UserBudget = { _id: string; pending: Record<string, number>; unanswered: number[] };

export type BudgetRefusal = { allowed: false; reason: 'tooManyPendingDispatches' | 'dispatchBackOff'; retryAfterSeconds: number };

export function createDispatchBudget(db: Db, limits: DispatchLimits) {
  const collection = db.collection<UserBudget>('dispatchBudget');
  const windowMs = limits.backOffSeconds * 1000;
  return {
    /**
     * Reserves a place for `workflowId`, or says why not. Idempotent for the same workflow. A soft
     * limit: two reservations racing for one user may both pass.
     */
    async reserve(workflowId: string, userHash: string, now: Date): Promise<{ allowed: true } | BudgetRefusal> {
      const budget = await collection.findOne({ _id: userHash });
      if (budget?.pending[workflowId] !== undefined) return { allowed: true };
      const since = now.getTime() - windowMs;
      // A pending entry older than the window is an operation whose settle was lost: it no longer blocks.
      const pending = Object.fromEntries(Object.entries(budget?.pending ?? {}).filter(([, at]) => at >= since));
      const unanswered = (budget?.unanswered ?? []).filter((at) => at >= since);
      if (Object.keys(pending).length >= limits.maxPending) {
        return { allowed: false, reason: 'tooManyPendingDispatches', retryAfterSeconds: 30 };
      }
      if (unanswered.length >= limits.backOffAfterUnanswered) {
        return { allowed: false, reason: 'dispatchBackOff', retryAfterSeconds: Math.ceil((Math.min(...unanswered) + windowMs - now.getTime()) / 1000) };
      }
      await collection.updateOne(
        { _id: userHash },
        { $set: { pending: { ...pending, [workflowId]: now.getTime() }, unanswered } },
        { upsert: true },
      );
      return { allowed: true };
    },

    async settle(workflowId: string, userHash: string, answered: boolean, now: Date): Promise<void> {
      await collection.updateOne(
        { _id: userHash },
        { $unset: { [`pending.${workflowId}`]: '' }, ...(answered ? {} : { $push: { unanswered: now.getTime() } }) },
      );
    },
  };
}

export type DispatchBudget = ReturnType<typeof createDispatchBudget>;
