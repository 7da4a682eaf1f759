import { WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { expect, it } from 'vitest';
import { ApiError } from '../../../api/apiError.js';
import { withUpdateRecovery } from '../../../api/temporal/withUpdateRecovery.js';

// The recovery path alone: a first RPC that ran out of time, then the outcome asked for by update
// id and answered "not found" (as Temporal answers before an update-with-start has started its
// workflow). The client stands in for Temporal here; the real timing is in the bench's scale run.
function clientWhoseOutcomeIs(outcome: () => Promise<unknown>): Client {
  return {
    withDeadline: (_until: number, attempt: () => Promise<unknown>) => attempt(),
    workflow: { getHandle: () => ({ getUpdateHandle: () => ({ result: outcome }) }) },
  } as unknown as Client;
}
const timedOut = () => Promise.reject(new WorkflowUpdateRPCTimeoutOrCancelledError('deadline exceeded', { cause: new Error('grpc deadline') }));
const notFound = () => Promise.reject(new WorkflowNotFoundError('workflow not found', 'wf', undefined));

async function errorOf(work: Promise<unknown>): Promise<ApiError> {
  const error = await work.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

it('an update-with-start whose workflow is not found yet is a 503 with Retry-After, not a 404', async () => {
  const error = await errorOf(withUpdateRecovery(clientWhoseOutcomeIs(notFound), 'wf', 'update', timedOut, { startsWorkflow: true }));
  expect(error.code).toBe('serviceUnavailable');
  expect(error.retryAfterSeconds).toBe(1);
});

it('an update to a workflow that is not found is still operationNotFound', async () => {
  const error = await errorOf(withUpdateRecovery(clientWhoseOutcomeIs(notFound), 'wf', 'update', timedOut));
  expect(error.code).toBe('operationNotFound');
});

it('the outcome found by update id is the answer', async () => {
  await expect(withUpdateRecovery(clientWhoseOutcomeIs(() => Promise.resolve('answer')), 'wf', 'update', timedOut, { startsWorkflow: true })).resolves.toBe('answer');
});
