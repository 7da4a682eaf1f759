/**
 * Every refusal the API gives: a camelCase `code` from one closed union, its HTTP status from one
 * table, and a human sentence that never holds a secret. Handlers throw `ApiError`; the error
 * middleware (api/errorHandler.ts) writes it as `{ error, message, statusCode? }`.
 */
export type ApiErrorCode =
  | 'malformedJson'
  | 'invalidRequest'
  | 'unauthorized'
  | 'notFound'
  | 'methodNotAllowed'
  | 'notAcceptable'
  | 'payloadTooLarge'
  | 'unsupportedMediaType'
  | 'serviceUnavailable'
  | 'internalError';

export const httpStatusOf: Record<ApiErrorCode, number> = {
  malformedJson: 400,
  invalidRequest: 400,
  unauthorized: 401,
  notFound: 404,
  methodNotAllowed: 405,
  notAcceptable: 406,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  serviceUnavailable: 503,
  internalError: 500,
};

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** UAF status code, on UAF endpoints (1498 malformed, 1491 invalid request, …). */
    readonly uafStatusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): number {
    return httpStatusOf[this.code];
  }
}
