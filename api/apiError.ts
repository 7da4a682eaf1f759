import { errorStatusCodes, type ErrorCode as UafErrorCode } from '../uaf/index.js';

/**
 * Every refusal the API gives: a camelCase `code` from one closed union, its HTTP status from one
 * table, and a human sentence that never holds a secret. Handlers throw `ApiError`; the error
 * middleware (api/errorHandler.ts) writes it as `{ error, message, statusCode? }`.
 */
const apiStatuses = {
  malformedJson: 400,
  invalidRequest: 400,
  unauthorized: 401,
  notFound: 404,
  methodNotAllowed: 405,
  notAcceptable: 406,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  internalError: 500,
  serviceUnavailable: 503,
  // Refusals of an operation workflow (workflows/operationSession.ts)
  noCredentials: 404,
  operationNotFound: 404,
  operationClosed: 409,
  requestNotIssued: 409,
  responseInProgress: 409,
  credentialExists: 409,
  requestExpired: 410,
  // Out-of-band tokens (API.md endpoint 13)
  tokenNotFound: 404,
  tokenAlreadyRedeemed: 409,
  tokenExpired: 410,
  tokenSuperseded: 410,
  channelLinkingMismatch: 422,
  tooManyPendingDispatches: 429,
  dispatchBackOff: 429,
  // Dispatch targets (api/dispatchTargetRoutes.ts)
  deviceTokenInvalid: 401,
  deviceTokenExpired: 401,
  requestSignatureInvalid: 401,
  requestIdReplayed: 401,
  requestTimeOutOfWindow: 401,
  dispatchTargetIdMismatch: 401,
  dispatchTargetNotOwned: 403,
  usernameMismatch: 403,
  dispatchTargetNotFound: 404,
  noDispatchTargets: 404,
  malformedJws: 400,
  dispatchTargetNameTaken: 422,
  signatureKeyMissing: 422,
} as const;

/** UAF refusals of a message that could not even be read: 400. Every other broken rule: 422. */
const malformedUafCodes = new Set<UafErrorCode>([
  'tlvTruncated', 'tlvLengthExceedsInput', 'tlvTrailingBytes', 'tlvTooDeep', 'tlvUnexpectedTag', 'tlvMissingElement',
  'tlvDuplicateElement', 'tlvUnexpectedElement', 'tlvInvalidValueLength', 'invalidBase64url', 'invalidBase64',
  'invalidUtf8', 'invalidJson', 'missingField', 'unexpectedField', 'invalidField', 'unsupportedVersion',
  'operationMismatch', 'serverDataInvalid',
]);
const uafStatuses = Object.fromEntries(
  (Object.keys(errorStatusCodes) as UafErrorCode[]).map((code) => [
    code,
    code === 'serverDataExpired' ? 410 : malformedUafCodes.has(code) ? 400 : 422,
  ]),
) as Record<UafErrorCode, number>;

export type ApiErrorCode = keyof typeof apiStatuses | UafErrorCode;

export const httpStatusOf: Record<ApiErrorCode, number> = { ...uafStatuses, ...apiStatuses };

export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.hasOwn(httpStatusOf, code);
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** UAF status code, on UAF endpoints (1498 malformed, 1491 invalid request, …). */
    readonly uafStatusCode?: number,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** For 429: when to try again (the `Retry-After` header). */
  readonly retryAfterSeconds: number | undefined;

  get status(): number {
    return httpStatusOf[this.code];
  }
}
