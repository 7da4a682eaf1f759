/**
 * The messages of the operation workflows, defined once: the workflows register handlers for
 * them and the API sends them. Their payload types are the contract's (contract/operation.ts); this
 * module holds no workflow code, so the API imports it without pulling any in.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  DispatchAnswer,
  DispatchInput,
  OperationState,
  RedeemInput,
  ReturnUafRequest,
  ServerResponse,
  StatusAfter,
  SubmitResponseInput,
  WatchResult,
} from '../contract/operation.js';

/** Issues (once) and returns the UAF request of an in-band operation. */
export const issueRequestUpdate = defineUpdate<ReturnUafRequest & StatusAfter>('issueRequest');
/** The client's UAF response; answers the ServerResponse or fails with a coded ApplicationFailure. */
export const submitResponseUpdate = defineUpdate<ServerResponse & StatusAfter, [SubmitResponseInput]>('submitResponse');
/** The client reports an error instead of a response (FIDO client error code). */
export const clientErrorSignal = defineSignal<[{ clientErrorCode: number }]>('clientError');
export const cancelSignal = defineSignal('cancel');
export const statusQuery = defineQuery<OperationState>('status');
/** Out-of-band: dispatches the first token (update-with-start) or a fallback one (`redispatch`). */
export const dispatchUpdate = defineUpdate<DispatchAnswer & StatusAfter, [DispatchInput]>('dispatch');
export const redispatchUpdate = defineUpdate<DispatchAnswer & StatusAfter, [DispatchInput]>('redispatch');
/** The phone redeems a token: the UAF request, or nothing when the user denies. */
export const redeemUpdate = defineUpdate<(ReturnUafRequest & StatusAfter) | undefined, [RedeemInput]>('redeem');

/**
 * Long-wait for the next status change after `version` (answers at once if there was one): the
 * API's status stream waits on this instead of polling.
 */
export const watchUpdate = defineUpdate<WatchResult, [number]>('watch');
