import { createHash } from 'node:crypto';

/**
 * The `extId` of a registered key, as nevisFIDO's status `authenticators[]` items carry it (there:
 * the id of the nevisIDM credential). Outband has no such entity, so the id is derived from what
 * names the key, `<aaid>/<keyId>`: the same key has the same extId in every status, in every
 * process, without storing anything. UUID-shaped (version 8, RFC 9562: custom), as nevisIDM's are.
 */
export function credentialExtIdOf(aaid: string, keyId: string): string {
  const bytes = createHash('sha256').update(`${aaid}/${keyId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
