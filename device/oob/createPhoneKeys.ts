import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

// The phone's own key pairs for out-of-band dispatch (API.md "Out-of-band payload"): an
// encryption key the server encrypts `nma_data` to (EC P-256, ECDH-ES+A256KW / A256GCM) and
// a signature key (ES256) for the JWS that modifies its dispatch target. The public halves
// are the `encryptionKey` / `signatureKey` JWKs of a dispatch target.

export const phoneKeyAlgorithms = { encryption: 'ECDH-ES+A256KW', signature: 'ES256' } as const;

export interface PhoneKeyPair {
  readonly privateKey: CryptoKey;
  /** The public JWK with `alg` and `use` set, ready to send. */
  readonly publicJwk: JWK;
  /** The private JWK, so a test can rebuild the same phone. */
  readonly privateJwk: JWK;
}

export interface PhoneKeys {
  readonly encryption: PhoneKeyPair;
  readonly signature: PhoneKeyPair;
}

export interface CreatePhoneKeysOptions {
  /** Private JWKs to reuse instead of generating (a reproducible phone). */
  readonly encryption?: JWK;
  readonly signature?: JWK;
}

async function keyPair(alg: string, use: 'enc' | 'sig', existing: JWK | undefined): Promise<PhoneKeyPair> {
  const privateJwk = existing ?? (await exportJWK((await generateKeyPair(alg, { crv: 'P-256', extractable: true })).privateKey));
  const { d: _private, ...publicMembers } = privateJwk;
  const privateKey = await importJWK({ ...privateJwk, alg }, alg);
  if (!('type' in privateKey)) throw new TypeError('Expected an asymmetric key');
  return { privateKey, privateJwk, publicJwk: { ...publicMembers, alg, use } };
}

/** Generates (or imports) the phone's encryption and signature key pairs. */
export async function createPhoneKeys(options: CreatePhoneKeysOptions = {}): Promise<PhoneKeys> {
  return {
    encryption: await keyPair(phoneKeyAlgorithms.encryption, 'enc', options.encryption),
    signature: await keyPair(phoneKeyAlgorithms.signature, 'sig', options.signature),
  };
}
