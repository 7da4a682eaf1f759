import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { OperationState } from '../../contract/operation.js';
import { credentialExtIdOf } from '../../contract/credentialExtId.js';
import { statusMemoKey, statusMemoOf } from '../../contract/statusMemo.js';
import { workflowIdOf } from '../../store/sessionKeys.js';
import { statusQuery } from '../../workflows/messages.js';
import type { OperationsDependencies, StatusResponse } from './dependencies.js';
import { grpcStatus, hasGrpcCode, unavailable } from './withUpdateRecovery.js';

/**
 * Running: the status query. Closed: its result. Never seen (or purged): `unknown`. The first
 * session's workflow is asked directly (no database read on the common path); only when it does
 * not exist is the session looked up as a fallback's.
 */
export async function readStatus(
  dependencies: Pick<OperationsDependencies, 'client' | 'keys' | 'sessions'>,
  sessionId: string,
  known?: WorkflowHandle,
): Promise<StatusResponse> {
  // Bounded: without a deadline the SDK retries an unreachable Temporal past any client's patience
  // (test/drills/temporalRestart.test.ts); the RP polls again after the 503's Retry-After.
  try {
    return await dependencies.client.withDeadline(Date.now() + statusDeadlineMs, () => readStatusUnbounded(dependencies, sessionId, known));
  } catch (error) {
    if (hasGrpcCode(error, grpcStatus.unavailable) || hasGrpcCode(error, grpcStatus.deadlineExceeded)) throw unavailable(error);
    throw error;
  }
}

const statusDeadlineMs = 5_000;

async function readStatusUnbounded(
  { client, keys, sessions }: Pick<OperationsDependencies, 'client' | 'keys' | 'sessions'>,
  sessionId: string,
  known?: WorkflowHandle,
): Promise<StatusResponse> {
  const derived = workflowIdOf(sessionId, keys.sessionId);
  const direct = await statusOfWorkflow(known ?? client.workflow.getHandle(derived));
  if (direct) return direct;
  const fallbackWorkflow = known ? undefined : await sessions.find(derived);
  const viaIndex = fallbackWorkflow ? await statusOfWorkflow(client.workflow.getHandle(fallbackWorkflow)) : undefined;
  return viaIndex ?? { status: 'unknown', timestamp: new Date().toISOString() };
}

/**
 * The status of one workflow, or undefined when it does not exist. One describe: Temporal answers
 * it from its own state, with the memo the workflow keeps current (contract/statusMemo.ts), so a
 * poll never wakes the worker. The query and the result remain for a workflow without that memo
 * (started by an older version).
 */
async function statusOfWorkflow(handle: WorkflowHandle): Promise<StatusResponse | undefined> {
  try {
    const { status, memo } = await handle.describe();
    const kept = memo?.[statusMemoKey] as OperationState | undefined;
    if (kept && (status.name === 'RUNNING' || status.name === 'COMPLETED')) return toStatusResponse(kept);
    if (status.name === 'RUNNING') return toStatusResponse(await handle.query(statusQuery));
    if (status.name === 'COMPLETED') return toStatusResponse((await handle.result()) as OperationState);
    return { status: 'failed', timestamp: new Date().toISOString(), failureReason: 'cancelled' };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** The same shape whichever way the state was read (memo, query, result, watch): never the dispatcher's response. */
export function toStatusResponse(state: OperationState): StatusResponse {
  const { operation: _operation, updatedAt, authenticators, ...fields } = statusMemoOf(state);
  return {
    ...fields,
    // nevisFIDO's items carry the credential's extId (contract/credentialExtId.ts).
    ...(authenticators && { authenticators: authenticators.map(({ aaid, keyId }) => ({ aaid, keyId, extId: credentialExtIdOf(aaid, keyId) })) }),
    timestamp: new Date(updatedAt).toISOString(),
  };
}
