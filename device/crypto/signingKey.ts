import { secp256k1 } from '@noble/curves/secp256k1.js';
// Type-only import: the work is done by the global `crypto.subtle` (Node and browsers).
import type { webcrypto } from 'node:crypto';
import type { JWK } from 'jose';
import * as base64url from '../../uaf/encoding/base64url.js';
import {
  concatBytes,
  derBitString,
  derNull,
  derObjectIdentifier,
  derOctetString,
  derSequence,
  derUnsignedInteger,
} from './der.js';

// The phone's key material, one shape for every UAF 1.1 signature algorithm the project
// supports. Private keys travel as JWK (fixtures, tests); signing uses Web Crypto, except
// secp256k1, which Web Crypto lacks (@noble/curves, pure JS, so it runs in a browser too).

/** The curve or key family behind an algorithm. */
export type KeyType = 'secp256r1' | 'secp256k1' | 'rsa';
/** How a signature's bytes are laid out: r‖s or bare S (`raw`), or DER (`der`). */
export type SignatureEncoding = 'raw' | 'der';
/** Web Crypto's RSA schemes; EC keys have one scheme each. */
export type SignatureScheme = 'ecdsa' | 'RSA-PSS' | 'RSASSA-PKCS1-v1_5';

export interface SigningKeySpec {
  readonly keyType: KeyType;
  readonly scheme: SignatureScheme;
}

export interface SigningKey extends SigningKeySpec {
  readonly privateJwk: JWK;
  /** Signs `data` with SHA-256 and returns the signature in `encoding`. */
  sign(data: Uint8Array, encoding: SignatureEncoding): Promise<Uint8Array>;
  /** X9.62 point 04‖X‖Y (EC) or modulus ‖ exponent (RSA): the `raw` public key encodings. */
  publicKeyRaw(): Uint8Array;
  /** SubjectPublicKeyInfo DER. */
  publicKeySpki(): Uint8Array;
  /** PKCS#1 RSAPublicKey DER (RSA only): what the registry names ALG_KEY_RSA_2048_DER. */
  publicKeyPkcs1(): Uint8Array;
}

const oids = {
  ecPublicKey: '1.2.840.10045.2.1',
  secp256r1: '1.2.840.10045.3.1.7',
  secp256k1: '1.3.132.0.10',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

const rsaPssSaltLength = 32;

function jwkBytes(jwk: JWK, member: 'x' | 'y' | 'd' | 'n' | 'e'): Uint8Array {
  const value = jwk[member];
  if (typeof value !== 'string') throw new TypeError(`JWK member "${member}" is missing`);
  return base64url.decode(value);
}

/** Strips the members that would tie a JWK to one Web Crypto usage, so it stays portable. */
function portableJwk(jwk: JWK): JWK {
  const { kty, crv, x, y, d, n, e, p, q, dp, dq, qi } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, d, n, e, p, q, dp, dq, qi }).filter(([, value]) => value !== undefined),
  ) as JWK;
}

/** Low-level: r‖s (each `half` bytes) to DER SEQUENCE{INTEGER r, INTEGER s}. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return derSequence(derUnsignedInteger(raw.subarray(0, half)), derUnsignedInteger(raw.subarray(half)));
}

function encodeSignature(keyType: KeyType, raw: Uint8Array, encoding: SignatureEncoding): Uint8Array {
  if (encoding === 'raw') return raw;
  // RSA DER signatures are an OCTET STRING around S (UAF registry, ALG_SIGN_*_DER).
  return keyType === 'rsa' ? derOctetString(raw) : ecdsaRawToDer(raw);
}

function webCryptoImportParams(spec: SigningKeySpec): webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams {
  return spec.keyType === 'rsa'
    ? { name: spec.scheme, hash: 'SHA-256' }
    : { name: 'ECDSA', namedCurve: 'P-256' };
}

function webCryptoSignParams(spec: SigningKeySpec): webcrypto.EcdsaParams | webcrypto.RsaPssParams | webcrypto.AlgorithmIdentifier {
  if (spec.scheme === 'RSA-PSS') return { name: 'RSA-PSS', saltLength: rsaPssSaltLength };
  if (spec.scheme === 'RSASSA-PKCS1-v1_5') return { name: 'RSASSA-PKCS1-v1_5' };
  return { name: 'ECDSA', hash: 'SHA-256' };
}

async function createRawSigner(spec: SigningKeySpec, jwk: JWK): Promise<(data: Uint8Array) => Promise<Uint8Array>> {
  if (spec.keyType === 'secp256k1') {
    const secretKey = jwkBytes(jwk, 'd');
    return async (data) => secp256k1.sign(data, secretKey, { prehash: true, lowS: true, format: 'compact' });
  }
  const key = await crypto.subtle.importKey('jwk', { ...jwk, ext: true }, webCryptoImportParams(spec), false, ['sign']);
  const params = webCryptoSignParams(spec);
  return async (data) => new Uint8Array(await crypto.subtle.sign(params, key, data));
}

/** Builds a signing key from a private JWK (`crv` "P-256" or "secp256k1", or `kty` "RSA"). */
export async function importSigningKey(spec: SigningKeySpec, privateJwk: JWK): Promise<SigningKey> {
  const jwk = portableJwk(privateJwk);
  const signRaw = await createRawSigner(spec, jwk);
  const publicKeyPkcs1 = (): Uint8Array => {
    if (spec.keyType !== 'rsa') throw new TypeError('PKCS#1 public keys exist only for RSA');
    return derSequence(derUnsignedInteger(jwkBytes(jwk, 'n')), derUnsignedInteger(jwkBytes(jwk, 'e')));
  };
  const publicKeyRaw = (): Uint8Array =>
    spec.keyType === 'rsa'
      ? concatBytes(jwkBytes(jwk, 'n'), jwkBytes(jwk, 'e'))
      : concatBytes(Uint8Array.of(0x04), jwkBytes(jwk, 'x'), jwkBytes(jwk, 'y'));
  return {
    ...spec,
    privateJwk: jwk,
    sign: async (data, encoding) => encodeSignature(spec.keyType, await signRaw(data), encoding),
    publicKeyRaw,
    publicKeyPkcs1,
    publicKeySpki: () =>
      spec.keyType === 'rsa'
        ? derSequence(derSequence(derObjectIdentifier(oids.rsaEncryption), derNull()), derBitString(publicKeyPkcs1()))
        : derSequence(
            derSequence(derObjectIdentifier(oids.ecPublicKey), derObjectIdentifier(oids[spec.keyType])),
            derBitString(publicKeyRaw()),
          ),
  };
}

async function generatePrivateJwk(spec: SigningKeySpec): Promise<JWK> {
  if (spec.keyType === 'secp256k1') {
    const secretKey = secp256k1.utils.randomSecretKey();
    const publicKey = secp256k1.getPublicKey(secretKey, false);
    return {
      kty: 'EC',
      crv: 'secp256k1',
      x: base64url.encode(publicKey.subarray(1, 33)),
      y: base64url.encode(publicKey.subarray(33)),
      d: base64url.encode(secretKey),
    };
  }
  const params =
    spec.keyType === 'rsa'
      ? { name: spec.scheme, hash: 'SHA-256', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1) }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return portableJwk(await crypto.subtle.exportKey('jwk', pair.privateKey));
}

/** Generates a fresh key pair (P-256 or RSA-2048 via Web Crypto, secp256k1 via noble). */
export async function generateSigningKey(spec: SigningKeySpec): Promise<SigningKey> {
  return importSigningKey(spec, await generatePrivateJwk(spec));
}
