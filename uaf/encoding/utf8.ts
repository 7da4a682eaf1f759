import { EncodingMalformed } from '../errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 bytes of `text`. Import as a namespace: `import * as utf8 from ...`. */
export function encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Strict UTF-8 decode: invalid sequences are refused, not replaced. */
export function decode(bytes: Uint8Array, field?: string): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new EncodingMalformed('invalidUtf8', 'The bytes are not valid UTF-8.', { field, cause });
  }
}
