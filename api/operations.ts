import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import type { ServerKeys } from '../config/deriveKeys.js';
import {
  dispatchUpdate,
  issueRequestUpdate,
  redeemUpdate,
  redispatchUpdate,
  statusQuery,
  submitResponseUpdate,
  watchUpdate,
  type ChannelLinking,
  type DispatchAnswer,
  type DispatchInput,
  type SessionPolicy,
  type Operation,
  type OperationInput,
  type OperationState,
  type ReturnUafRequest,
  type ServerResponse,
  type SubmitResponseInput,
} from '../workflows/messages.js';
import { channelKey, operationKey, statusKey, userHashKey } from '../workflows/searchAttributes.js';
import { ApiError, isApiErrorCode } from './apiError.js';
import { newSessionId, newToken, tokenHashOf, userHashOf, workflowIdOf } from '../store/sessionKeys.js';
import type { Sessions, Tokens } from '../store/tokens.js';
import { createChannelLinking } from './channelLinking.js';

/** nevisFIDO StatusResponse (API.md endpoint 14) with our `finalSessionId` and `failureReason`. */
export interface StatusResponse {
  status: OperationState['status'] | 'unknown';
  timestamp: string;
  userId?: string;
  uafStatusCode?: number;
  asmStatusCode?: number;
  clientErrorCode?: number;
  authenticators?: { aaid: string; keyId: string }[];
  finalSessionId?: string;
  failureReason?: string;
  tokenInformation?: OperationState['tokenInformation'];
}

/** DispatchTokenResponse (API.md endpoint 12) with our `channelLinking` for the browser. */
export interface DispatchTokenResponse {
  token: string;
  sessionId: string;
  dispatcherInformation: DispatchAnswer['dispatcherInformation'];
  dispatchResult: DispatchAnswer['dispatchResult'];
  channelLinking?: { mode: ChannelLinking['mode']; string: string };
}

export interface DispatchOptions {
  dispatcher?: string;
  dispatchTargetId?: string;
  dispatchInformation?: DispatchInput['dispatchInformation'];
  channelLinking?: ChannelLinking['mode'];
  timeoutSeconds: number;
}

export interface OperationsDependencies {
  client: Client;
  taskQueue: string;
  keys: Pick<ServerKeys, 'sessionId' | 'userHash'>;
  tokens: Pick<Tokens, 'find'>;
  sessions: Pick<Sessions, 'find'>;
}

/**
 * The API's only door to the operation workflows: one typed Temporal call per HTTP call, and the
 * mapping of workflow refusals to coded API errors.
 */
