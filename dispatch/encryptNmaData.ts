import { CompactEncrypt, importJWK, type JWK } from 'jose';
import type { NmaData } from './dispatcher.js';
import { DispatchFailed } from './errors.js';

// End-to-end encryption of `nma_data` to the phone's `encryptionKey` (DESIGN.md §6), through
// jose's compact API only. The phone decrypts with its private key (device/oob/decodeNmaPayload.ts).

export interface JweAlgorithms {
  readonly alg: 'ECDH-ES+A256KW' | 'RSA-OAEP-256';
  readonly enc: 'A256GCM';
}

/** The key management and content encryption algorithms for a public JWK, by key type. */
export function jweAlgorithmsFor(jwk: JWK): JweAlgorithms {
  // EC on any NIST curve and X25519: ECDH-ES key agreement, the key wrapped with AES-256.
  if (jwk.kty === 'EC' || (jwk.kty === 'OKP' && jwk.crv === 'X25519')) return { alg: 'ECDH-ES+A256KW', enc: 'A256GCM' };
  if (jwk.kty === 'RSA') return { alg: 'RSA-OAEP-256', enc: 'A256GCM' };
  throw new DispatchFailed('encryptionKeyInvalid', `The encryptionKey has key type ${String(jwk.kty)}${jwk.crv ? ` (${jwk.crv})` : ''}; expected EC, RSA or OKP X25519.`);
}

/** Checks that the JWK is a public key meant for this encryption (a mislabelled key is refused, not guessed). */
function checkEncryptionKey(jwk: JWK, alg: JweAlgorithms['alg']): void {
  if (jwk.d !== undefined) throw new DispatchFailed('encryptionKeyInvalid', 'The encryptionKey is a private key; expected the public half.');
  if (jwk.use !== undefined && jwk.use !== 'enc') {
    throw new DispatchFailed('encryptionKeyInvalid', `The encryptionKey has use ${jwk.use}; expected enc.`);
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw new DispatchFailed('encryptionKeyInvalid', `The encryptionKey has alg ${jwk.alg}; expected ${alg}.`);
  }
}

/** `nma_data` as a compact JWE to the phone's public key; the key's `kid`, if any, names it in the header. */
export async function encryptNmaData(nmaData: NmaData, encryptionKey: JWK): Promise<string> {
  const { alg, enc } = jweAlgorithmsFor(encryptionKey);
  checkEncryptionKey(encryptionKey, alg);
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK(encryptionKey, alg);
  } catch (cause) {
    throw new DispatchFailed('encryptionKeyInvalid', `The encryptionKey cannot be imported for ${alg}.`, cause);
  }
  const plaintext = new TextEncoder().encode(JSON.stringify(nmaData));
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg, enc, ...(encryptionKey.kid !== undefined && { kid: encryptionKey.kid }) })
    .encrypt(key);
}
