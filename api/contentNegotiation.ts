import type { RequestHandler, Router } from 'express';
import { ApiError } from './apiError.js';

/** 415 unless the request body is one of `types` (charset and other parameters ignored). */
export function consumes(...types: string[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.is(types)) {
      const seen = req.get('content-type') ?? 'none';
      next(new ApiError('unsupportedMediaType', `Content-Type ${seen} is not accepted; send ${types.join(' or ')}.`));
      return;
    }
    next();
  };
}

/**
 * 406 unless the client's `Accept` (when it sends one) admits the media type we answer with, or
 * one of `alsoAcceptable` (a JSON type a client may ask for instead of a JSON-based one).
 */
export function produces(type: string, ...alsoAcceptable: string[]): RequestHandler {
  return (req, _res, next) => {
    if (req.get('accept') && !req.accepts([type, ...alsoAcceptable])) {
      next(new ApiError('notAcceptable', `This resource answers ${type} only.`));
      return;
    }
    next();
  };
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Registers the handlers of one path; every other method gets 405 with an `Allow` header.
 * (Express routes are non-strict, so `/path/` is served as `/path`.)
 */
export function resource(router: Router, path: string, methods: Partial<Record<Method, RequestHandler[]>>): void {
  const route = router.route(path);
  const allowed = Object.keys(methods).map((method) => method.toUpperCase());
  if (allowed.includes('GET')) allowed.push('HEAD');
  for (const [method, handlers] of Object.entries(methods) as [Method, RequestHandler[]][]) route[method](...handlers);
  route.all((req, res, next) => {
    res.set('Allow', allowed.join(', '));
    next(new ApiError('methodNotAllowed', `${req.method} is not allowed on ${req.path}; use ${allowed.join(', ')}.`));
  });
}
