/**
 * Messages of the operation workflows and the wire shapes they carry. The API imports this module
 * (and no workflow code) to call the workflows; the workflows register handlers for them.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export type Operation = 'registration' | 'authentication' | 'deregistration';
export type UafOp = 'Reg' | 'Auth' | 'Dereg';
export const uafOpOf: Record<Operation, UafOp> = { registration: 'Reg', authentication: 'Auth', deregistration: 'Dereg' };

/** nevisFIDO status values (API.md endpoint 14); `unknown` is the API's answer for no workflow. */
export type OperationStatus = 'tokenCreated' | 'clientRegistering' | 'clientAuthenticating' | 'succeeded' | 'failed';

/** Why an operation failed: the `failureReason` of the status response. */
export type FailureReason =
  | 'requestExpired'
  | 'verificationFailed'
  | 'clientError'
  | 'cancelled'
  | 'noCredentials'
  | 'credentialExists';

export interface Transaction {
  contentType: string;
  /** base64url of the content, as in the UAF Transaction dictionary. */
  content: string;
}

/** Input of every operation workflow. */
export interface OperationInput {
  operation: Operation;
  /** The first session id; the workflow id is derived from it (api/sessions.ts). */
  sessionId: string;
  /** Absent for a username-less authentication. */
  username?: string;
  transaction?: Transaction[];
  /** Deregistration: what to remove. */
  deregistration?: { mode: 'username' | 'aaid' | 'keyId'; aaids?: string[]; keyIds?: string[] };
  /** UAF request lifetime (default 120 s). */
  lifetimeMillis?: number;
}

/** FIDO UAF HTTP transport `ReturnUAFRequest`. */
export interface ReturnUafRequest {
  statusCode: number;
  op: UafOp;
  uafRequest: string;
  lifetimeMillis: number;
}

/** FIDO UAF HTTP transport `ServerResponse`, with the device token on success. */
export interface ServerResponse {
  statusCode: number;
  description?: string;
  additionalTokens?: { type: 'JWT'; value: string }[];
}

export interface SubmitResponseInput {
  /** The `uafResponse` of SendUAFResponse: the JSON array text exactly as received. */
  uafResponse: string;
  /** ASM status code from the response context (client-side failure report). */
  asmStatusCode?: number;
}

export interface AuthenticatorInfo {
  aaid: string;
  keyId: string;
}

/** What the status query answers; the API adds `timestamp` formatting and `unknown`. */
export interface OperationState {
  operation: Operation;
  status: OperationStatus;
  /** ms since epoch of the last change (workflow time). */
  updatedAt: number;
  userId?: string;
  uafStatusCode?: number;
  asmStatusCode?: number;
  clientErrorCode?: number;
  failureReason?: FailureReason;
  authenticators?: AuthenticatorInfo[];
  finalSessionId?: string;
}

/** Issues (once) and returns the UAF request of an in-band operation. */
export const issueRequestUpdate = defineUpdate<ReturnUafRequest>('issueRequest');
/** The client's UAF response; answers the ServerResponse or fails with a coded ApplicationFailure. */
export const submitResponseUpdate = defineUpdate<ServerResponse, [SubmitResponseInput]>('submitResponse');
/** The client reports an error instead of a response (FIDO client error code). */
export const clientErrorSignal = defineSignal<[{ clientErrorCode: number }]>('clientError');
export const cancelSignal = defineSignal('cancel');
export const statusQuery = defineQuery<OperationState>('status');
