import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ApiError } from '../apiError.js';
import { toApiError } from './toApiError.js';

/**
 * Runs an update call whose id we chose. On a loaded server the first RPC may hit its deadline
 * before a worker has even accepted the update; the update is not lost, so wait for its outcome
 * by id once more instead of failing the HTTP call.
 */
export async function withUpdateRecovery<T>(client: Client, workflowId: string, updateId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw toApiError(error);
    try {
      return await client.workflow.getHandle(workflowId).getUpdateHandle<T>(updateId).result();
    } catch (retried) {
      if (retried instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw new ApiError('serviceUnavailable', 'The operation did not answer in time; try again.', undefined, { cause: retried, retryAfterSeconds: 1 });
      }
      throw toApiError(retried);
    }
  }
}
