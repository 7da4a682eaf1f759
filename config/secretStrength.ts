/**
 * Refuses secrets an attacker can know or guess: values published in this repository (old
 * examples), all-equal or low-entropy bytes, short relying-party keys. Each function returns the
 * reason a value is refused, or `undefined` when it is acceptable; `loadConfig` names the variable.
 */

/** Values that appeared in the repository as examples: anyone can read them. */
const publishedSecrets = new Set([
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  'change-me-to-a-long-random-relying-party-key',
]);
/** A placeholder left in place (`change-me…`, `changeme`, `replace-me`). */
const placeholder = /change-?me|replace-?me|your[-_]?(rp[-_]?)?key/i;

export const minRelyingPartyKeyLength = 32;
/** A random 32-byte key has about 30 distinct byte values; fewer than 16 means it is not random. */
const minDistinctKeyBytes = 16;
/** Estimated bits (length × empirical Shannon entropy per character) a text key must reach. */
const minTextKeyBits = 96;

export function publishedOrPlaceholder(value: string): string | undefined {
  if (publishedSecrets.has(value.trim())) return 'is a value published in the Outband repository; generate a new one';
  if (placeholder.test(value)) return 'is a placeholder; generate a real key';
  return undefined;
}

/** For binary keys (base64 of random bytes): no repeated pattern of a few byte values. */
export function weakKeyBytes(key: Uint8Array): string | undefined {
  const distinct = new Set(key).size;
  if (distinct === 1) return 'has all bytes equal; generate a random key';
  if (distinct < Math.min(minDistinctKeyBytes, key.length / 2)) return `has only ${distinct} distinct byte values; generate a random key`;
  return undefined;
}

/** Empirical Shannon entropy of the characters times the length: a rough upper bound of the key's bits. */
export function estimatedBits(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * text.length;
}

export function weakRelyingPartyKey(key: string): string | undefined {
  if (key.length < minRelyingPartyKeyLength) return `each key must have at least ${minRelyingPartyKeyLength} characters`;
  const published = publishedOrPlaceholder(key);
  if (published) return published;
  if (new Set(key).size === 1) return 'a key has all characters equal; generate a random key';
  if (estimatedBits(key) < minTextKeyBits) return 'a key has too little entropy; generate one with: openssl rand -hex 32';
  return undefined;
}
