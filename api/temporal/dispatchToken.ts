import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { DispatchAnswer, DispatchInput, Operation, OperationInput, SessionPolicy } from '../../contract/operation.js';
import { newSessionId, newToken, tokenHashOf, workflowIdOf } from '../../store/sessionKeys.js';
import { dispatchUpdate, redispatchUpdate } from '../../workflows/messages.js';
import { ApiError } from '../apiError.js';
import { createChannelLinking } from '../channelLinking.js';
import type { DispatchOptions, DispatchTokenResponse, OperationsDependencies } from './dependencies.js';
import { startWorkflowOperation } from './startWorkflowOperation.js';
import { workflowOfSession } from './workflowOfSession.js';
import { toApiError } from './toApiError.js';
import { withUpdateRecovery } from './withUpdateRecovery.js';

/** Starts an out-of-band operation by dispatching its first token (update-with-start). */
export async function dispatchToken(
  deps: OperationsDependencies,
  operation: Operation,
  input: Omit<OperationInput, 'operation' | 'sessionId' | 'outOfBand'>,
  options: DispatchOptions & { sessionPolicy: SessionPolicy },
): Promise<DispatchTokenResponse> {
  const first = newDispatch(options);
  const startWorkflow = startWorkflowOperation(deps, operation, first.sessionId, { ...input, outOfBand: { sessionPolicy: options.sessionPolicy } });
  const updateId = randomUUID();
  const answer = await withUpdateRecovery(deps.client, workflowIdOf(first.sessionId, deps.keys.sessionId), updateId, () =>
    deps.client.workflow.executeUpdateWithStart(dispatchUpdate, { args: [first], startWorkflowOperation: startWorkflow, updateId }),
  );
  return toDispatchTokenResponse(first, answer);
}

/** A fallback re-dispatch inside the operation of `fallbackFor`: a new token and session id. */
export async function redispatchToken(deps: OperationsDependencies, fallbackFor: string, options: DispatchOptions): Promise<DispatchTokenResponse> {
  const next = newDispatch(options);
  try {
    const handle = deps.client.workflow.getHandle(await workflowOfSession(deps, fallbackFor));
    return toDispatchTokenResponse(next, await handle.executeUpdate(redispatchUpdate, { args: [next] }));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ApiError('operationNotFound', 'fallbackFor names no open operation.', undefined, { cause: error });
    throw toApiError(error);
  }
}

/** A new dispatch input: fresh session id, token (kept by the workflow as a hash only) and linking. */
function newDispatch(options: DispatchOptions): DispatchInput {
  const token = newToken();
  return {
    sessionId: newSessionId(),
    token,
    tokenHash: tokenHashOf(token),
    dispatcher: options.dispatcher ?? '',
    ...(options.dispatchTargetId && { dispatchTargetId: options.dispatchTargetId }),
    ...(options.dispatchInformation && { dispatchInformation: options.dispatchInformation }),
    ...(options.channelLinking && { channelLinking: createChannelLinking(options.channelLinking) }),
    timeoutSeconds: options.timeoutSeconds,
  };
}

function toDispatchTokenResponse(dispatch: DispatchInput, answer: DispatchAnswer): DispatchTokenResponse {
  const linking = dispatch.channelLinking;
  return {
    token: dispatch.token,
    sessionId: answer.sessionId,
    dispatcherInformation: answer.dispatcherInformation,
    dispatchResult: answer.dispatchResult,
    ...(linking && { channelLinking: { mode: linking.mode, string: linking.string } }),
  };
}
