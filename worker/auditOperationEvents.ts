import type { WorkflowInfo } from '@temporalio/workflow';
import { userHashKey } from '../contract/searchAttributes.js';
import type { AuditEvent, AuditTrail } from '../store/audit.js';
import type { OperationEventListener } from './workerMetrics.js';

/** Where an audit event goes besides the database (the worker's pino logger); `failure` when it could not be stored. */
export type AuditLog = (event: AuditEvent, failure?: unknown) => void;

/**
 * The OutbandUserHash of the workflow. A sink receives a copy of the workflow's info made across
 * the sandbox boundary, in which `typedSearchAttributes` may be a plain object without methods:
 * then its state, or the untyped `searchAttributes`, still hold the value.
 */
function userHashOf(info: WorkflowInfo): string | undefined {
  const typed = info.typedSearchAttributes as unknown as { get?: unknown; searchAttributes?: Record<string, { value?: unknown }> } | undefined;
  const value =
    typeof typed?.get === 'function'
      ? info.typedSearchAttributes.get(userHashKey)
      : (typed?.searchAttributes?.[userHashKey.name]?.value ?? (info.searchAttributes as Record<string, unknown[]> | undefined)?.[userHashKey.name]?.[0]);
  return typeof value === 'string' ? value : undefined;
}

/**
 * The audit events the operation workflows report (worker/reportOperationEvents.ts): how each
 * operation ended, a deny, a dispatch refused for push fatigue. Each is keyed by the workflow id
 * and the action (and, for a refusal, the point in history), so a repeated sink call records
 * nothing twice. Best effort and never awaited: the SDK completes a workflow activation only
 * after its sink calls return, so a write waiting on a database that is down would hold the
 * workflow task (and the operation) for the driver's whole timeout. A lost write is logged.
 */
export function createAuditListener(audit: Pick<AuditTrail, 'record'>, log: AuditLog = () => {}): OperationEventListener {
  const write = (event: Omit<AuditEvent, 'at' | 'userHash' | 'workflowId'>, info: WorkflowInfo, key: string): void => {
    const userHash = userHashOf(info);
    const full: AuditEvent = { at: new Date(), ...event, ...(userHash && { userHash }), workflowId: info.workflowId };
    log(full);
    void audit.record(full, `${info.workflowId}/${key}`).catch((error: unknown) => log(full, error));
  };
  return {
    ended: ({ operation, status, failureReason, outOfBand }, info) =>
      write({ action: operation, outcome: status, ...(failureReason && { reason: failureReason }), details: { channel: outOfBand ? 'out-of-band' : 'in-band' } }, info, operation),
    redeemed: ({ denied }, info) => (denied ? write({ action: 'denied', outcome: 'succeeded' }, info, 'denied') : undefined),
    dispatchRefused: ({ code }, info) => write({ action: 'dispatchRefused', outcome: 'refused', reason: code }, info, `dispatchRefused/${info.historyLength}`),
  };
}
