import type { RequestIds } from '../store/requestIds.js';
import type { Sessions, Tokens } from '../store/tokens.js';

/** How long each kind of row is kept (FerretDB has no TTL index: a schedule deletes them). */
export const retention = {
  /** Tokens live 15 minutes at most; a day leaves room for a redeem's 410 answer and audits. */
  tokensMs: 24 * 3_600_000,
  /** The status of a fallback session is asked while its workflow exists (dev server: 24 h). */
  sessionsMs: 7 * 24 * 3_600_000,
  /** Single-use request ids only matter inside the ±5 min window of a signed change. */
  requestIdsMs: 60 * 60_000,
};

export interface CleanupResult {
  tokens: number;
  sessions: number;
  requestIds: number;
}

/** Deletes index rows that can no longer matter; idempotent, so safe to run again. */
export function createCleanup(deps: { tokens: Tokens; sessions: Sessions; requestIds: RequestIds; now: () => Date }) {
  return async function removeExpiredRows(): Promise<CleanupResult> {
    const now = deps.now().getTime();
    const [tokens, sessions, requestIds] = await Promise.all([
      deps.tokens.removeCreatedBefore(new Date(now - retention.tokensMs)),
      deps.sessions.removeCreatedBefore(new Date(now - retention.sessionsMs)),
      deps.requestIds.removeUsedBefore(new Date(now - retention.requestIdsMs)),
    ]);
    return { tokens, sessions, requestIds };
  };
}
