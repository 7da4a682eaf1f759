import { TlvMalformed } from '../errors.js';
import { tagName } from './tags.js';

const maxValueLength = 0xffff;

/**
 * One TLV: UINT16 tag and UINT16 length, both little-endian, then the value
 * (UAF Authenticator Commands §5.1). For a composite tag pass the already encoded children;
 * the parts are concatenated.
 */
export function encodeTlv(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  if (length > maxValueLength || tag < 0 || tag > 0xffff) {
    throw new TlvMalformed('tlvInvalidValueLength', 'A TLV value cannot exceed 65535 bytes.', {
      field: tagName(tag),
      seen: length,
      expected: `<= ${maxValueLength}`,
    });
  }
  const out = new Uint8Array(4 + length);
  out[0] = tag & 0xff;
  out[1] = tag >> 8;
  out[2] = length & 0xff;
  out[3] = length >> 8;
  let offset = 4;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Little-endian UINT16 bytes, for ASSERTION_INFO fields. */
export function encodeUint16(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >> 8) & 0xff);
}

/** Little-endian UINT32 bytes, for COUNTERS. */
export function encodeUint32(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}
