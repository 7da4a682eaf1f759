/**
 * Returns the content of a DER OCTET STRING that fills all of `bytes`, or undefined.
 * The `_DER` RSA signature encodings wrap S in an OCTET STRING (FIDO Registry §3.6.1,
 * UAF_ALG_SIGN_RSASSA_PSS_SHA256_DER; confirmed on RaonSecure 0012#0001 bytes).
 */
export function unwrapDerOctetString(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length < 2 || bytes[0] !== 0x04) return undefined;
  const first = bytes[1]!;
  let length: number;
  let offset: number;
  if (first < 0x80) {
    length = first;
    offset = 2;
  } else {
    const count = first & 0x7f;
    if (count === 0 || count > 2 || bytes.length < 2 + count) return undefined;
    length = count === 1 ? bytes[2]! : (bytes[2]! << 8) | bytes[3]!;
    offset = 2 + count;
    // DER: the shortest length form only.
    if (length < 0x80 || (count === 2 && length < 0x100)) return undefined;
  }
  if (offset + length !== bytes.length) return undefined;
  return bytes.subarray(offset);
}
