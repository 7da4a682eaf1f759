import { compactDecrypt, type CryptoKey } from 'jose';
import * as base64 from '../../uaf/encoding/base64.js';
import * as utf8 from '../../uaf/encoding/utf8.js';
import { OutOfBandInputInvalid } from '../errors.js';

// The out-of-band payload a push, a QR code or a deep link carries (API.md "Out-of-band
// payload"): `nma_data` in clear JSON, or a compact JWE of it to the phone's encryption key.

/** The three `nma_*` members. In an FCM data map every value is a string, so `nma_data` may be JSON text. */
export interface DispatchPayload {
  readonly nma_data: string | Record<string, unknown>;
  readonly nma_data_content_type: string;
  readonly nma_data_version: string;
}

/** What the phone needs to fetch the UAF request. */
export interface NmaData {
  readonly token: string;
  readonly redeem_url: string;
  /** visual-string mode: the string; number-match mode: the choices. */
  readonly channel_linking?: string | readonly string[];
  /** The relying party's `dispatchInformation.data` (plain text or JSON), as it sent it; the SDK's `OutOfBandPayload.data`. */
  readonly data?: unknown;
}

export interface DecodeNmaPayloadOptions {
  /** The phone's encryption private key, needed when the content type is `application/jose`. */
  readonly decryptionKey?: CryptoKey;
}

export const nmaContentTypes = { json: 'application/json', jose: 'application/jose' } as const;

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new OutOfBandInputInvalid('payloadInvalid', `${what} is not JSON.`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OutOfBandInputInvalid('payloadInvalid', `${what} is not a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function toNmaData(value: Record<string, unknown>): NmaData {
  const { token, redeem_url: redeemUrl, channel_linking: channelLinking, data } = value;
  if (typeof token !== 'string' || token === '') throw new OutOfBandInputInvalid('payloadInvalid', 'nma_data.token is missing.');
  if (typeof redeemUrl !== 'string' || redeemUrl === '') {
    throw new OutOfBandInputInvalid('payloadInvalid', 'nma_data.redeem_url is missing.');
  }
  const linking =
    typeof channelLinking === 'string' || (Array.isArray(channelLinking) && channelLinking.every((item) => typeof item === 'string'))
      ? { channel_linking: channelLinking as string | string[] }
      : {};
  return { token, redeem_url: redeemUrl, ...linking, ...(data !== undefined && { data }) };
}

/** Checks the shape of a dispatch payload object (push data map, or the JSON of a QR code or link). */
export function parseDispatchPayload(value: Record<string, unknown>): DispatchPayload {
  const { nma_data: data, nma_data_content_type: contentType, nma_data_version: version } = value;
  if (typeof data !== 'string' && (typeof data !== 'object' || data === null || Array.isArray(data))) {
    throw new OutOfBandInputInvalid('payloadInvalid', 'nma_data is missing.');
  }
  if (typeof contentType !== 'string') throw new OutOfBandInputInvalid('payloadInvalid', 'nma_data_content_type is missing.');
  return { nma_data: data as DispatchPayload['nma_data'], nma_data_content_type: contentType, nma_data_version: String(version ?? '') };
}

/** The payload behind the base64url text of a QR code or of a link's `dispatchTokenResponse`. */
export function decodeDispatchPayload(encoded: string): DispatchPayload {
  let text: string;
  try {
    text = utf8.decode(base64.decodeLenient(encoded));
  } catch (cause) {
    throw new OutOfBandInputInvalid('payloadInvalid', 'The dispatch payload is not base64url of UTF-8 text.', cause);
  }
  return parseDispatchPayload(parseJsonObject(text, 'The dispatch payload'));
}

/** Decodes `nma_data`, decrypting it with the phone's own key when it is a compact JWE. */
export async function decodeNmaPayload(payload: DispatchPayload, options: DecodeNmaPayloadOptions = {}): Promise<NmaData> {
  const { nma_data: data, nma_data_content_type: contentType } = payload;
  if (contentType === nmaContentTypes.json) {
    return toNmaData(typeof data === 'string' ? parseJsonObject(data, 'nma_data') : data);
  }
  if (contentType !== nmaContentTypes.jose) {
    throw new OutOfBandInputInvalid('payloadInvalid', `nma_data_content_type ${contentType} is not supported.`);
  }
  if (typeof data !== 'string') throw new OutOfBandInputInvalid('payloadInvalid', 'An application/jose nma_data is a compact JWE string.');
  if (options.decryptionKey === undefined) {
    throw new OutOfBandInputInvalid('decryptionFailed', 'The payload is encrypted and the phone has no decryption key.');
  }
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(data, options.decryptionKey, {
      keyManagementAlgorithms: ['ECDH-ES+A256KW', 'RSA-OAEP-256'],
      contentEncryptionAlgorithms: ['A256GCM'],
    }));
  } catch (cause) {
    throw new OutOfBandInputInvalid('decryptionFailed', 'nma_data could not be decrypted with the phone key.', cause);
  }
  return toNmaData(parseJsonObject(utf8.decode(plaintext), 'The decrypted nma_data'));
}
