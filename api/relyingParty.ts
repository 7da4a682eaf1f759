import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ApiError } from './apiError.js';
import { bearerTokenOf } from './bearerToken.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Which relying-party key a request presents: the hex SHA-256 of the key when it is one of
 * RP_API_KEYS (an identity for rate limits that never holds the key itself), else undefined.
 */
export function createRelyingPartyKeyOf(keys: readonly string[]): (req: Request) => string | undefined {
  // Compare fixed-length digests in constant time: neither key length nor content leaks by timing.
  const known = keys.map(digest);
  return (req) => {
    const presented = bearerTokenOf(req);
    if (presented === undefined) return undefined;
    const candidate = digest(presented);
    return known.some((key) => timingSafeEqual(key, candidate)) ? candidate.toString('hex') : undefined;
  };
}

function unauthorized(): ApiError {
  return new ApiError('unauthorized', 'This endpoint needs a relying-party key: Authorization: Bearer <key>.');
}

/** Relying-party endpoints: `Authorization: Bearer <key>` with a key of RP_API_KEYS, else 401. */
export function requireRelyingParty(keys: readonly string[]): RequestHandler {
  const keyOf = createRelyingPartyKeyOf(keys);
  return (req, res, next) => {
    if (keyOf(req) === undefined) {
      res.set('WWW-Authenticate', 'Bearer');
      next(unauthorized());
      return;
    }
    next();
  };
}

/**
 * Endpoints a relying party or, where the deployment allows it, an anonymous app may call:
 * `res.locals.relyingParty` is true with a valid key; a wrong key is 401 (never a silent
 * downgrade to anonymous); no key passes as anonymous only when `allowAnonymous`.
 */
export function relyingPartyOrAnonymous(keys: readonly string[], allowAnonymous: boolean): RequestHandler {
  const keyOf = createRelyingPartyKeyOf(keys);
  return (req, res, next) => {
    res.locals.relyingParty = keyOf(req) !== undefined;
    if (res.locals.relyingParty || (allowAnonymous && req.get('authorization') === undefined)) {
      next();
      return;
    }
    res.set('WWW-Authenticate', 'Bearer');
    next(unauthorized());
  };
}
