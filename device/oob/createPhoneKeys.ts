import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

// The phone's own key pairs for out-of-band dispatch (API.md "Out-of-band payload"): an
// encryption key the server encrypts `nma_data` to (by default EC P-256, ECDH-ES+A256KW /
// A256GCM) and a signature key (by default ES256) for the JWS that modifies its dispatch target
// and signs its Device Service requests. The public halves are the `encryptionKey` /
// `signatureKey` JWKs of a dispatch target. Other key types a real phone may hold can be chosen.

export const phoneKeyAlgorithms = { encryption: 'ECDH-ES+A256KW', signature: 'ES256' } as const;

/** Key types of the encryption key: the JWE algorithm follows from it. */
export type EncryptionKeyType = 'P-256' | 'P-384' | 'P-521' | 'RSA' | 'X25519';
/** Key types of the signature key, each with its JWS algorithm. */
export type SignatureKeyType = 'P-256' | 'P-384' | 'P-521' | 'RSA' | 'Ed25519';

const encryptionAlgorithms: Record<EncryptionKeyType, string> = { 'P-256': 'ECDH-ES+A256KW', 'P-384': 'ECDH-ES+A256KW', 'P-521': 'ECDH-ES+A256KW', RSA: 'RSA-OAEP-256', X25519: 'ECDH-ES+A256KW' };
const signatureAlgorithms: Record<SignatureKeyType, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', RSA: 'PS256', Ed25519: 'EdDSA' };

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
  /** Key type of a generated encryption key (default P-256). */
  readonly encryptionKeyType?: EncryptionKeyType;
  /** Key type of a generated signature key (default P-256). */
  readonly signatureKeyType?: SignatureKeyType;
}

/** The generation options of jose for a key type: the curve, or the modulus length. */
function generation(type: string): { crv?: string; modulusLength?: number } {
  return type === 'RSA' ? { modulusLength: 2048 } : { crv: type };
}

async function keyPair(alg: string, type: string, use: 'enc' | 'sig', existing: JWK | undefined): Promise<PhoneKeyPair> {
  const privateJwk = existing ?? (await exportJWK((await generateKeyPair(alg, { ...generation(type), extractable: true })).privateKey));
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicMembers } = privateJwk;
  const privateKey = await importJWK({ ...privateJwk, alg }, alg);
  if (!('type' in privateKey)) throw new TypeError('Expected an asymmetric key');
  return { privateKey, privateJwk, publicJwk: { ...publicMembers, alg, use } };
}

/** The algorithm of a given (reused) private JWK, from its type and curve. */
function algorithmOf(jwk: JWK, table: Record<string, string>): string | undefined {
  return jwk.alg ?? table[jwk.kty === 'RSA' ? 'RSA' : String(jwk.crv)];
}

/** Generates (or imports) the phone's encryption and signature key pairs. */
export async function createPhoneKeys(options: CreatePhoneKeysOptions = {}): Promise<PhoneKeys> {
  const encryptionType = options.encryptionKeyType ?? 'P-256';
  const signatureType = options.signatureKeyType ?? 'P-256';
  const encryptionAlg = (options.encryption && algorithmOf(options.encryption, encryptionAlgorithms)) ?? encryptionAlgorithms[encryptionType];
  const signatureAlg = (options.signature && algorithmOf(options.signature, signatureAlgorithms)) ?? signatureAlgorithms[signatureType];
  return {
    encryption: await keyPair(encryptionAlg, encryptionType, 'enc', options.encryption),
    signature: await keyPair(signatureAlg, signatureType, 'sig', options.signature),
  };
}
