import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ServerResponse, SubmitResponseInput } from '../../contract/operation.js';
import { submitResponseUpdate } from '../../workflows/messages.js';
import { ApiError } from '../apiError.js';
import type { OperationsDependencies } from './dependencies.js';
import { refreshingStatusOf } from './statusRefresh.js';
import { hasEnded } from './toApiError.js';
import { withUpdateRecovery } from './withUpdateRecovery.js';

/** The client's UAF response to the operation named by its serverData. */
export async function submitResponse(
  { client, statusCache }: Pick<OperationsDependencies, 'client' | 'statusCache'>,
  workflowId: string,
  input: SubmitResponseInput,
): Promise<ServerResponse> {
  const handle = client.workflow.getHandle(workflowId);
  const updateId = randomUUID();
  try {
    return await refreshingStatusOf(statusCache, workflowId, () =>
      withUpdateRecovery(client, workflowId, updateId, () => handle.executeUpdate(submitResponseUpdate, { args: [input], updateId })),
    );
  } catch (error) {
    // An update on a closed workflow reports it as not found: tell "ended" from "never was".
    if ((error as { cause?: unknown }).cause instanceof WorkflowNotFoundError && (await hasEnded(handle))) {
      throw new ApiError('operationClosed', 'The operation has already ended; a response is accepted once.', undefined, { cause: error });
    }
    throw error;
  }
}
