import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { OperationState } from '../../contract/operation.js';
import { credentialExtIdOf } from '../../contract/credentialExtId.js';
import { statusMemoKey, statusMemoOf } from '../../contract/statusMemo.js';
import { workflowIdOf } from '../../store/sessionKeys.js';
import { statusQuery } from '../../workflows/messages.js';
import type { OperationsDependencies, StatusResponse } from './dependencies.js';
import { createStatusCache, type StatusCache, type StatusCacheOptions } from './statusCache.js';
import { grpcStatus, hasGrpcCode, unavailable } from './withUpdateRecovery.js';

/**
 * The status of a session, answered from the API's status cache (statusCache.ts): from memory
 * while fresh, by one describe of the workflow otherwise. The first session's workflow is read
 * directly (its id derives from the session id; no database read on the common path); only when it
 * does not exist is the session looked up as a fallback's, once (the cache keeps where it leads).
 * Never seen (or purged): `unknown`, never cached (the workflow may be starting).
 * `known`: the session's workflow, already looked up (the event stream's watcher); `fresh` reads it
 * by a describe started now, for a watcher that knows the operation moved on.
 */
export async function readStatus(
  dependencies: Pick<OperationsDependencies, 'keys' | 'sessions' | 'statusCache'>,
  sessionId: string,
  known?: { workflowId: string; fresh?: boolean },
): Promise<StatusResponse> {
  try {
    return await readStatusOfSession(dependencies, sessionId, known);
  } catch (error) {
    // The describe's deadline passed, or Temporal is down, with no status recent enough in memory:
    // the RP polls again after the 503's Retry-After.
    if (hasGrpcCode(error, grpcStatus.unavailable) || hasGrpcCode(error, grpcStatus.deadlineExceeded)) throw unavailable(error);
    throw error;
  }
}

async function readStatusOfSession(
  { keys, sessions, statusCache }: Pick<OperationsDependencies, 'keys' | 'sessions' | 'statusCache'>,
  sessionId: string,
  known?: { workflowId: string; fresh?: boolean },
): Promise<StatusResponse> {
  if (known) return (await (known.fresh ? statusCache.readFresh(known.workflowId) : statusCache.read(known.workflowId))) ?? unknownStatus();
  // The cache is keyed by workflow id, derived from the session id by a keyed hash: a session id
  // reads its own operation's status and no other.
  const derived = workflowIdOf(sessionId, keys.sessionId);
  const aliased = statusCache.aliasOf(derived);
  if (aliased) return (await statusCache.read(aliased)) ?? unknownStatus();
  const direct = await statusCache.read(derived);
  if (direct) return direct;
  const fallbackWorkflow = await sessions.find(derived);
  if (!fallbackWorkflow) return unknownStatus();
  statusCache.setAlias(derived, fallbackWorkflow);
  return (await statusCache.read(fallbackWorkflow)) ?? unknownStatus();
}

const unknownStatus = (): StatusResponse => ({ status: 'unknown', timestamp: new Date().toISOString() });

/**
 * A describe waits at most this long: without a deadline the SDK retries an unreachable Temporal
 * past any client's patience (test/drills/temporalRestart.test.ts).
 */
const statusDeadlineMs = 5_000;

/** The API's status cache over the operation workflows: each describe bounded by the status deadline. */
export function createWorkflowStatusCache(
  client: Client,
  limits: Pick<StatusCacheOptions, 'freshMs' | 'maxStaleMs' | 'maxEntries' | 'onBackgroundError'>,
): StatusCache {
  return createStatusCache({
    ...limits,
    describe: (workflowId) => client.withDeadline(Date.now() + statusDeadlineMs, () => statusOfWorkflow(client.workflow.getHandle(workflowId))),
  });
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
