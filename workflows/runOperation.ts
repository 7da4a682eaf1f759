import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import {
  cancelSignal,
  clientErrorSignal,
  dispatchUpdate,
  issueRequestUpdate,
  redeemUpdate,
  redispatchUpdate,
  statusQuery,
  submitResponseUpdate,
  watchUpdate,
} from './messages.js';
import type { OperationInput, OperationState } from '../contract/operation.js';
import { OperationSession } from './operationSession.js';

/** How long an in-band operation waits for its request to be fetched (update-with-start does it at once). */
const issueDeadline = '1 minute';
export const defaultLifetimeMillis = 120_000;

/**
 * The body of every operation workflow: wire the handlers; out-of-band, wait for a token to be
 * redeemed before the last one dies (workflow timers, extended by fallbacks); then wait for the
 * response within the request's lifetime; return the final state, which is the workflow's result.
 */
export async function runOperation(input: OperationInput): Promise<OperationState> {
  const session = new OperationSession(input);
  setHandler(statusQuery, () => session.state);
  setHandler(issueRequestUpdate, () => session.issueRequest(), { validator: () => session.assertCanIssue() });
  setHandler(dispatchUpdate, (dispatch) => session.dispatch(dispatch), {
    validator: (dispatch) => session.assertCanDispatch(dispatch, false),
  });
  setHandler(redispatchUpdate, (dispatch) => session.dispatch(dispatch), {
    validator: (dispatch) => session.assertCanDispatch(dispatch, true),
  });
  setHandler(redeemUpdate, (redeem) => session.redeem(redeem), { validator: (redeem) => session.assertCanRedeem(redeem) });
  setHandler(submitResponseUpdate, (response) => session.submitResponse(response), {
    validator: (response) => session.assertAwaitingResponse(response),
  });
  setHandler(clientErrorSignal, ({ clientErrorCode }) => session.clientError(clientErrorCode));
  setHandler(cancelSignal, () => session.cancel());
  setHandler(watchUpdate, (known) => session.watch(known));

  if (input.outOfBand) {
    // The dispatch update arrives with the start; each fallback pushes the deadline out.
    await condition(() => session.tokenDeadline > 0 || session.closed);
    while (!session.issued && !session.closed && !session.busy) {
      const remaining = session.tokenDeadline - Date.now();
      if (remaining <= 0 || !(await condition(() => session.issued || session.closed || session.busy, remaining))) {
        if (session.tokenDeadline <= Date.now()) session.expireTokens();
      }
    }
  } else if (!(await condition(() => session.issued || session.closed, issueDeadline))) {
    session.expire();
  }
  await condition(() => session.issued || session.closed);
  const lifetime = input.lifetimeMillis ?? defaultLifetimeMillis;
  // A response accepted before the deadline is verified to the end, even past it.
  if (!(await condition(() => session.closed || session.busy, lifetime))) session.expire();
  await condition(() => session.closed);
  await session.settle();
  await condition(allHandlersFinished);
  return session.state;
}
