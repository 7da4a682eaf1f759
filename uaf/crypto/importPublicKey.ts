import { createPublicKey, type KeyObject } from 'node:crypto';
import { AssertionRejected } from '../errors.js';
import { AlgKey } from '../registry.js';
import * as base64url from '../encoding/base64url.js';
import type { KeyKind } from './signatureAlgorithms.js';

/** SubjectPublicKeyInfo prefixes for an uncompressed 65-byte X9.62 point (RFC 5480). */
const ecSpkiPrefixes: Record<'secp256r1' | 'secp256k1', Uint8Array> = {
  secp256r1: Uint8Array.from(Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex')),
  secp256k1: Uint8Array.from(Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex')),
};

const curveNames: Record<string, KeyKind> = { prime256v1: 'secp256r1', secp256k1: 'secp256k1' };

/** A key as one decoder sees it. */
export interface PublicKeyDecoderOptions {
  bytes: Uint8Array;
  keyKind: KeyKind;
}

type PublicKeyDecoder = (options: PublicKeyDecoderOptions) => KeyObject;

function spki(bytes: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), format: 'der', type: 'spki' });
}

/** Key decoders by `publicKeyAlgAndEncoding` (FIDO Registry §3.6.2). They throw on bad input. */
const publicKeyDecoders: Readonly<Record<number, PublicKeyDecoder>> = {
  // ALG_KEY_ECC_X962_RAW: 04‖X‖Y; the curve comes from the signature algorithm.
  [AlgKey.ECC_X962_RAW]: ({ bytes, keyKind }) => {
    if (keyKind === 'rsa' || bytes.length !== 65 || bytes[0] !== 0x04) throw new Error('not an uncompressed point');
    const prefix = ecSpkiPrefixes[keyKind];
    const der = new Uint8Array(prefix.length + bytes.length);
    der.set(prefix);
    der.set(bytes, prefix.length);
    return spki(der);
  },
  // ALG_KEY_ECC_X962_DER: SubjectPublicKeyInfo with a named curve.
  [AlgKey.ECC_X962_DER]: ({ bytes }) => spki(bytes),
  // ALG_KEY_RSA_2048_RAW: modulus n (256 bytes) followed by the exponent e.
  [AlgKey.RSA_2048_RAW]: ({ bytes }) => {
    if (bytes.length <= 256 || bytes.length > 256 + 8) throw new Error('not n‖e');
    const jwk = { kty: 'RSA', n: base64url.encode(bytes.subarray(0, 256)), e: base64url.encode(bytes.subarray(256)) };
    return createPublicKey({ key: jwk, format: 'jwk' });
  },
  // ALG_KEY_RSA_2048_DER: the registry says PKCS#1 RSAPublicKey; real authenticators send SPKI, so both.
  [AlgKey.RSA_2048_DER]: ({ bytes }) => {
    const der = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    try {
      return createPublicKey({ key: der, format: 'der', type: 'spki' });
    } catch {
      return createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
    }
  },
};

/** The kind of a Node key, or undefined for a kind UAF 1.1 does not use. */
export function keyKindOf(key: KeyObject): KeyKind | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'rsa';
  if (key.asymmetricKeyType === 'ec') return curveNames[key.asymmetricKeyDetails?.namedCurve ?? ''];
  return undefined;
}

/**
 * Decodes UAuth.pub in the announced `publicKeyAlgAndEncoding` and checks it suits the
 * signature algorithm's key kind (UAF Protocol §3.4.6.5: the key must be decodable as announced).
 * RSA keys must have a 2048-bit modulus.
 */
export function importPublicKey(bytes: Uint8Array, encoding: number, keyKind: KeyKind): KeyObject {
  const decoder = Object.hasOwn(publicKeyDecoders, encoding) ? publicKeyDecoders[encoding] : undefined;
  if (decoder === undefined) {
    throw new AssertionRejected('keyEncodingUnsupported', 'The public key encoding is not supported.', {
      field: 'publicKeyAlgAndEncoding',
      seen: encoding,
      expected: Object.keys(publicKeyDecoders).map(Number),
    });
  }
  let key: KeyObject;
  try {
    key = decoder({ bytes, keyKind });
  } catch (cause) {
    throw new AssertionRejected('publicKeyInvalid', 'The public key cannot be decoded in its announced encoding.', {
      field: 'PUB_KEY',
      seen: encoding,
      cause,
    });
  }
  const kind = keyKindOf(key);
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (kind !== keyKind || (kind === 'rsa' && bits !== 2048)) {
    throw new AssertionRejected('publicKeyInvalid', 'The public key does not suit the signature algorithm.', {
      field: 'PUB_KEY',
      seen: kind === 'rsa' ? `rsa-${bits}` : (kind ?? key.asymmetricKeyType),
      expected: keyKind === 'rsa' ? 'rsa-2048' : keyKind,
    });
  }
  return key;
}

/** Decodes a stored DER SubjectPublicKeyInfo (the form `exportSpki` produces) for `keyKind`. */
export function importSpki(spkiBytes: Uint8Array, keyKind: KeyKind): KeyObject {
  // ALG_KEY_ECC_X962_DER and ALG_KEY_RSA_2048_DER both accept SPKI; the RSA decoder takes either.
  return importPublicKey(spkiBytes, keyKind === 'rsa' ? AlgKey.RSA_2048_DER : AlgKey.ECC_X962_DER, keyKind);
}

/** The key as DER SubjectPublicKeyInfo, the form the server stores. */
export function exportSpki(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'spki' }));
}
