import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import {
  cancelSignal,
  clientErrorSignal,
  issueRequestUpdate,
  statusQuery,
  submitResponseUpdate,
  type OperationInput,
  type OperationState,
} from './messages.js';
import { OperationSession } from './operationSession.js';

/** How long an in-band operation waits for its request to be fetched (update-with-start does it at once). */
const issueDeadline = '1 minute';
export const defaultLifetimeMillis = 120_000;

/**
 * The body of every operation workflow: wire the handlers, wait for the request to be issued,
 * then for the response within the request's lifetime (a workflow timer), and return the final
 * state, which is then the workflow's result.
 */
export async function runOperation(input: OperationInput): Promise<OperationState> {
  const session = new OperationSession(input);
  setHandler(statusQuery, () => session.state);
  setHandler(issueRequestUpdate, () => session.issueRequest(), { validator: () => session.assertCanIssue() });
  setHandler(submitResponseUpdate, (response) => session.submitResponse(response), {
    validator: (response) => session.assertAwaitingResponse(response),
  });
  setHandler(clientErrorSignal, ({ clientErrorCode }) => session.clientError(clientErrorCode));
  setHandler(cancelSignal, () => session.cancel());

  if (!(await condition(() => session.issued || session.closed, issueDeadline))) session.expire();
  const lifetime = input.lifetimeMillis ?? defaultLifetimeMillis;
  // A response accepted before the deadline is verified to the end, even past it.
  if (!(await condition(() => session.closed || session.busy, lifetime))) session.expire();
  await condition(() => session.closed);
  await condition(allHandlersFinished);
  return session.state;
}
