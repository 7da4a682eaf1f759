import type { RequestHandler } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import type { Config } from '../config/loadConfig.js';
import { ApiError } from './apiError.js';
import { createRelyingPartyKeyOf } from './relyingParty.js';

/**
 * Rate limits over every endpoint, counted in this API process (express-rate-limit's memory
 * store; N replicas allow N times the limit): one per client address (IPv6 by /56, behind
 * TRUST_PROXY hops the forwarded address) and one per relying-party key (a request with a valid
 * key counts on both). Beyond either: 429 `tooManyRequests` with `Retry-After` and the JSON error
 * body. The defaults are far above what `npm run bench` sends from one address; they are there to
 * bound a flood, not to shape normal traffic.
 */
export function createRateLimits({ rateLimits, rpApiKeys }: Pick<Config, 'rateLimits' | 'rpApiKeys'>): RequestHandler[] {
  const relyingPartyKeyOf = createRelyingPartyKeyOf(rpApiKeys);
  const common: Partial<Options> = {
    windowMs: rateLimits.windowSeconds * 1000,
    // The RateLimit headers of the IETF draft, and Retry-After on a refusal.
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // TRUST_PROXY decides whose X-Forwarded-For is believed; the library need not warn about it.
    validate: { xForwardedForHeader: false },
  };
  const refuse =
    (what: string): Options['handler'] =>
    (_req, res, next) => {
      const retryAfterSeconds = Number(res.getHeader('Retry-After')) || rateLimits.windowSeconds;
      next(new ApiError('tooManyRequests', `Too many requests ${what}; try again in ${retryAfterSeconds} s.`, undefined, { retryAfterSeconds }));
    };
  return [
    rateLimit({ ...common, limit: rateLimits.perAddress, identifier: 'per-address', handler: refuse('from this address') }),
    rateLimit({
      ...common,
      limit: rateLimits.perRelyingPartyKey,
      identifier: 'per-relying-party-key',
      // Only a valid key is counted here: a wrong one is the address limit's (and answers 401).
      skip: (req) => relyingPartyKeyOf(req) === undefined,
      keyGenerator: (req) => relyingPartyKeyOf(req)!,
      handler: refuse('with this relying-party key'),
    }),
  ];
}
