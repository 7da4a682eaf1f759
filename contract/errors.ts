import { errorStatusCodes as uafLibraryStatusCodes, type ErrorCode as UafLibraryErrorCode } from '../uaf/errors.js';
import { UafStatusCode } from '../uaf/statusCodes.js';

export { UafStatusCode };

/**
 * Every coded refusal of Outband, with its HTTP status and its UAF status code, in one table.
 * A workflow refuses an update with an `ApplicationFailure` whose `type` is one of these codes;
 * the API answers it with the HTTP status and UAF status of this table, nothing else.
 *
 * `uaf: null`: the refusal is not a UAF status (a proprietary endpoint's refusal, or one of a UAF
 * endpoint that the contract answers without `statusCode`, docs/api.md "Errors").
 */
const projectErrorCodes = {
  // Any endpoint
  malformedJson: { http: 400, uaf: null },
  invalidRequest: { http: 400, uaf: null },
  unauthorized: { http: 401, uaf: null },
  notFound: { http: 404, uaf: null },
  methodNotAllowed: { http: 405, uaf: null },
  notAcceptable: { http: 406, uaf: null },
  payloadTooLarge: { http: 413, uaf: null },
  unsupportedMediaType: { http: 415, uaf: null },
  internalError: { http: 500, uaf: UafStatusCode.internalServerError },
  serviceUnavailable: { http: 503, uaf: null },
  /** Rate limit per client address or per relying-party key (api/rateLimits.ts). */
  tooManyRequests: { http: 429, uaf: null },
  /** Server-Sent Events streams per session or per process (api/statusEvents.ts). */
  tooManyEventStreams: { http: 429, uaf: null },
  // Refusals of an operation workflow (workflows/operationSession.ts)
  noCredentials: { http: 404, uaf: UafStatusCode.unknownKeyId },
  operationNotFound: { http: 404, uaf: UafStatusCode.requestInvalid },
  operationClosed: { http: 409, uaf: null },
  requestNotIssued: { http: 409, uaf: null },
  responseInProgress: { http: 409, uaf: null },
  credentialExists: { http: 409, uaf: UafStatusCode.unauthorized },
  requestExpired: { http: 410, uaf: UafStatusCode.requestInvalid },
  // Out-of-band tokens (docs/api.md endpoint 13)
  tokenNotFound: { http: 404, uaf: null },
  tokenAlreadyRedeemed: { http: 409, uaf: null },
  tokenExpired: { http: 410, uaf: null },
  tokenSuperseded: { http: 410, uaf: null },
  channelLinkingMismatch: { http: 422, uaf: null },
  tooManyPendingDispatches: { http: 429, uaf: null },
  dispatchBackOff: { http: 429, uaf: null },
  /** A fallback past DISPATCH_MAX_FALLBACKS for one operation. */
  tooManyFallbacks: { http: 429, uaf: null },
  // Dispatch targets (docs/api.md endpoints 7–11)
  deviceTokenInvalid: { http: 401, uaf: null },
  deviceTokenExpired: { http: 401, uaf: null },
  requestSignatureInvalid: { http: 401, uaf: null },
  requestIdReplayed: { http: 401, uaf: null },
  requestTimeOutOfWindow: { http: 401, uaf: null },
  dispatchTargetIdMismatch: { http: 401, uaf: null },
  dispatchTargetNotOwned: { http: 403, uaf: null },
  usernameMismatch: { http: 403, uaf: null },
  dispatchTargetNotFound: { http: 404, uaf: null },
  noDispatchTargets: { http: 404, uaf: null },
  malformedJws: { http: 400, uaf: null },
  dispatchTargetNameTaken: { http: 422, uaf: null },
  signatureKeyMissing: { http: 422, uaf: null },
  /** A user already has DISPATCH_MAX_TARGETS dispatch targets. */
  tooManyTargets: { http: 409, uaf: null },
  /** A target naming a dispatcher this deployment has not registered (built-ins and DISPATCH_PLUGINS). */
  dispatcherNotFound: { http: 422, uaf: null },
} as const satisfies Record<string, ErrorStatus>;

export interface ErrorStatus {
  http: number;
  uaf: UafStatusCode | null;
}

/** UAF refusals of a message that could not even be read: 400. Every other broken rule: 422. */
const malformedUafCodes = new Set<UafLibraryErrorCode>([
  'tlvTruncated', 'tlvLengthExceedsInput', 'tlvTrailingBytes', 'tlvTooDeep', 'tlvUnexpectedTag', 'tlvMissingElement',
  'tlvDuplicateElement', 'tlvUnexpectedElement', 'tlvInvalidValueLength', 'invalidBase64url', 'invalidBase64',
  'invalidUtf8', 'invalidJson', 'missingField', 'unexpectedField', 'invalidField', 'unsupportedVersion',
  'operationMismatch', 'serverDataInvalid',
]);

/** HTTP status of a refusal of the `uaf/` library; its UAF status is the library's own. */
function httpStatusOfUafRefusal(code: UafLibraryErrorCode): number {
  if (code === 'serverDataExpired') return 410;
  return malformedUafCodes.has(code) ? 400 : 422;
}

const uafLibraryErrorCodes = Object.fromEntries(
  (Object.keys(uafLibraryStatusCodes) as UafLibraryErrorCode[]).map((code) => [
    code,
    { http: httpStatusOfUafRefusal(code), uaf: uafLibraryStatusCodes[code] },
  ]),
) as Record<UafLibraryErrorCode, ErrorStatus>;

/** The one table: `uaf/` library refusals (verification of UAF messages) and the project's own. */
export const errorCodes: Readonly<Record<ErrorCode, ErrorStatus>> = { ...uafLibraryErrorCodes, ...projectErrorCodes };

/** The closed union of every error code that crosses a seam (workflow → API → HTTP body). */
export type ErrorCode = keyof typeof projectErrorCodes | UafLibraryErrorCode;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCodes, code);
}

/**
 * The details of a workflow's coded refusal (`ApplicationFailure.details[0]`). The code itself is
 * the failure's `type`; its statuses come from `errorCodes`.
 */
export interface RefusalDetails {
  /** Kept for readers of the history; the API takes the UAF status from `errorCodes`. */
  uafStatusCode?: number;
  /** For 429: when to try again (the `Retry-After` header). */
  retryAfterSeconds?: number;
  /** A refused dispatch: the `dispatchResult` the API adds to the error body. */
  dispatchResult?: string;
}

/**
 * A refusal coded by this table, thrown by a module below the API (device authentication, …) that
 * must not know HTTP; the API answers it with the statuses of `errorCodes`.
 */
export class CodedRefusal extends Error {
  override name = 'CodedRefusal';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
