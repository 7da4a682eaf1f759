import { createHmac } from 'node:crypto';
import { ConfigurationInvalid, ServerDataRejected } from '../errors.js';
import * as base64url from '../encoding/base64url.js';
import * as utf8 from '../encoding/utf8.js';

/** What serverData carries: small JSON claims and `exp`, the expiry in epoch milliseconds. */
export type ServerDataClaims = { exp: number } & Record<string, string | number | boolean | null>;

/** UAF Protocol §3.1.3: serverData is at most 1536 characters. */
export const maxServerDataLength = 1536;

/** HMAC keys shorter than this are refused. */
export const minServerDataKeyLength = 32;

/**
 * Binds `claims` (e.g. `{ workflowId, sessionId, challenge, exp }`) into an opaque serverData string
 * `base64url(JSON).base64url(HMAC-SHA256)`, so the server can trust it when the client echoes it back
 * (UAF Protocol §3.1.3: "the server should protect serverData"). Not encrypted: put no secret in it.
 */
export function encodeServerData(claims: ServerDataClaims, key: Uint8Array): string {
  const payload = base64url.encode(utf8.encode(JSON.stringify(claims)));
  const serverData = `${payload}.${base64url.encode(serverDataMac(payload, key))}`;
  if (serverData.length > maxServerDataLength) {
    throw new ServerDataRejected('serverDataTooLong', 'The serverData claims are too large.', {
      field: 'serverData',
      seen: serverData.length,
      expected: `<= ${maxServerDataLength}`,
    });
  }
  return serverData;
}

/** HMAC-SHA256 over a context label and the payload part. */
export function serverDataMac(payload: string, key: Uint8Array): Uint8Array {
  if (key.length < minServerDataKeyLength) {
    throw new ConfigurationInvalid('invalidArgument', 'The serverData key is too short.', {
      field: 'key',
      seen: key.length,
      expected: `>= ${minServerDataKeyLength} bytes`,
    });
  }
  return new Uint8Array(createHmac('sha256', key).update(`outband-uaf-serverData.${payload}`).digest());
}