export function createOperations({ client, taskQueue, keys, tokens, sessions }: OperationsDependencies) {
  function startOptions(operation: Operation, sessionId: string, input: Omit<OperationInput, 'operation' | 'sessionId'>) {
    return new WithStartWorkflowOperation(operation, {
      workflowId: workflowIdOf(sessionId, keys.sessionId),
      taskQueue,
      args: [{ ...input, operation, sessionId }],
      // A fresh random id: a conflict would be a bug, never a second operation.
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: operationKey, value: operation },
        { key: channelKey, value: input.outOfBand ? 'out-of-band' : 'in-band' },
        { key: statusKey, value: input.outOfBand ? 'tokenCreated' : operation === 'registration' ? 'clientRegistering' : 'clientAuthenticating' },
        ...(input.username ? [{ key: userHashKey, value: userHashOf(input.username, keys.userHash) }] : []),
      ]),
    });
  }

  /** The workflow of a fallback session (its index row); the first session's id derives its own. */
  async function workflowOfSession(sessionId: string): Promise<string> {
    const derived = workflowIdOf(sessionId, keys.sessionId);
    return (await sessions.find(derived)) ?? derived;
  }

  /**
   * Runs an update call whose id we chose. On a loaded server the first RPC may hit its deadline
   * before a worker has even accepted the update; the update is not lost, so wait for its outcome
   * by id once more instead of failing the HTTP call.
   */
  async function withUpdateRecovery<T>(workflowId: string, updateId: string, call: () => Promise<T>): Promise<T> {
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

  /** Starts an in-band operation and answers its UAF request in one round trip (update-with-start). */
  async function start(operation: Operation, input: Omit<OperationInput, 'operation' | 'sessionId'>): Promise<ReturnUafRequest> {
    const sessionId = newSessionId();
    const startOperation = startOptions(operation, sessionId, input);
    const updateId = randomUUID();
    return withUpdateRecovery(workflowIdOf(sessionId, keys.sessionId), updateId, () =>
      client.workflow.executeUpdateWithStart(issueRequestUpdate, { startWorkflowOperation: startOperation, updateId }),
    );
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

  /** Starts an out-of-band operation by dispatching its first token (update-with-start). */
  async function dispatch(
    operation: Operation,
    input: Omit<OperationInput, 'operation' | 'sessionId' | 'outOfBand'>,
    options: DispatchOptions & { sessionPolicy: SessionPolicy },
  ): Promise<DispatchTokenResponse> {
    const first = newDispatch(options);
    const startOperation = startOptions(operation, first.sessionId, { ...input, outOfBand: { sessionPolicy: options.sessionPolicy } });
    const updateId = randomUUID();
    const answer = await withUpdateRecovery(workflowIdOf(first.sessionId, keys.sessionId), updateId, () =>
      client.workflow.executeUpdateWithStart(dispatchUpdate, { args: [first], startWorkflowOperation: startOperation, updateId }),
    );
    return toDispatchTokenResponse(first, answer);
  }

  /** A fallback re-dispatch inside the operation of `fallbackFor`: a new token and session id. */
  async function redispatch(fallbackFor: string, options: DispatchOptions): Promise<DispatchTokenResponse> {
    const next = newDispatch(options);
    try {
      const handle = client.workflow.getHandle(await workflowOfSession(fallbackFor));
      return toDispatchTokenResponse(next, await handle.executeUpdate(redispatchUpdate, { args: [next] }));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new ApiError('operationNotFound', 'fallbackFor names no open operation.', undefined, { cause: error });
      throw toApiError(error);
    }
  }

  /** The phone redeems a token: found by its hash, or 404 without touching any workflow. */
  async function redeem(
    operation: Operation,
    { token, deny, channelLinkingAnswer }: { token: string; deny?: boolean; channelLinkingAnswer?: string },
  ): Promise<ReturnUafRequest | undefined> {
    const tokenHash = tokenHashOf(token);
    const found = await tokens.find(tokenHash);
    if (!found || found.operation !== operation) throw new ApiError('tokenNotFound', 'The token is not known.');
    const handle = client.workflow.getHandle(found.workflowId);
    try {
      return await handle.executeUpdate(redeemUpdate, {
        args: [{ tokenHash, operation, ...(deny && { deny }), ...(channelLinkingAnswer !== undefined && { channelLinkingAnswer }) }],
      });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError && (await hasEnded(handle))) {
        const state = (await handle.result().catch(() => undefined)) as OperationState | undefined;
        if (state?.failureReason === 'tokenExpired') throw new ApiError('tokenExpired', 'The token has expired.', undefined, { cause: error });
        throw new ApiError('tokenAlreadyRedeemed', 'The operation of this token has ended.', undefined, { cause: error });
      }
      throw toApiError(error);
    }
  }

  async function submitResponse(workflowId: string, input: SubmitResponseInput): Promise<ServerResponse> {
    const handle = client.workflow.getHandle(workflowId);
    const updateId = randomUUID();
    try {
      return await withUpdateRecovery(workflowId, updateId, () => handle.executeUpdate(submitResponseUpdate, { args: [input], updateId }));
    } catch (error) {
      // An update on a closed workflow reports it as not found: tell "ended" from "never was".
      if ((error as { cause?: unknown }).cause instanceof WorkflowNotFoundError && (await hasEnded(handle))) {
        throw new ApiError('operationClosed', 'The operation has already ended; a response is accepted once.', undefined, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Status changes of a session as they happen: `onChange` for the current status, then once per
   * change, until the operation ends. One long-waiting `watch` update at a time, no polling.
   */
  async function watchStatus(sessionId: string, onChange: (status: StatusResponse) => void, isWanted: () => boolean): Promise<void> {
    const handle = client.workflow.getHandle(await workflowOfSession(sessionId));
    let current = await status(sessionId, handle);
    onChange(current);
    let sent = JSON.stringify(current);
    let version = -1;
    while (isWanted() && (current.status === 'tokenCreated' || current.status === 'clientRegistering' || current.status === 'clientAuthenticating')) {
      try {
        const next = await handle.executeUpdate(watchUpdate, { args: [version] });
        version = next.version;
        current = toStatusResponse(next.state);
      } catch (error) {
        // Closed meanwhile (an update cannot reach a closed workflow): its result is the final status.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        current = await status(sessionId, handle);
      }
      // The first watch answers at once with what was already sent: only real changes go out.
      if (JSON.stringify(current) !== sent) onChange(current);
      sent = JSON.stringify(current);
    }
  }

  /**
   * Running: the status query. Closed: its result. Never seen (or purged): `unknown`. The first
   * session's workflow is asked directly (no database read on the common path); only when it does
   * not exist is the session looked up as a fallback's.
   */
  async function status(sessionId: string, known?: WorkflowHandle): Promise<StatusResponse> {
    const derived = workflowIdOf(sessionId, keys.sessionId);
    const fromWorkflow = async (handle: WorkflowHandle): Promise<StatusResponse | undefined> => {
      try {
        const { status } = await handle.describe();
        if (status.name === 'RUNNING') return toStatusResponse(await handle.query(statusQuery));
        if (status.name === 'COMPLETED') return toStatusResponse((await handle.result()) as OperationState);
        return { status: 'failed', timestamp: new Date().toISOString(), failureReason: 'cancelled' };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      }
    };
    const direct = await fromWorkflow(known ?? client.workflow.getHandle(derived));
    if (direct) return direct;
    const fallbackWorkflow = known ? undefined : await sessions.find(derived);
    const viaIndex = fallbackWorkflow ? await fromWorkflow(client.workflow.getHandle(fallbackWorkflow)) : undefined;
    return viaIndex ?? { status: 'unknown', timestamp: new Date().toISOString() };
  }

  return { start, dispatch, redispatch, redeem, submitResponse, status, watchStatus };
}

export type Operations = ReturnType<typeof createOperations>;

function toStatusResponse({ operation: _operation, updatedAt, ...fields }: OperationState): StatusResponse {
  return { ...fields, timestamp: new Date(updatedAt).toISOString() };
}

async function hasEnded(handle: WorkflowHandle): Promise<boolean> {
  try {
    return (await handle.describe()).status.name !== 'RUNNING';
  } catch {
    return false;
  }
}

/** A workflow's coded refusal becomes the same code over HTTP; a vanished workflow is 404/409. */
function toApiError(error: unknown): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const { type, message, details } = error.cause;
    const { uafStatusCode, retryAfterSeconds } = (details?.[0] ?? {}) as { uafStatusCode?: number; retryAfterSeconds?: number };
    if (type && isApiErrorCode(type)) return new ApiError(type, message, uafStatusCode, { cause: error, retryAfterSeconds });
  }
  if (error instanceof WorkflowNotFoundError) {
    return new ApiError('operationNotFound', 'The operation does not exist (or has ended and been purged).', 1491, { cause: error });
  }
  return error;
}
