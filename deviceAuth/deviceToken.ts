import { errors, jwtVerify, SignJWT } from 'jose';
import { CodedRefusal } from '../contract/errors.js';

// The short-lived JWT of `additionalTokens`: proof of a successful UAF operation, which the phone
// presents to create (or delete) its dispatch target. Signed by the activity that verified the
// operation, verified by the API: both sides live here, so audience, algorithm and lifetime
// cannot drift apart.

export const deviceTokenAudience = 'outband-device';
const deviceTokenLifetimeSeconds = 600;
const algorithm = 'HS256';

export interface DeviceTokenClaims {
  username: string;
  /** `AAID/KeyID` of the keys the successful operation used: they identify the device. */
  keys: string[];
}

export async function createDeviceToken(claims: DeviceTokenClaims, key: Uint8Array, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ keys: claims.keys })
    .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
    .setSubject(claims.username)
    .setAudience(deviceTokenAudience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + deviceTokenLifetimeSeconds)
    .sign(key);
}

/** Our audience, our algorithm, unexpired, with a subject and keys: returns its claims. */
export async function verifyDeviceToken(token: string, key: Uint8Array): Promise<DeviceTokenClaims> {
  try {
    const { payload } = await jwtVerify(token, key, { audience: deviceTokenAudience, algorithms: [algorithm], requiredClaims: ['sub', 'exp'] });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new errors.JWTClaimValidationFailed('no subject', payload, 'sub');
    const { keys } = payload;
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string')) {
      throw new errors.JWTClaimValidationFailed('no keys', payload, 'keys');
    }
    return { username: payload.sub, keys };
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new CodedRefusal('deviceTokenExpired', 'The device token has expired; complete a UAF operation for a new one.', { cause: error });
    throw new CodedRefusal('deviceTokenInvalid', 'The bearer token is not a valid device token.', { cause: error });
  }
}

/** What `verifyDeviceTokenKeys` needs to know of a registered key. */
export type FindLiveCredential = (aaid: string, keyId: string) => Promise<{ username: string } | undefined>;

/**
 * The token is bound to the credentials it was issued for: every key of its `keys` claim must
 * still be registered, to its subject. A token of a deregistered key (a lost phone the user
 * removed) stops working at once instead of at its expiry.
 */
export async function verifyDeviceTokenKeys({ username, keys }: DeviceTokenClaims, findLiveCredential: FindLiveCredential): Promise<void> {
  for (const key of keys) {
    const separator = key.indexOf('/');
    const credential = separator > 0 ? await findLiveCredential(key.slice(0, separator), key.slice(separator + 1)) : undefined;
    if (credential?.username !== username) {
      throw new CodedRefusal('deviceTokenInvalid', 'The device token was issued for a key that is no longer registered.');
    }
  }
}
