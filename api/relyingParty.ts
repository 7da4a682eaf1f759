import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './apiError.js';
import { bearerTokenOf } from './bearerToken.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Relying-party endpoints: `Authorization: Bearer <key>` with a key of RP_API_KEYS, else 401. */
export function requireRelyingParty(keys: readonly string[]): RequestHandler {
  // Compare fixed-length digests in constant time: neither key length nor content leaks by timing.
  const known = keys.map(digest);
  return (req, res, next) => {
    const presented = bearerTokenOf(req);
    const candidate = presented ? digest(presented) : undefined;
    if (!candidate || !known.some((key) => timingSafeEqual(key, candidate))) {
      res.set('WWW-Authenticate', 'Bearer');
      next(new ApiError('unauthorized', 'This endpoint needs a relying-party key: Authorization: Bearer <key>.'));
      return;
    }
    next();
  };
}
