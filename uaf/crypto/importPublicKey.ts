import { createPublicKey, type KeyObject } from 'node:crypto';
import { AssertionRejected } from '../errors.js';
import { AlgKey } from '../registry.js';
import * as base64url from '../encoding/base64url.js';
import { decodeCoseKey } from './decodeCoseKey.js';
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

// Speed: OpenSSL 3 decodes DER keys slowly (≈180 µs for P-256, ≈240 µs for RSA) while JWK import
// is ≈100 µs and ≈17 µs, so the common SPKI layouts are rewritten as JWK. secp256k1 stays DER
// (its JWK import is the slower one). JWK import still checks the point is on the curve.
const p256SpkiPrefix = ecSpkiPrefixes.secp256r1;
const rsa2048SpkiPrefix = Uint8Array.from(Buffer.from('30820122300d06092a864886f70d01010105000382010f003082010a0282010100', 'hex'));
const rsa2048SpkiSuffix = Uint8Array.from([0x02, 0x03, 0x01, 0x00, 0x01]);

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

function p256Point(point: Uint8Array): KeyObject {
  const jwk = { kty: 'EC', crv: 'P-256', x: base64url.encode(point.subarray(1, 33)), y: base64url.encode(point.subarray(33, 65)) };
  return createPublicKey({ key: jwk, format: 'jwk' });
}

function rsaModulus(n: Uint8Array, e: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'RSA', n: base64url.encode(n), e: base64url.encode(e) }, format: 'jwk' });
}

function spki(bytes: Uint8Array): KeyObject {
  if (bytes.length === p256SpkiPrefix.length + 65 && startsWith(bytes, p256SpkiPrefix) && bytes[p256SpkiPrefix.length] === 0x04) {
    return p256Point(bytes.subarray(p256SpkiPrefix.length));
  }
  const rsaLength = rsa2048SpkiPrefix.length + 256 + rsa2048SpkiSuffix.length;
  if (bytes.length === rsaLength && startsWith(bytes, rsa2048SpkiPrefix) && startsWith(bytes, rsa2048SpkiSuffix, rsaLength - 5)) {
    return rsaModulus(bytes.subarray(rsa2048SpkiPrefix.length, rsa2048SpkiPrefix.length + 256), rsa2048SpkiSuffix.subarray(2));
  }
  return createPublicKey({ key: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), format: 'der', type: 'spki' });
}

/** Key decoders by `publicKeyAlgAndEncoding` (FIDO Registry §3.6.2). They throw on bad input. */
const publicKeyDecoders: Readonly<Record<number, PublicKeyDecoder>> = {
  // ALG_KEY_ECC_X962_RAW: 04‖X‖Y; the curve comes from the signature algorithm.
  [AlgKey.ECC_X962_RAW]: ({ bytes, keyKind }) => {
    if (keyKind === 'rsa' || bytes.length !== 65 || bytes[0] !== 0x04) throw new Error('not an uncompressed point');
    if (keyKind === 'secp256r1') return p256Point(bytes);
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
    return rsaModulus(bytes.subarray(0, 256), bytes.subarray(256));
  },
  // ALG_KEY_COSE (FIDO Registry 2.x): a COSE_Key map, EC2 or RSA.
  [AlgKey.COSE]: ({ bytes }) => {
    const cose = decodeCoseKey(bytes);
    if (cose === undefined) throw new Error('not a COSE_Key');
    if (cose.kty === 'RSA') return rsaModulus(cose.n, cose.e);
    const point = Uint8Array.of(0x04, ...cose.x, ...cose.y);
    if (cose.crv === 'P-256') return p256Point(point);
    return publicKeyDecoders[AlgKey.ECC_X962_RAW]!({ bytes: point, keyKind: 'secp256k1' });
  },
  // ALG_KEY_RSA_2048_DER: the registry says PKCS#1 RSAPublicKey; real authenticators send SPKI, so both.
  [AlgKey.RSA_2048_DER]: ({ bytes }) => {
    try {
      return spki(bytes);
    } catch {
      return createPublicKey({ key: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), format: 'der', type: 'pkcs1' });
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
