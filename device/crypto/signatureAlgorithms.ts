import { AlgKey, AlgSign } from '../../uaf/registry.js';
import type { SignatureEncoding, SigningKey, SigningKeySpec } from './signingKey.js';

// What the phone needs to know about each UAF signature algorithm it implements: which key,
// which Web Crypto scheme, which signature layout. SM2 (0x0007) is not implemented.

export type DeviceAlgSign = Exclude<AlgSign, typeof AlgSign.SM2_SM3_RAW>;

export interface DeviceSignatureAlgorithm extends SigningKeySpec {
  readonly encoding: SignatureEncoding;
}

export const deviceSignatureAlgorithms: Readonly<Record<DeviceAlgSign, DeviceSignatureAlgorithm>> = {
  [AlgSign.SECP256R1_ECDSA_SHA256_RAW]: { keyType: 'secp256r1', scheme: 'ecdsa', encoding: 'raw' },
  [AlgSign.SECP256R1_ECDSA_SHA256_DER]: { keyType: 'secp256r1', scheme: 'ecdsa', encoding: 'der' },
  [AlgSign.RSASSA_PSS_SHA256_RAW]: { keyType: 'rsa', scheme: 'RSA-PSS', encoding: 'raw' },
  [AlgSign.RSASSA_PSS_SHA256_DER]: { keyType: 'rsa', scheme: 'RSA-PSS', encoding: 'der' },
  [AlgSign.SECP256K1_ECDSA_SHA256_RAW]: { keyType: 'secp256k1', scheme: 'ecdsa', encoding: 'raw' },
  [AlgSign.SECP256K1_ECDSA_SHA256_DER]: { keyType: 'secp256k1', scheme: 'ecdsa', encoding: 'der' },
  [AlgSign.RSA_EMSA_PKCS1_SHA256_RAW]: { keyType: 'rsa', scheme: 'RSASSA-PKCS1-v1_5', encoding: 'raw' },
  [AlgSign.RSA_EMSA_PKCS1_SHA256_DER]: { keyType: 'rsa', scheme: 'RSASSA-PKCS1-v1_5', encoding: 'der' },
};

/** True when the phone implements `alg`. Never throws. */
export function isDeviceAlgSign(alg: number): alg is DeviceAlgSign {
  return Object.hasOwn(deviceSignatureAlgorithms, alg);
}

/** The device's view of an algorithm; throws a TypeError for one it does not implement. */
export function deviceSignatureAlgorithm(alg: number): DeviceSignatureAlgorithm {
  if (!isDeviceAlgSign(alg)) throw new TypeError(`Signature algorithm 0x${alg.toString(16).padStart(4, '0')} is not implemented by the device`);
  return deviceSignatureAlgorithms[alg];
}

/** UAuth.pub (or an attestation key) in a UAF public key encoding (FIDO Registry §3.6.2). */
export function encodePublicKey(key: SigningKey, algKey: AlgKey): Uint8Array {
  switch (algKey) {
    case AlgKey.ECC_X962_RAW:
    case AlgKey.RSA_2048_RAW:
      return key.publicKeyRaw();
    case AlgKey.ECC_X962_DER:
      return key.publicKeySpki();
    case AlgKey.RSA_2048_DER:
      // The registry defines ALG_KEY_RSA_2048_DER as PKCS#1 RSAPublicKey.
      return key.publicKeyPkcs1();
    case AlgKey.COSE:
      throw new TypeError('COSE public keys are not a UAF 1.1 encoding');
  }
}
