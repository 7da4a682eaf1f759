import { errors, jwtVerify } from 'jose';
import { deviceTokenAudience } from '../activities/deviceToken.js';
import { ApiError } from './apiError.js';

/**
 * The device token of `additionalTokens` (activities/deviceToken.ts): HS256, our audience,
 * unexpired. Returns its subject, the user name.
 */
export async function verifyDeviceToken(token: string, key: Uint8Array): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, key, { audience: deviceTokenAudience, algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new errors.JWTClaimValidationFailed('no subject', payload, 'sub');
    return payload.sub;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new ApiError('deviceTokenExpired', 'The device token has expired; complete a UAF operation for a new one.', undefined, { cause: error });
    throw new ApiError('deviceTokenInvalid', 'The bearer token is not a valid device token.', undefined, { cause: error });
  }
}
