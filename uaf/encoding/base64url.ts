import { EncodingMalformed } from '../errors.js';
import { decodeBase64, encodeBase64 } from './base64Alphabet.js';

/**
 * base64url without padding (RFC 4648 §5), the only form UAF allows for challenges, keyIDs,
 * assertions and fcParams (UAF Protocol §3.1, "base64url encoded ... without padding").
 * Import as a namespace: `import * as base64url from './encoding/base64url.js'`.
 */
export function encode(bytes: Uint8Array): string {
  return encodeBase64(bytes, 'urlSafe', false);
}

/** Strict decode: no padding, no `+`/`/`, no whitespace, canonical trailing bits. */
export function decode(text: string, field?: string): Uint8Array {
  const bytes = decodeBase64(text, 'urlSafe');
  if (bytes === undefined) {
    throw new EncodingMalformed('invalidBase64url', 'The value is not unpadded base64url.', {
      field,
      seen: text.length > 64 ? `${text.slice(0, 64)}…` : text,
    });
  }
  return bytes;
}

/** True when `text` is strict unpadded base64url. Never throws. */
export function isBase64url(text: unknown): text is string {
  return typeof text === 'string' && decodeBase64(text, 'urlSafe') !== undefined;
}

