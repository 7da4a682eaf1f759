import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { Operation, OperationState, ReturnUafRequest } from '../../contract/operation.js';
import { tokenHashOf, workflowIdOfToken } from '../../store/sessionKeys.js';
import { redeemUpdate } from '../../workflows/messages.js';
import { ApiError } from '../apiError.js';
import type { OperationsDependencies, StatusResponse } from './dependencies.js';
import { isFinal, type StatusCache } from './statusCache.js';
import { refreshingStatusOf } from './statusRefresh.js';
import { hasEnded } from './toApiError.js';
import { withUpdateRecovery } from './withUpdateRecovery.js';

export interface RedeemRequest {
  token: string;
  deny?: boolean;
  channelLinkingAnswer?: string;
}

/**
 * The phone redeems a token. The token names its workflow (store/sessionKeys.ts
 * `workflowIdOfToken`), so no index is read; the workflow's redeem validator checks the rest (the
 * hash among its tokens, the operation, single use, expiry, supersession) before anything reaches
 * its history. Anything not shaped like a token, or naming no workflow, is 404.
 *
 * Bounded and retry-safe: the wait is bounded like every update (503 + Retry-After when no worker
 * answers in time), and the update id is derived from the request (`redeemUpdateIdOf`), so the
 * phone's retry of the same redeem joins the update its 503'd call left behind (Temporal
 * deduplicates updates by id within a run, before the validator, in flight or completed) and gets
 * the same UAF request, rather than 409 `tokenAlreadyRedeemed` from the validator.
 */
export async function redeemToken(
  { client, statusCache }: Pick<OperationsDependencies, 'client' | 'statusCache'>,
  operation: Operation,
  { token, deny, channelLinkingAnswer }: RedeemRequest,
): Promise<ReturnUafRequest | undefined> {
  const workflowId = workflowIdOfToken(token);
  if (workflowId === undefined) throw new ApiError('tokenNotFound', 'The token is not known.');
  const tokenHash = tokenHashOf(token);
  const handle = client.workflow.getHandle(workflowId);
  const updateId = redeemUpdateIdOf(tokenHash, { operation, deny, channelLinkingAnswer });
  let answer: ReturnUafRequest | undefined;
  try {
    answer = await refreshingStatusOf(statusCache, workflowId, () =>
      withUpdateRecovery(client, workflowId, updateId, () =>
        handle.executeUpdate(redeemUpdate, {
          args: [{ tokenHash, operation, ...(deny && { deny }), ...(channelLinkingAnswer !== undefined && { channelLinkingAnswer }) }],
          updateId,
        }),
      ),
    );
  } catch (error) {
    const notFound = error instanceof WorkflowNotFoundError ? error : (error as { cause?: unknown }).cause;
    if (notFound instanceof WorkflowNotFoundError) throw await notFoundError(handle, operation, notFound);
    throw error;
  }
  // The deduplicated answer comes without asking the workflow, even after the operation went on
  // (measured on Temporal 1.32: a completed update's result is returned even once the run has
  // closed). A retry is useful only while the UAF request awaits its response; past that, the same
  // redeem sent again is a second redeem of a spent token. A deregistration ends with its request
  // (there is no response to wait for), so its retry always gets the same request.
  if (answer !== undefined && operation !== 'deregistration' && (await endedSinceRedeemed(statusCache, workflowId))) {
    throw new ApiError('tokenAlreadyRedeemed', 'The operation of this token has ended.');
  }
  return answer;
}

/**
 * The update id of a redeem: the same for the same request (token, operation, deny, channel
 * linking answer), so a retry is the same update; a different request about the same token is a
 * different update, which the validator refuses as `tokenAlreadyRedeemed`. A hash: the token's hash
 * is already in the workflow's history, but the answer need not be.
 */
export function redeemUpdateIdOf(tokenHash: string, request: { operation: Operation; deny?: boolean; channelLinkingAnswer?: string }): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([tokenHash, request.operation, request.deny === true, request.channelLinkingAnswer ?? null]))
    .digest('base64url');
  return `redeem-${digest}`;
}

/** A vanished workflow: never there (404), or ended, when it still knows how. */
async function notFoundError(handle: WorkflowHandle, operation: Operation, cause: WorkflowNotFoundError): Promise<ApiError> {
  if (!(await hasEnded(handle))) return new ApiError('tokenNotFound', 'The token is not known.', undefined, { cause });
  const state = (await handle.result().catch(() => undefined)) as OperationState | undefined;
  // An ended workflow can no longer check the token's hash; it still knows its operation.
  if (state !== undefined && state.operation !== operation) return new ApiError('tokenNotFound', 'The token is not known.', undefined, { cause });
  if (state?.failureReason === 'tokenExpired') return new ApiError('tokenExpired', 'The token has expired.', undefined, { cause });
  return new ApiError('tokenAlreadyRedeemed', 'The operation of this token has ended.', undefined, { cause });
}

/**
 * Whether the operation of a redeem that just answered has ended. The answer's own status (cached
 * by `refreshingStatusOf`) says so when this process saw the end; a status changed seconds ago is
 * this redeem's own (or its retry's, after a 503): the operation awaits its response. Only an older
 * one is the deduplicated answer of an earlier redeem, and Temporal is asked (one describe). A
 * replica that did not see the end may thus answer a retry sent within those seconds with the same
 * UAF request again: it is the request the phone already holds, for a challenge that is spent.
 */
async function endedSinceRedeemed(statusCache: Pick<StatusCache, 'read' | 'readFresh'>, workflowId: string): Promise<boolean> {
  const cached = await statusCache.read(workflowId);
  if (endedIn(cached)) return true;
  if (Date.now() - Date.parse(cached!.timestamp) < ownAnswerMs) return false;
  return endedIn(await statusCache.readFresh(workflowId));
}

/** How recent a redeem's status must be to be this call's own (covers the update's 503 budget and a retry after it, with room for clock skew). */
const ownAnswerMs = 10_000;

/** Whether a status says the operation is over (a workflow no longer there is over too). */
function endedIn(status: StatusResponse | undefined): boolean {
  return status === undefined || isFinal(status);
}
