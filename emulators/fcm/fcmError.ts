// FCM HTTP v1 error bodies exactly as Google sends them: a google.rpc.Status with the FCM
// error code in `details[]` (https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode).
// firebase-admin reads `details[].errorCode` first, so `UNREGISTERED` becomes
// `messaging/registration-token-not-registered`.

export type FcmErrorCode = 'INVALID_ARGUMENT' | 'UNREGISTERED' | 'INTERNAL' | 'UNAVAILABLE';

/** HTTP status and canonical gRPC status of each FCM error code. */
const statuses: Record<FcmErrorCode, readonly [number, string]> = {
  INVALID_ARGUMENT: [400, 'INVALID_ARGUMENT'],
  UNREGISTERED: [404, 'NOT_FOUND'],
  INTERNAL: [500, 'INTERNAL'],
  UNAVAILABLE: [503, 'UNAVAILABLE'],
};

export const fcmErrorMessages = {
  recipientMissing: 'Recipient of the message is not set.',
  tokenInvalid: 'The registration token is not a valid FCM registration token',
  unregistered: 'Requested entity was not found.',
  internal: 'Internal error encountered.',
  unavailable: 'The service is currently unavailable.',
} as const;

export interface FcmErrorResponse {
  readonly status: number;
  readonly body: {
    error: { code: number; message: string; status: string; details: { '@type': string; errorCode: FcmErrorCode }[] };
  };
}

export function buildFcmError(errorCode: FcmErrorCode, message: string): FcmErrorResponse {
  const [status, canonical] = statuses[errorCode];
  return {
    status,
    body: {
      error: {
        code: status,
        message,
        status: canonical,
        details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }],
      },
    },
  };
}

/** What Google answers a request without a bearer token (no FCM details). */
export const unauthenticatedBody = {
  error: {
    code: 401,
    message: 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    status: 'UNAUTHENTICATED',
  },
} as const;
