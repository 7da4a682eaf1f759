import { ServerDataRejected } from '../errors.js';
import { equalBytes } from '../crypto/equalBytes.js';
import * as base64url from '../encoding/base64url.js';
import * as utf8 from '../encoding/utf8.js';
import { maxServerDataLength, serverDataMac, type ServerDataClaims } from './encodeServerData.js';

export interface VerifyServerDataOptions {
  key: Uint8Array;
  now: Date;
}

/**
 * Checks the serverData echoed in a response header (made by `encodeServerData` with the same key)
 * and returns its claims. Tampered, foreign or malformed serverData is `serverDataInvalid`;
 * past `exp` it is `serverDataExpired` (both 1491 Request Invalid).
 */
export function verifyServerData(serverData: string | undefined, { key, now }: VerifyServerDataOptions): ServerDataClaims {
  const claims = readAuthentic(serverData, key);
  // serverData binds the request's lifetime: past `exp` the request is no longer valid.
  if (!(now.getTime() < claims.exp)) {
    throw new ServerDataRejected('serverDataExpired', 'The request has expired.', {
      field: 'header.serverData',
      seen: now.toISOString(),
      expected: `before ${new Date(claims.exp).toISOString()}`,
    });
  }
  return claims;
}

// The MAC must verify under the server key before anything in the payload is trusted.
function readAuthentic(serverData: string | undefined, key: Uint8Array): ServerDataClaims {
  const invalid = (reason: string) =>
    new ServerDataRejected('serverDataInvalid', 'serverData is not authentic.', { field: 'header.serverData', seen: reason });
  if (serverData === undefined || serverData.length > maxServerDataLength) throw invalid('missing or too long');
  const parts = serverData.split('.');
  const [payload, mac] = parts;
  if (parts.length !== 2 || payload === undefined || mac === undefined || !base64url.isBase64url(mac)) throw invalid('not payload.mac');
  if (!equalBytes(base64url.decode(mac), serverDataMac(payload, key))) throw invalid('MAC mismatch');
  let claims: unknown;
  try {
    claims = JSON.parse(utf8.decode(base64url.decode(payload)));
  } catch {
    throw invalid('payload not JSON');
  }
  if (claims === null || typeof claims !== 'object' || typeof (claims as { exp?: unknown }).exp !== 'number') {
    throw invalid('no exp');
  }
  return claims as ServerDataClaims;
}
