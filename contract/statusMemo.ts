import type { OperationState } from './operation.js';

/**
 * The memo field where an operation workflow keeps its current status (upserted on every change,
 * set at start by the API). The API answers a status call from one `describe` of the workflow,
 * which Temporal serves from its own state: no query, so a poll never wakes the worker.
 * The memo goes through the payload codec like every other payload (encrypted in history).
 */
export const statusMemoKey = 'outbandStatus';

/**
 * What the memo holds: the state without the dispatcher's `response`, which for a link or QR code
 * dispatcher carries the token itself; a status reader never needs it (the RP got it from the
 * dispatch answer), and it would make every describe heavier.
 */
export function statusMemoOf(state: OperationState): OperationState {
  const information = state.tokenInformation?.dispatcherInformation;
  if (!information || information.response === undefined) return state;
  const { response: _response, ...kept } = information;
  return { ...state, tokenInformation: { ...state.tokenInformation, dispatcherInformation: kept } };
}
