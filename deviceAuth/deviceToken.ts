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

/** Our audience, our algorithm, unexpired: returns its subject, the user name. */
export async function verifyDeviceToken(token: string, key: Uint8Array): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, key, { audience: deviceTokenAudience, algorithms: [algorithm], requiredClaims: ['sub', 'exp'] });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new errors.JWTClaimValidationFailed('no subject', payload, 'sub');
    return payload.sub;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new CodedRefusal('deviceTokenExpired', 'The device token has expired; complete a UAF operation for a new one.', { cause: error });
    throw new CodedRefusal('deviceTokenInvalid', 'The bearer token is not a valid device token.', { cause: error });
  }
}
