/** Shared table-driven base64 core for both alphabets (RFC 4648 §4 and §5). Private to `encoding/`. */
const standard = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const urlSafe = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export type Alphabet = 'standard' | 'urlSafe';

const alphabets: Record<Alphabet, string> = { standard, urlSafe };

/** Values of each character code; -1 for a character outside the alphabet. */
function decodeTable(chars: string): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = i;
  return table;
}

function decodeTableForBoth(): Int8Array {
  const table = decodeTable(standard);
  table[0x2d] = 62; // '-'
  table[0x5f] = 63; // '_'
  return table;
}

const tables: Record<Alphabet | 'both', Int8Array> = {
  standard: decodeTable(standard),
  urlSafe: decodeTable(urlSafe),
  both: decodeTableForBoth(),
};

export function encodeBase64(bytes: Uint8Array, alphabet: Alphabet, pad: boolean): string {
  const chars = alphabets[alphabet];
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += chars[n >> 18]! + chars[(n >> 12) & 63]! + chars[(n >> 6) & 63]! + chars[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += chars[n >> 18]! + chars[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += chars[n >> 18]! + chars[(n >> 12) & 63]! + chars[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/**
 * Decodes unpadded base64 text in the given alphabet; returns `undefined` when a character is
 * outside it, the length is impossible (4n+1) or the unused low bits are not zero (non-canonical).
 */
export function decodeBase64(text: string, alphabet: Alphabet | 'both'): Uint8Array | undefined {
  const table = tables[alphabet];
  const length = text.length;
  if (length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let o = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? table[c]! : -1;
    if (v < 0) return undefined;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
