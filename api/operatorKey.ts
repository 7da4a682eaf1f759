import type { RequestHandler } from 'express';
import { ApiError } from './apiError.js';
import { createRelyingPartyKeyOf } from './relyingParty.js';

/**
 * Operator endpoints (`/metrics`, `/admin/…`): `Authorization: Bearer <key>` with one of `keys`
 * (METRICS_API_KEYS, ADMIN_API_KEYS: credentials apart from the relying parties'), else 401.
 * `res.locals.operatorKeyId` is a short hash of the key presented, for the audit trail: it names
 * which key acted without holding it.
 */
export function requireOperatorKey(keys: readonly string[], variable: string): RequestHandler {
  // The same constant-time comparison of digests as the relying-party keys.
  const keyOf = createRelyingPartyKeyOf(keys);
  return (req, res, next) => {
    const keyHash = keyOf(req);
    if (keyHash === undefined) {
      res.set('WWW-Authenticate', 'Bearer');
      next(new ApiError('unauthorized', `This endpoint needs an operator key of ${variable}: Authorization: Bearer <key>.`));
      return;
    }
    res.locals.operatorKeyId = keyHash.slice(0, 12);
    next();
  };
}
