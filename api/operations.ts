import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import type { ServerKeys } from '../config/deriveKeys.js';
import {
  issueRequestUpdate,
  statusQuery,
  submitResponseUpdate,
  type Operation,
  type OperationInput,
  type OperationState,
  type ReturnUafRequest,
  type ServerResponse,
  type SubmitResponseInput,
} from '../workflows/messages.js';
import { channelKey, operationKey, statusKey, userHashKey } from '../workflows/searchAttributes.js';
import { ApiError, isApiErrorCode } from './apiError.js';
import { newSessionId, userHashOf, workflowIdOf } from './sessions.js';

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
}

export interface OperationsDependencies {
  client: Client;
  taskQueue: string;
  keys: Pick<ServerKeys, 'sessionId' | 'userHash'>;
}

/**
 * The API's only door to the operation workflows: one typed Temporal call per HTTP call, and the
 * mapping of workflow refusals to coded API errors.
 */
export function createOperations({ client, taskQueue, keys }: OperationsDependencies) {
  /** Starts an in-band operation and answers its UAF request in one round trip (update-with-start). */
  async function start(operation: Operation, input: Omit<OperationInput, 'operation' | 'sessionId'>): Promise<ReturnUafRequest> {
    const sessionId = newSessionId();
    const startOperation = new WithStartWorkflowOperation(operation, {
      workflowId: workflowIdOf(sessionId, keys.sessionId),
      taskQueue,
      args: [{ ...input, operation, sessionId }],
      // A fresh random id: a conflict would be a bug, never a second operation.
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: operationKey, value: operation },
        { key: channelKey, value: 'in-band' },
        { key: statusKey, value: operation === 'registration' ? 'clientRegistering' : 'clientAuthenticating' },
        ...(input.username ? [{ key: userHashKey, value: userHashOf(input.username, keys.userHash) }] : []),
      ]),
    });
    try {
      return await client.workflow.executeUpdateWithStart(issueRequestUpdate, {
        startWorkflowOperation: startOperation,
        updateId: randomUUID(),
      });
    } catch (error) {
      throw toApiError(error);
    }
  }

  async function submitResponse(workflowId: string, input: SubmitResponseInput): Promise<ServerResponse> {
    const handle = client.workflow.getHandle(workflowId);
    try {
      return await handle.executeUpdate(submitResponseUpdate, { args: [input] });
    } catch (error) {
      // An update on a closed workflow reports it as not found: tell "ended" from "never was".
      if (error instanceof WorkflowNotFoundError && (await hasEnded(handle))) {
        throw new ApiError('operationClosed', 'The operation has already ended; a response is accepted once.', undefined, { cause: error });
      }
      throw toApiError(error);
    }
  }

  /** Running: the status query. Closed: its result. Never seen (or purged): `unknown`. */
  async function status(sessionId: string): Promise<StatusResponse> {
    const handle = client.workflow.getHandle(workflowIdOf(sessionId, keys.sessionId));
    let state: OperationState;
    try {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') state = await handle.query(statusQuery);
      else if (status.name === 'COMPLETED') state = (await handle.result()) as OperationState;
      else return { status: 'failed', timestamp: new Date().toISOString(), failureReason: 'cancelled' };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { status: 'unknown', timestamp: new Date().toISOString() };
      throw error;
    }
    const { operation: _operation, updatedAt, ...fields } = state;
    return { ...fields, timestamp: new Date(updatedAt).toISOString() };
  }

  return { start, submitResponse, status };
}

export type Operations = ReturnType<typeof createOperations>;

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
    const uafStatusCode = (details?.[0] as { uafStatusCode?: number } | undefined)?.uafStatusCode;
    if (type && isApiErrorCode(type)) return new ApiError(type, message, uafStatusCode, { cause: error });
  }
  if (error instanceof WorkflowNotFoundError) {
    return new ApiError('operationNotFound', 'The operation does not exist (or has ended and been purged).', 1491, { cause: error });
  }
  return error;
}
