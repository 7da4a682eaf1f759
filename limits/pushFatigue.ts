// Push-fatigue limits (a user bombarded with pushes ends up approving one): pure decisions over
// one user's ledger. store/dispatchBudget.ts loads and saves the ledger; nothing here touches it.

export interface DispatchLimits {
  /** Dispatches (first or fallback, of any of the user's operations) that may await the phone at once. */
  maxPending: number;
  /** Fallback re-dispatches one operation may make after its first dispatch. */
  maxFallbacks: number;
  /** After this many unanswered, denied or mis-picked dispatches within `backOffSeconds`, new ones wait. */
  backOffAfterUnanswered: number;
  backOffSeconds: number;
}

export const defaultDispatchLimits: DispatchLimits = { maxPending: 3, maxFallbacks: 3, backOffAfterUnanswered: 3, backOffSeconds: 600 };

/** What the server knows of one user's recent dispatches (times in epoch milliseconds). */
export interface PushFatigueLedger {
  /** Open out-of-band operations: workflow id → when its latest dispatch was reserved. */
  pending: Record<string, number>;
  /** Open operations: workflow id → how many dispatches it made (absent: one). */
  dispatches?: Record<string, number>;
  /** When recent dispatches ended unanswered (one entry per dispatch; a denial or wrong pick counts too). */
  unanswered: number[];
}

export const emptyLedger: PushFatigueLedger = { pending: {}, unanswered: [] };

export type DispatchRefusalReason = 'tooManyPendingDispatches' | 'dispatchBackOff' | 'tooManyFallbacks';
export type DispatchRefusal = { allowed: false; reason: DispatchRefusalReason; retryAfterSeconds: number };

/** An allowed dispatch says what to save: the entry to add and the stale ones to drop. */
export type DispatchDecision =
  | { allowed: true; alreadyReserved: true }
  | { allowed: true; alreadyReserved: false; stalePending: string[]; recentUnanswered: number[] }
  | DispatchRefusal;

/** How long a caller refused for too many open dispatches should wait: one may end meanwhile. */
export const pendingRetryAfterSeconds = 30;

/** How many dispatches of the open operation `workflowId` the ledger counts. */
export function dispatchesOf(ledger: PushFatigueLedger, workflowId: string): number {
  return ledger.pending[workflowId] === undefined ? 0 : (ledger.dispatches?.[workflowId] ?? 1);
}

/** The ledger as seen at `now`: entries older than the window no longer count. */
export function ledgerWithinWindow(ledger: PushFatigueLedger, limits: DispatchLimits, now: number): PushFatigueLedger {
  const since = now - limits.backOffSeconds * 1000;
  // A pending entry older than the window is an operation whose settle was lost: it no longer blocks.
  const pending = Object.fromEntries(Object.entries(ledger.pending).filter(([, at]) => at >= since));
  const dispatches = Object.fromEntries(Object.keys(pending).map((id) => [id, dispatchesOf(ledger, id)]));
  return { pending, dispatches, unanswered: ledger.unanswered.filter((at) => at >= since) };
}

/** Seconds until the oldest unanswered dispatch leaves the window (at least 1). */
export function backOffRetryAfterSeconds(unanswered: readonly number[], limits: DispatchLimits, now: number): number {
  return Math.max(1, Math.ceil((Math.min(...unanswered) + limits.backOffSeconds * 1000 - now) / 1000));
}

/**
 * Dispatch number `dispatchNumber` (1: the first, 2: the first fallback, …) of an operation past
 * its fallback cap? Decided whoever the dispatch goes to, even a QR code with no known user.
 */
export function matchFallbackCap(dispatchNumber: number, limits: DispatchLimits): DispatchRefusal | undefined {
  if (dispatchNumber <= 1 + limits.maxFallbacks) return undefined;
  // The operation takes no more dispatches; a new operation may start once this one has ended.
  return { allowed: false, reason: 'tooManyFallbacks', retryAfterSeconds: pendingRetryAfterSeconds };
}

/**
 * May dispatch number `dispatchNumber` of `workflowId` go to this user now? Every dispatch counts,
 * a fallback as much as a first one. A dispatch the ledger counted already is allowed again
 * without a second entry (a retried activity is not a second dispatch).
 */
export function decideDispatch(ledger: PushFatigueLedger, workflowId: string, dispatchNumber: number, limits: DispatchLimits, now: number): DispatchDecision {
  if (dispatchesOf(ledger, workflowId) >= dispatchNumber) return { allowed: true, alreadyReserved: true };
  const current = ledgerWithinWindow(ledger, limits, now);
  const awaiting = Object.values(current.dispatches ?? {}).reduce((sum, count) => sum + count, 0);
  if (awaiting >= limits.maxPending) {
    return { allowed: false, reason: 'tooManyPendingDispatches', retryAfterSeconds: pendingRetryAfterSeconds };
  }
  if (current.unanswered.length >= limits.backOffAfterUnanswered) {
    return { allowed: false, reason: 'dispatchBackOff', retryAfterSeconds: backOffRetryAfterSeconds(current.unanswered, limits, now) };
  }
  const stalePending = Object.keys(ledger.pending).filter((id) => current.pending[id] === undefined);
  return { allowed: true, alreadyReserved: false, stalePending, recentUnanswered: current.unanswered };
}
