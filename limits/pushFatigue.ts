// Push-fatigue limits (a user bombarded with pushes ends up approving one): pure decisions over
// one user's ledger. store/dispatchBudget.ts loads and saves the ledger; nothing here touches it.

export interface DispatchLimits {
  /** Out-of-band operations of one user that may wait for the phone at the same time. */
  maxPending: number;
  /** After this many unanswered (expired) dispatches within `backOffSeconds`, new ones wait. */
  backOffAfterUnanswered: number;
  backOffSeconds: number;
}

export const defaultDispatchLimits: DispatchLimits = { maxPending: 3, backOffAfterUnanswered: 3, backOffSeconds: 600 };

/** What the server knows of one user's recent dispatches (times in epoch milliseconds). */
export interface PushFatigueLedger {
  /** Open out-of-band operations: workflow id → when its dispatch was reserved. */
  pending: Record<string, number>;
  /** When recent dispatches ended unanswered. */
  unanswered: number[];
}

export const emptyLedger: PushFatigueLedger = { pending: {}, unanswered: [] };

export type DispatchRefusal = { allowed: false; reason: 'tooManyPendingDispatches' | 'dispatchBackOff'; retryAfterSeconds: number };

/** An allowed dispatch says what to save: the entry to add and the stale ones to drop. */
export type DispatchDecision =
  | { allowed: true; alreadyReserved: true }
  | { allowed: true; alreadyReserved: false; stalePending: string[]; recentUnanswered: number[] }
  | DispatchRefusal;

/** How long a caller refused for too many open operations should wait: one may end meanwhile. */
export const pendingRetryAfterSeconds = 30;

/** The ledger as seen at `now`: entries older than the window no longer count. */
export function ledgerWithinWindow(ledger: PushFatigueLedger, limits: DispatchLimits, now: number): PushFatigueLedger {
  const since = now - limits.backOffSeconds * 1000;
  // A pending entry older than the window is an operation whose settle was lost: it no longer blocks.
  const pending = Object.fromEntries(Object.entries(ledger.pending).filter(([, at]) => at >= since));
  return { pending, unanswered: ledger.unanswered.filter((at) => at >= since) };
}

/** Seconds until the oldest unanswered dispatch leaves the window (at least 1). */
export function backOffRetryAfterSeconds(unanswered: readonly number[], limits: DispatchLimits, now: number): number {
  return Math.max(1, Math.ceil((Math.min(...unanswered) + limits.backOffSeconds * 1000 - now) / 1000));
}

/**
 * May `workflowId` dispatch to this user now? A workflow that reserved already is allowed again
 * without a second entry (a retried activity is not a second dispatch).
 */
export function decideDispatch(ledger: PushFatigueLedger, workflowId: string, limits: DispatchLimits, now: number): DispatchDecision {
  if (ledger.pending[workflowId] !== undefined) return { allowed: true, alreadyReserved: true };
  const current = ledgerWithinWindow(ledger, limits, now);
  if (Object.keys(current.pending).length >= limits.maxPending) {
    return { allowed: false, reason: 'tooManyPendingDispatches', retryAfterSeconds: pendingRetryAfterSeconds };
  }
  if (current.unanswered.length >= limits.backOffAfterUnanswered) {
    return { allowed: false, reason: 'dispatchBackOff', retryAfterSeconds: backOffRetryAfterSeconds(current.unanswered, limits, now) };
  }
  const stalePending = Object.keys(ledger.pending).filter((id) => current.pending[id] === undefined);
  return { allowed: true, alreadyReserved: false, stalePending, recentUnanswered: current.unanswered };
}
