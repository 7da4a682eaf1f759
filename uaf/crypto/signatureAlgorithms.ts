import { constants, verify, type KeyObject } from 'node:crypto';
import type { AlgSignName } from '../registry.js';
import { unwrapDerOctetString } from './unwrapDerOctetString.js';

/** The key a signature algorithm needs: a named curve or RSA. */
export type KeyKind = 'secp256r1' | 'secp256k1' | 'rsa';

/** What every algorithm verifier receives. */
export interface SignatureVerifierOptions {
  publicKey: KeyObject;
  data: Uint8Array;
  signature: Uint8Array;
}

export interface SignatureAlgorithm {
  name: AlgSignName;
  keyKind: KeyKind;
  /** True when the signature verifies; never throws. */
  verify(options: SignatureVerifierOptions): boolean;
}

function ecdsa(encoding: 'ieee-p1363' | 'der') {
  return ({ publicKey, data, signature }: SignatureVerifierOptions): boolean =>
    (encoding === 'der' || signature.length === 64) &&
    safeVerify(() => verify('sha256', data, { key: publicKey, dsaEncoding: encoding }, signature));
}

function rsa(padding: 'pss' | 'pkcs1', der: boolean) {
  return ({ publicKey, data, signature }: SignatureVerifierOptions): boolean => {
    const raw = der ? unwrapDerOctetString(signature) : signature;
    if (raw === undefined) return false;
    const key =
      padding === 'pss'
        ? // RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (FIDO Registry §3.6.1).
          { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
        : { key: publicKey, padding: constants.RSA_PKCS1_PADDING };
    return safeVerify(() => verify('sha256', data, key, raw));
  };
}

function safeVerify(run: () => boolean): boolean {
  try {
    return run();
  } catch {
    return false;
  }
}

/**
 * The UAF 1.1 signature algorithms this server verifies (FIDO Registry §3.6.1), by
 * `authenticationAlgorithm`. "RAW" is r‖s (ECDSA) or S (RSA); "DER" is an ECDSA-Sig-Value
 * SEQUENCE or an OCTET STRING around S. SM2 (0x0007) is not supported.
 */
export const signatureAlgorithms: Readonly<Record<number, SignatureAlgorithm>> = {
  0x0001: { name: 'SECP256R1_ECDSA_SHA256_RAW', keyKind: 'secp256r1', verify: ecdsa('ieee-p1363') },
  0x0002: { name: 'SECP256R1_ECDSA_SHA256_DER', keyKind: 'secp256r1', verify: ecdsa('der') },
  0x0003: { name: 'RSASSA_PSS_SHA256_RAW', keyKind: 'rsa', verify: rsa('pss', false) },
  0x0004: { name: 'RSASSA_PSS_SHA256_DER', keyKind: 'rsa', verify: rsa('pss', true) },
  0x0005: { name: 'SECP256K1_ECDSA_SHA256_RAW', keyKind: 'secp256k1', verify: ecdsa('ieee-p1363') },
  0x0006: { name: 'SECP256K1_ECDSA_SHA256_DER', keyKind: 'secp256k1', verify: ecdsa('der') },
  0x0008: { name: 'RSA_EMSA_PKCS1_SHA256_RAW', keyKind: 'rsa', verify: rsa('pkcs1', false) },
  0x0009: { name: 'RSA_EMSA_PKCS1_SHA256_DER', keyKind: 'rsa', verify: rsa('pkcs1', true) },
};

/** The verifier for `algorithm`, or undefined when this server does not support it. */
export function findSignatureAlgorithm(algorithm: number): SignatureAlgorithm | undefined {
  return Object.hasOwn(signatureAlgorithms, algorithm) ? signatureAlgorithms[algorithm] : undefined;
}
