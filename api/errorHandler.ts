import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CodedRefusal } from '../contract/errors.js';
import { ApiError, apiErrorOf } from './apiError.js';

/** body-parser signals its refusals through `type` (and `status`) on the error. */
function fromBodyParser(error: { type?: unknown }): ApiError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new ApiError('malformedJson', 'The request body is not valid JSON.', undefined, { cause: error });
    case 'entity.too.large':
      return new ApiError('payloadTooLarge', 'The request body is larger than 64 KiB.', undefined, { cause: error });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('unsupportedMediaType', 'The request body encoding is not supported.', undefined, {
        cause: error,
      });
    case 'request.aborted':
    case 'request.size.invalid':
      return new ApiError('invalidRequest', 'The request body was incomplete.', undefined, { cause: error });
    default:
      return undefined;
  }
}

/**
 * Express decodes path parameters with decodeURIComponent, which throws a URIError on broken
 * percent-encoding (`/targets/%E0%A4%A`) before any handler runs: that is the client's mistake.
 */
function fromPathDecoding(error: unknown): ApiError | undefined {
  if (!(error instanceof URIError)) return undefined;
  return new ApiError('invalidRequest', 'A path segment is not valid percent-encoded UTF-8.', undefined, { cause: error });
}

/**
 * Any other client error raised before a handler (http-errors with a 4xx `status` and `expose`:
 * a compressed body that does not inflate, …): answered as such, never as a 500.
 */
function fromClientHttpError(error: { status?: unknown; expose?: unknown }): ApiError | undefined {
  if (typeof error.status !== 'number' || error.status < 400 || error.status >= 500 || error.expose !== true) return undefined;
  if (error.status === 413) return new ApiError('payloadTooLarge', 'The request body is too large.', undefined, { cause: error });
  if (error.status === 415) return new ApiError('unsupportedMediaType', 'The request body encoding is not supported.', undefined, { cause: error });
  return new ApiError('invalidRequest', 'The request could not be read (body encoding or framing).', undefined, { cause: error });
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError('notFound', `No resource at ${req.method} ${req.path}.`));
};

/** The last middleware: turns anything thrown into the JSON error body; never leaks internals. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const apiError =
    error instanceof ApiError
      ? error
      : error instanceof CodedRefusal
        ? apiErrorOf(error.code, error.message, { cause: error })
        : (fromBodyParser(error) ?? fromPathDecoding(error) ?? fromClientHttpError(error) ?? new ApiError('internalError', 'The server failed to handle the request.'));
  if (apiError.code === 'internalError') req.log?.error({ err: error }, 'unhandled error');
  if (res.headersSent) return;
  if (apiError.retryAfterSeconds !== undefined) res.set('Retry-After', String(Math.max(1, apiError.retryAfterSeconds)));
  res
    .status(apiError.status)
    .type('application/json')
    .json({
      error: apiError.code,
      message: apiError.message,
      ...(apiError.uafStatusCode === undefined ? {} : { statusCode: apiError.uafStatusCode }),
      ...(apiError.dispatchResult === undefined ? {} : { dispatchResult: apiError.dispatchResult }),
    });
};
