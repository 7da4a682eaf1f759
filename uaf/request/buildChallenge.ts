import { ConfigurationInvalid } from '../errors.js';
import * as base64url from '../encoding/base64url.js';

/** A source of cryptographically secure random bytes, injected (e.g. `(n) => crypto.getRandomValues(new Uint8Array(n))`). */
export type RandomSource = (length: number) => Uint8Array;

/** Default and bounds of the challenge length in bytes (UAF Protocol §3.4.1: 8..64; we use at least 32). */
export const challengeLength = { default: 32, min: 32, max: 64 } as const;

/** A fresh challenge: `length` random bytes, base64url without padding (UAF Protocol §3.4.1). */
export function buildChallenge(random: RandomSource, length: number = challengeLength.default): string {
  if (!Number.isInteger(length) || length < challengeLength.min || length > challengeLength.max) {
    throw new ConfigurationInvalid('invalidArgument', 'The challenge length is out of range.', {
      field: 'length',
      seen: length,
      expected: `${challengeLength.min}..${challengeLength.max}`,
    });
  }
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new ConfigurationInvalid('invalidArgument', 'The random source returned the wrong number of bytes.', {
      field: 'random',
      seen: bytes?.length,
      expected: length,
    });
  }
  return base64url.encode(bytes);
}
