import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isErrorCode, type RefusalDetails } from '../../contract/errors.js';
import { apiErrorOf } from '../apiError.js';

/**
 * A workflow's coded refusal becomes the same code over HTTP, with the statuses of the contract's
 * table (contract/errors.ts); a vanished workflow is `operationNotFound`. Anything else is
 * returned as it is (a 500 for the error middleware).
 */
export function toApiError(error: unknown): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const { type, message, details } = error.cause;
    const { retryAfterSeconds, dispatchResult } = (details?.[0] ?? {}) as RefusalDetails;
    if (type && isErrorCode(type)) return apiErrorOf(type, message, { cause: error, retryAfterSeconds, ...(dispatchResult !== undefined && { dispatchResult }) });
  }
  if (error instanceof WorkflowNotFoundError) {
    return apiErrorOf('operationNotFound', 'The operation does not exist (or has ended and been purged).', { cause: error });
  }
  return error;
}

/** Whether the workflow has closed (as opposed to never having existed). */
export async function hasEnded(handle: WorkflowHandle): Promise<boolean> {
  try {
    return (await handle.describe()).status.name !== 'RUNNING';
  } catch {
    return false;
  }
}
