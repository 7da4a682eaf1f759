/**
 * A decoded COSE_Key (RFC 9052 §7, RFC 9053 §7.1.1 EC2 and RFC 8230 §4 RSA), the FIDO Registry 2.x
 * ALG_KEY_COSE (0x0104) encoding. Only what UAF keys need: EC2 on P-256 or secp256k1, and RSA.
 */
export type CoseKey =
  | { kty: 'EC2'; crv: 'P-256' | 'secp256k1'; x: Uint8Array; y: Uint8Array }
  | { kty: 'RSA'; n: Uint8Array; e: Uint8Array };

type CborValue = number | Uint8Array | string;

/** Decodes a COSE_Key map; returns undefined for anything else (the caller reports the error). */
export function decodeCoseKey(bytes: Uint8Array): CoseKey | undefined {
  const map = readCborMap(bytes);
  if (map === undefined) return undefined;
  const kty = map.get(1);
  if (kty === 2) {
    const crv = map.get(-1);
    const x = map.get(-2);
    const y = map.get(-3);
    if ((crv !== 1 && crv !== 8) || !isBytes(x, 32) || !isBytes(y, 32)) return undefined;
    return { kty: 'EC2', crv: crv === 1 ? 'P-256' : 'secp256k1', x, y };
  }
  if (kty === 3) {
    const n = map.get(-1);
    const e = map.get(-2);
    if (!isBytes(n) || !isBytes(e)) return undefined;
    return { kty: 'RSA', n, e };
  }
  return undefined;
}

function isBytes(value: CborValue | undefined, length?: number): value is Uint8Array {
  return value instanceof Uint8Array && value.length > 0 && (length === undefined || value.length === length);
}

/**
 * Reads one CBOR map of integer keys to integer, byte-string or text values that fills `bytes`
 * (RFC 8949 §3). Lengths are checked against the input before slicing; duplicate keys are refused.
 */
function readCborMap(bytes: Uint8Array): Map<number, CborValue> | undefined {
  let offset = 0;
  const head = (): [major: number, argument: number] | undefined => {
    const initial = bytes[offset++];
    if (initial === undefined) return undefined;
    const info = initial & 0x1f;
    let argument: number;
    if (info < 24) argument = info;
    else if (info === 24 && offset + 1 <= bytes.length) argument = bytes[offset++]!;
    else if (info === 25 && offset + 2 <= bytes.length) argument = (bytes[offset++]! << 8) | bytes[offset++]!;
    else return undefined;
    return [initial >> 5, argument];
  };
  const item = (): CborValue | undefined => {
    const h = head();
    if (h === undefined) return undefined;
    const [major, argument] = h;
    if (major === 0) return argument;
    if (major === 1) return -1 - argument;
    if ((major === 2 || major === 3) && argument <= bytes.length - offset) {
      const value = bytes.subarray(offset, offset + argument);
      offset += argument;
      return major === 2 ? value : new TextDecoder().decode(value);
    }
    return undefined;
  };
  const top = head();
  if (top === undefined || top[0] !== 5 || top[1] > 16) return undefined;
  const map = new Map<number, CborValue>();
  for (let i = 0; i < top[1]; i++) {
    const key = item();
    const value = item();
    if (typeof key !== 'number' || value === undefined || map.has(key)) return undefined;
    map.set(key, value);
  }
  return offset === bytes.length ? map : undefined;
}
