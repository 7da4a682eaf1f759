import { SignJWT } from 'jose';

export const deviceTokenAudience = 'outband-device';
const deviceTokenLifetimeSeconds = 600;

export interface DeviceTokenClaims {
  username: string;
  /** `AAID/KeyID` of the keys the successful operation used: they identify the device. */
  keys: string[];
}

/**
 * The short-lived JWT of `additionalTokens`: proof of a successful UAF operation, which the phone
 * presents to create its dispatch target.
 */
export async function createDeviceToken(claims: DeviceTokenClaims, key: Uint8Array, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ keys: claims.keys })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.username)
    .setAudience(deviceTokenAudience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + deviceTokenLifetimeSeconds)
    .sign(key);
}
