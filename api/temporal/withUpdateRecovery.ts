import { WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcServiceError, type Client } from '@temporalio/client';
import { ApiError } from '../apiError.js';
import { toApiError } from './toApiError.js';

/**
 * How long one attempt waits for an update's outcome. Without a deadline the SDK polls until a
 * worker answers (and retries an unreachable server), so an HTTP call would hang as long as no
 * worker runs or Temporal is down; two attempts stay under the 10 s a client waits (the fault
 * drills in test/drills/ hold the API to that).
 */
export const updateAttemptMs = 3_000;

/** gRPC status codes (@grpc/grpc-js is not a direct dependency). */
export const grpcStatus = { deadlineExceeded: 4, unavailable: 14 } as const;

/** The 503 a caller retries after `Retry-After`, for a Temporal that is down or does not answer in time. */
export const unavailable = (cause: unknown) =>
  new ApiError('serviceUnavailable', 'The operation did not answer in time; try again.', undefined, { cause, retryAfterSeconds: 1 });

/** Whether a gRPC error of `code` is in the chain of causes (the SDK wraps them in its own errors). */
export function hasGrpcCode(error: unknown, code: number): boolean {
  for (let cause = error; cause instanceof Error || isGrpcServiceError(cause); cause = (cause as { cause?: unknown }).cause) {
    if (isGrpcServiceError(cause) && cause.code === code) return true;
  }
  return false;
}

/** Temporal itself cannot be reached: try again later, not a 500. */
const isTemporalUnreachable = (error: unknown) => hasGrpcCode(error, grpcStatus.unavailable);

/**
 * Runs an update call whose id we chose. On a loaded server the first RPC may hit its deadline
 * before a worker has even accepted the update; the update is not lost, so wait for its outcome
 * by id once more instead of failing the HTTP call. A 503 leaves the update behind, to be applied
 * later: with a random id the caller's retry is a new update; with an id derived from the request
 * (redeemToken.ts) the retry joins the first, since Temporal deduplicates updates by id in a run.
 *
 * `startsWorkflow`: the call is an update-with-start. When its first RPC ran out of time, the
 * workflow may not be started yet as the outcome is asked for, so "not found" then means "not
 * known yet": a 503, never a 404 that would tell the caller the operation does not exist (the
 * bench caught dispatches answered 404 whose operation started and pushed a moment later).
 */
export async function withUpdateRecovery<T>(
  client: Client,
  workflowId: string,
  updateId: string,
  call: () => Promise<T>,
  { startsWorkflow = false }: { startsWorkflow?: boolean } = {},
): Promise<T> {
  const started = Date.now();
  const bounded = <R>(attempt: () => Promise<R>, until: number) => client.withDeadline(until, attempt);
  try {
    return await bounded(call, started + updateAttemptMs);
  } catch (error) {
    if (isTemporalUnreachable(error)) throw unavailable(error);
    if (!(error instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw toApiError(error);
    // The two attempts share one budget: a first attempt that overran its deadline leaves less.
    const until = started + 2 * updateAttemptMs;
    if (Date.now() >= until - 500) throw unavailable(error);
    try {
      return await bounded(() => client.workflow.getHandle(workflowId).getUpdateHandle<T>(updateId).result(), until);
    } catch (retried) {
      if (retried instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isTemporalUnreachable(retried)) throw unavailable(retried);
      if (startsWorkflow && retried instanceof WorkflowNotFoundError) throw unavailable(retried);
      throw toApiError(retried);
    }
  }
}
