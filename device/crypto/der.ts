// A minimal ASN.1 DER encoder: just what the phone needs to wrap signatures (ECDSA
// SEQUENCE{r,s}, RSA OCTET STRING), encode RSA public keys and build test certificates.
// Encoding only; the server side parses DER with its own code in `uaf/`.

/** Concatenates byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One DER element: identifier octet, definite length, content. */
export function derElement(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), encodeLength(content.length), content);
}

export const derSequence = (...items: readonly Uint8Array[]): Uint8Array => derElement(0x30, concatBytes(...items));
export const derSet = (...items: readonly Uint8Array[]): Uint8Array => derElement(0x31, concatBytes(...items));
export const derOctetString = (content: Uint8Array): Uint8Array => derElement(0x04, content);
export const derNull = (): Uint8Array => Uint8Array.of(0x05, 0x00);
export const derUtf8String = (text: string): Uint8Array => derElement(0x0c, new TextEncoder().encode(text));
export const derPrintableString = (text: string): Uint8Array => derElement(0x13, new TextEncoder().encode(text));
export const derBoolean = (value: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, value ? 0xff : 0x00);
/** Explicit context-specific tag `[n]` around already-encoded content. */
export const derExplicit = (n: number, inner: Uint8Array): Uint8Array => derElement(0xa0 | n, inner);

/** BIT STRING with no unused bits. */
export function derBitString(content: Uint8Array): Uint8Array {
  return derElement(0x03, concatBytes(Uint8Array.of(0), content));
}

/** INTEGER from unsigned big-endian magnitude bytes (minimal, with a 0x00 pad when the top bit is set). */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const padded = (trimmed[0] ?? 0) & 0x80 ? concatBytes(Uint8Array.of(0), trimmed) : trimmed;
  return derElement(0x02, padded.length === 0 ? Uint8Array.of(0) : padded);
}

/** OBJECT IDENTIFIER from its dotted form. */
export function derObjectIdentifier(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes: number[] = [first * 40 + second];
  for (const arc of rest) {
    const base128: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      base128.unshift((value % 128) | (base128.length > 0 ? 0x80 : 0));
      if (value < 128) break;
    }
    bytes.push(...base128);
  }
  return derElement(0x06, Uint8Array.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from 2050 on (RFC 5280 §4.1.2.5). */
export function derTime(date: Date): Uint8Array {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = date.getUTCFullYear();
  const text = year < 2050 ? `${digits.slice(2)}Z` : `${digits}Z`;
  return derElement(year < 2050 ? 0x17 : 0x18, new TextEncoder().encode(text));
}
