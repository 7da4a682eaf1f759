import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { DispatchAnswer, DispatchInput, Operation, OperationInput, SessionPolicy } from '../../contract/operation.js';
import { dispatchTokenOf, newSessionId, tokenHashOf, workflowIdOf } from '../../store/sessionKeys.js';
import { dispatchUpdate, redispatchUpdate } from '../../workflows/messages.js';
import { ApiError } from '../apiError.js';
import { createChannelLinking } from '../channelLinking.js';
import { dispatchDataBytes } from '../dispatchData.js';
import { renderDispatchResponse } from './renderDispatchResponse.js';
import type { DispatchOptions, DispatchTokenResponse, OperationsDependencies } from './dependencies.js';
import { startWorkflowOperation } from './startWorkflowOperation.js';
import { refreshingStatusOf } from './statusRefresh.js';
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
  const sessionId = newSessionId();
  const workflowId = workflowIdOf(sessionId, deps.keys.sessionId);
  const first = newDispatch(deps, workflowId, sessionId, operation, options);
  const startWorkflow = startWorkflowOperation(deps, operation, sessionId, { ...input, outOfBand: { sessionPolicy: options.sessionPolicy } });
  const updateId = randomUUID();
  const answer = await refreshingStatusOf(deps.statusCache, workflowId, () =>
    withUpdateRecovery(deps.client, workflowId, updateId, () =>
      deps.client.workflow.executeUpdateWithStart(dispatchUpdate, { args: [first.input], startWorkflowOperation: startWorkflow, updateId }),
      { startsWorkflow: true },
    ),
  );
  return toDispatchTokenResponse(deps, first, answer);
}

/** A fallback re-dispatch inside the operation of `fallbackFor`: a new token and session id. */
export async function redispatchToken(
  deps: OperationsDependencies,
  operation: Operation,
  fallbackFor: string,
  options: DispatchOptions,
): Promise<DispatchTokenResponse> {
  try {
    const workflowId = await workflowOfSession(deps, fallbackFor);
    const next = newDispatch(deps, workflowId, newSessionId(), operation, options);
    const handle = deps.client.workflow.getHandle(workflowId);
    const answer = await refreshingStatusOf(deps.statusCache, workflowId, () => handle.executeUpdate(redispatchUpdate, { args: [next.input] }));
    return await toDispatchTokenResponse(deps, next, answer);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ApiError('operationNotFound', 'fallbackFor names no open operation.', undefined, { cause: error });
    throw toApiError(error);
  }
}

/** A dispatch of the workflow: what the workflow is sent (no token) and the token, derived here. */
interface NewDispatch {
  input: DispatchInput;
  token: string;
}

/**
 * A new dispatch: fresh session id, and the token derived from it and the workflow id (the worker
 * derives the same one to send it; the workflow receives its hash only).
 */
function newDispatch(
  { keys }: Pick<OperationsDependencies, 'keys'>,
  workflowId: string,
  sessionId: string,
  operation: Operation,
  options: DispatchOptions,
): NewDispatch {
  const token = dispatchTokenOf(workflowId, sessionId, keys.dispatchToken);
  const input: DispatchInput = {
    sessionId,
    operation,
    tokenHash: tokenHashOf(token),
    dispatcher: options.dispatcher ?? '',
    ...(options.dispatchTargetId && { dispatchTargetId: options.dispatchTargetId }),
    ...(options.dispatchInformation && { dispatchInformation: options.dispatchInformation }),
    ...(options.dispatchInformation?.data !== undefined && { dataBytes: dispatchDataBytes(options.dispatchInformation.data) }),
    ...(options.channelLinking && { channelLinking: createChannelLinking(options.channelLinking) }),
    timeoutSeconds: options.timeoutSeconds,
  };
  return { input, token };
}

async function toDispatchTokenResponse(
  { renderers, publicUrl }: Pick<OperationsDependencies, 'renderers' | 'publicUrl'>,
  { input, token }: NewDispatch,
  answer: DispatchAnswer,
): Promise<DispatchTokenResponse> {
  const linking = input.channelLinking;
  return {
    token,
    sessionId: answer.sessionId,
    dispatcherInformation: await renderDispatchResponse(renderers, publicUrl, { token, operation: input.operation, channelLinking: linking, data: input.dispatchInformation?.data }, answer),
    dispatchResult: answer.dispatchResult,
    ...(linking && { channelLinking: { mode: linking.mode, string: linking.string } }),
  };
}
