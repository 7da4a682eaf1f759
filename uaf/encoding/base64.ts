import { EncodingMalformed } from '../errors.js';
import { decodeBase64, encodeBase64 } from './base64Alphabet.js';

/**
 * Standard base64 (RFC 4648 §4), used for certificates in metadata statements and for
 * `android:apk-key-hash:` facet IDs. Import as a namespace: `import * as base64 from ...`.
 */
export function encode(bytes: Uint8Array, options: { pad?: boolean } = {}): string {
  return encodeBase64(bytes, 'standard', options.pad ?? true);
}

/** Standard base64 with optional padding (`=`), as in metadata `attestationRootCertificates`. */
export function decode(text: string, field?: string): Uint8Array {
  return decodeLenient(text, field);
}

/**
 * Lenient decode for third-party data: either alphabet (`+/` or `-_`), padding optional but,
 * when present, correct. Some clients send fcParams this way (eBay's DAB8#8011 vector).
 */
export function decodeLenient(text: string, field?: string): Uint8Array {
  const body = stripPadding(text);
  const bytes = body === undefined ? undefined : decodeBase64(body, 'both');
  if (bytes === undefined) {
    throw new EncodingMalformed('invalidBase64', 'The value is not base64.', {
      field,
      seen: text.length > 64 ? `${text.slice(0, 64)}…` : text,
    });
  }
  return bytes;
}

function stripPadding(text: string): string | undefined {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  const padding = text.length - end;
  if (padding === 0) return text;
  if (padding > 2 || text.length % 4 !== 0) return undefined;
  return text.slice(0, end);
}
