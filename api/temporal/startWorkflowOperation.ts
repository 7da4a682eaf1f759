import { WithStartWorkflowOperation } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Operation, OperationInput, OperationState } from '../../contract/operation.js';
import { channelKey, operationKey, statusKey, userHashKey } from '../../contract/searchAttributes.js';
import { statusMemoKey } from '../../contract/statusMemo.js';
import { userHashOf, workflowIdOf } from '../../store/sessionKeys.js';
import type { OperationsDependencies } from './dependencies.js';

/** The start half of an update-with-start: the workflow of a new operation, found by its first session. */
export function startWorkflowOperation(
  { taskQueue, keys }: Pick<OperationsDependencies, 'taskQueue' | 'keys'>,
  operation: Operation,
  sessionId: string,
  input: Omit<OperationInput, 'operation' | 'sessionId'>,
) {
  const initialStatus = input.outOfBand ? 'tokenCreated' : operation === 'registration' ? 'clientRegistering' : 'clientAuthenticating';
  return new WithStartWorkflowOperation(operation, {
    workflowId: workflowIdOf(sessionId, keys.sessionId),
    taskQueue,
    args: [{ ...input, operation, sessionId }],
    // A fresh random id: a conflict would be a bug, never a second operation.
    workflowIdConflictPolicy: 'FAIL',
    // The status before the workflow's first task: a status call answers it from the start.
    memo: { [statusMemoKey]: { operation, status: initialStatus, updatedAt: Date.now() } satisfies OperationState },
    typedSearchAttributes: new TypedSearchAttributes([
      { key: operationKey, value: operation },
      { key: channelKey, value: input.outOfBand ? 'out-of-band' : 'in-band' },
      { key: statusKey, value: initialStatus },
      ...(input.username ? [{ key: userHashKey, value: userHashOf(input.username, keys.userHash) }] : []),
    ]),
  });
}
