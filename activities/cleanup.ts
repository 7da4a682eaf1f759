import type { AuditTrail } from '../store/audit.js';
import type { Credentials } from '../store/credentials.js';
import type { DispatchRecords } from '../store/dispatches.js';
import type { PendingDispatches } from '../store/pendingDispatches.js';
import type { RequestIds } from '../store/requestIds.js';
import type { Sessions } from '../store/sessions.js';

/** How long each kind of row is kept (FerretDB has no TTL index: a schedule deletes them). */
export const retention = {
  /** Dispatch records serve a rerun of a dispatch; its token lives 15 minutes at most, and a day leaves room for audits. */
  dispatchRecordsMs: 24 * 3_600_000,
  /** A deregistration record only serves a rerun of its operation (seconds); a day is ample. */
  deregistrationsMs: 24 * 3_600_000,
  /** The status of a fallback session is asked while its workflow exists (dev server: 24 h). */
  sessionsMs: 7 * 24 * 3_600_000,
  /** Single-use request ids only matter inside the ±5 min window of a signed change. */
  requestIdsMs: 60 * 60_000,
};

export interface CleanupResult {
  sessions: number;
  requestIds: number;
  dispatches: number;
  deregistrations: number;
  /** Audit events past AUDIT_RETENTION_DAYS. */
  audit: number;
  /** Fetch-channel rows whose token has expired (store/pendingDispatches.ts). */
  pendingDispatches: number;
}

/** Deletes index rows that can no longer matter; idempotent, so safe to run again. */
export function createCleanup(deps: {
  sessions: Sessions;
  requestIds: RequestIds;
  credentials: Pick<Credentials, 'removeDeregistrationsBefore'>;
  dispatchRecords: Pick<DispatchRecords<object>, 'removeCreatedBefore'>;
  audit: Pick<AuditTrail, 'removeBefore'>;
  pendingDispatches: Pick<PendingDispatches, 'removeExpiredBefore'>;
  auditRetentionDays: number;
  now: () => Date;
}) {
  return async function removeExpiredRows(): Promise<CleanupResult> {
    const now = deps.now().getTime();
    const [sessions, requestIds, dispatches, deregistrations, audit, pendingDispatches] = await Promise.all([
      deps.sessions.removeCreatedBefore(new Date(now - retention.sessionsMs)),
      deps.requestIds.removeUsedBefore(new Date(now - retention.requestIdsMs)),
      deps.dispatchRecords.removeCreatedBefore(new Date(now - retention.dispatchRecordsMs)),
      deps.credentials.removeDeregistrationsBefore(new Date(now - retention.deregistrationsMs)),
      deps.audit.removeBefore(new Date(now - deps.auditRetentionDays * 24 * 3_600_000)),
      // An expired token cannot be redeemed: the row can no longer serve the fetch channel.
      deps.pendingDispatches.removeExpiredBefore(new Date(now)),
    ]);
    return { sessions, requestIds, dispatches, deregistrations, audit, pendingDispatches };
  };
}
