import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ApiError } from '../apiError.js';
import { toApiError } from './toApiError.js';

/**
 * How long one attempt waits for an update's outcome. Without a deadline the SDK polls until a
 * worker answers, so an HTTP call would hang as long as no worker runs; two attempts stay under
 * the 10 s a client waits (the fault drills in test/drills/ hold the API to that).
 */
export const updateAttemptMs = 4_000;

/**
 * Runs an update call whose id we chose. On a loaded server the first RPC may hit its deadline
 * before a worker has even accepted the update; the update is not lost, so wait for its outcome
 * by id once more instead of failing the HTTP call.
 */
export async function withUpdateRecovery<T>(client: Client, workflowId: string, updateId: string, call: () => Promise<T>): Promise<T> {
  const bounded = <R>(attempt: () => Promise<R>) => client.withDeadline(Date.now() + updateAttemptMs, attempt);
  try {
    return await bounded(call);
  } catch (error) {
    if (!(error instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw toApiError(error);
    try {
      return await bounded(() => client.workflow.getHandle(workflowId).getUpdateHandle<T>(updateId).result());
    } catch (retried) {
      if (retried instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw new ApiError('serviceUnavailable', 'The operation did not answer in time; try again.', undefined, { cause: retried, retryAfterSeconds: 1 });
      }
      throw toApiError(retried);
    }
  }
}
