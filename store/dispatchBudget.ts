import type { Db } from 'mongodb';
import type { PushFatigueLedger } from '../limits/pushFatigue.js';

/**
 * The push-fatigue ledger (limits/pushFatigue.ts decides over it): one document per user, keyed by
 * a keyed hash of the user name. Read and written by `_id` only, so it costs the same however many
 * operations have gone before (FerretDB scans for anything but an `_id` lookup). Nothing to index.
 */
type LedgerDocument = { _id: string } & PushFatigueLedger;

export function createDispatchBudget(db: Db) {
  const collection = db.collection<LedgerDocument>('dispatchBudget');
  return {
    async load(userHash: string): Promise<PushFatigueLedger | undefined> {
      const document = await collection.findOne({ _id: userHash });
      return document ? { pending: document.pending ?? {}, dispatches: document.dispatches ?? {}, unanswered: document.unanswered ?? [] } : undefined;
    },

    /**
     * Saves dispatch number `dispatchNumber` of `workflowId`: its fields of `pending` and
     * `dispatches` (set, not incremented, so a rerun sets the same values again, and a concurrent
     * settle of another operation is not overwritten), minus the entries that left the window. A
     * soft limit: two reservations racing for one user may both pass.
     */
    async savePending(
      userHash: string,
      workflowId: string,
      dispatchNumber: number,
      at: Date,
      prune: { stalePending: string[]; unanswered: number[] },
    ): Promise<void> {
      const unset = Object.fromEntries(prune.stalePending.flatMap((id) => [[`pending.${id}`, '' as const], [`dispatches.${id}`, '' as const]]));
      await collection.updateOne(
        { _id: userHash },
        {
          $set: { [`pending.${workflowId}`]: at.getTime(), [`dispatches.${workflowId}`]: dispatchNumber, unanswered: prune.unanswered },
          ...(prune.stalePending.length > 0 && { $unset: unset }),
        },
        { upsert: true },
      );
    },

    /**
     * Closes `workflowId`'s entry, remembering `unanswered` dispatches (each one unanswered, denied
     * or mis-picked). Conditional on the entry still being open, so a rerun (or a settle of an
     * entry already pruned) changes nothing.
     */
    async savePendingClosed(userHash: string, workflowId: string, unanswered: number, at: Date): Promise<void> {
      await collection.updateOne(
        { _id: userHash, [`pending.${workflowId}`]: { $exists: true } },
        {
          $unset: { [`pending.${workflowId}`]: '', [`dispatches.${workflowId}`]: '' },
          ...(unanswered > 0 && { $push: { unanswered: { $each: Array.from({ length: unanswered }, () => at.getTime()) } } }),
        },
      );
    },

    /** Erasure: the user's whole ledger; true when there was one. */
    async remove(userHash: string): Promise<boolean> {
      return (await collection.deleteOne({ _id: userHash })).deletedCount === 1;
    },
  };
}

export type DispatchBudget = ReturnType<typeof createDispatchBudget>;
