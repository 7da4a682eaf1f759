import { errorCodes, type ErrorCode } from '../contract/errors.js';
import type { UafStatusCode } from '../uaf/statusCodes.js';

/**
 * Every refusal the API gives: a camelCase `code` from the contract's one closed union, its HTTP
 * status from the contract's one table (contract/errors.ts), and a human sentence that never holds
 * a secret. Handlers throw `ApiError`; the error middleware (api/errorHandler.ts) writes it as
 * `{ error, message, statusCode? }`.
 */
export type ApiErrorCode = ErrorCode;

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** UAF status code, on UAF endpoints (1498 malformed, 1491 invalid request, …). */
    readonly uafStatusCode?: UafStatusCode,
    options?: { cause?: unknown; retryAfterSeconds?: number; dispatchResult?: string },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.dispatchResult = options?.dispatchResult;
  }

  /** For 429: when to try again (the `Retry-After` header). */
  readonly retryAfterSeconds: number | undefined;
  /** A refused dispatch: its `dispatchResult`, written beside `error` in the body. */
  readonly dispatchResult: string | undefined;

  get status(): number {
    return errorCodes[this.code].http;
  }
}

/**
 * A refusal coded by the contract, with exactly the statuses of its table: what a workflow's
 * refusal becomes over HTTP.
 */
export function apiErrorOf(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number; dispatchResult?: string }): ApiError {
  return new ApiError(code, message, errorCodes[code].uaf ?? undefined, options);
}
