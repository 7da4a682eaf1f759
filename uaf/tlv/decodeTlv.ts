import { TlvMalformed } from '../errors.js';
import { isCompositeTag, tagName } from './tags.js';

/** One decoded TLV. `value` and `raw` are views into the input, never copies. */
export interface TlvElement {
  tag: number;
  /** The value bytes (for a composite tag: the encoded children). */
  value: Uint8Array;
  /** The whole TLV including its 4-byte header: the bytes a KRD or SignedData signature covers. */
  raw: Uint8Array;
  /** Decoded children when the tag is composite (bit 0x1000), else undefined. */
  children: TlvElement[] | undefined;
}

/** Nesting in UAFV1TLV never goes beyond assertion → block → extension → id/data. */
const maxDepth = 6;

/**
 * Decodes a sequence of TLVs (UAF Authenticator Commands §5.1: UINT16 LE tag, UINT16 LE
 * length). Lengths are checked against the remaining input before anything is sliced, so a
 * declared length larger than the input is refused without allocating.
 */
export function decodeTlv(bytes: Uint8Array): TlvElement[] {
  return decodeSequence(bytes, 0);
}

/**
 * Decodes exactly one TLV with `expectedTag` filling all of `bytes`
 * (the conformance tool rejects trailing bytes and swapped top-level tags).
 */
export function decodeSingleTlv(bytes: Uint8Array, expectedTag: number): TlvElement {
  const [first, second] = decodeTlv(bytes);
  if (first === undefined) {
    throw new TlvMalformed('tlvTruncated', 'The TLV input is empty.', {
      field: tagName(expectedTag),
      seen: 0,
      expected: '>= 4 bytes',
    });
  }
  // UAF Authenticator Commands §5: the assertion is one TLV of the announced top-level tag.
  if (first.tag !== expectedTag) {
    throw new TlvMalformed('tlvUnexpectedTag', 'The top-level TLV tag is not the one expected.', {
      field: 'tag',
      seen: tagName(first.tag),
      expected: tagName(expectedTag),
    });
  }
  if (second !== undefined) {
    throw new TlvMalformed('tlvTrailingBytes', 'Bytes follow the top-level TLV.', {
      field: tagName(expectedTag),
      seen: bytes.length,
      expected: first.raw.length,
    });
  }
  return first;
}

function decodeSequence(bytes: Uint8Array, depth: number): TlvElement[] {
  if (depth > maxDepth) {
    throw new TlvMalformed('tlvTooDeep', 'TLVs are nested too deeply.', { seen: depth, expected: `<= ${maxDepth}` });
  }
  const elements: TlvElement[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 4) {
      throw new TlvMalformed('tlvTruncated', 'A TLV header is cut short.', {
        seen: bytes.length - offset,
        expected: 4,
      });
    }
    const tag = bytes[offset]! | (bytes[offset + 1]! << 8);
    const length = bytes[offset + 2]! | (bytes[offset + 3]! << 8);
    const start = offset + 4;
    if (length > bytes.length - start) {
      throw new TlvMalformed('tlvLengthExceedsInput', 'A TLV declares more bytes than remain.', {
        field: tagName(tag),
        seen: length,
        expected: `<= ${bytes.length - start}`,
      });
    }
    const end = start + length;
    const value = bytes.subarray(start, end);
    elements.push({
      tag,
      value,
      raw: bytes.subarray(offset, end),
      children: isCompositeTag(tag) ? decodeSequence(value, depth + 1) : undefined,
    });
    offset = end;
  }
  return elements;
}

/** Little-endian UINT16 at `offset`. */
export function readUint16(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8);
}

/** Little-endian UINT32 at `offset`. */
export function readUint32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}
