import { base64url, type JWK } from 'jose';
import type { DispatchPayload, NmaData } from './dispatcher.js';
import { encryptNmaData } from './encryptNmaData.js';

// The out-of-band payload of API.md: clear `nma_data`, or a compact JWE of it when the target
// has an encryptionKey, and the encodings each channel carries it in.

/** The payload, encrypted to `encryptionKey` when there is one. */
export async function buildDispatchPayload(nmaData: NmaData, encryptionKey: JWK | undefined): Promise<DispatchPayload> {
  if (encryptionKey === undefined) {
    return { nma_data: nmaData, nma_data_content_type: 'application/json', nma_data_version: '1' };
  }
  return { nma_data: await encryptNmaData(nmaData, encryptionKey), nma_data_content_type: 'application/jose', nma_data_version: '1' };
}

/** QR text and link parameter: base64url (no padding) of the payload JSON. */
export function encodeDispatchPayload(payload: DispatchPayload): string {
  return base64url.encode(JSON.stringify(payload));
}

/** An FCM data map holds strings only, so clear `nma_data` travels as JSON text. */
export function buildFcmData(payload: DispatchPayload): Record<keyof DispatchPayload, string> {
  const { nma_data: data, nma_data_content_type: contentType, nma_data_version: version } = payload;
  return { nma_data: typeof data === 'string' ? data : JSON.stringify(data), nma_data_content_type: contentType, nma_data_version: version };
}
