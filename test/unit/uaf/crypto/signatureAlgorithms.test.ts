import { constants, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AlgKey, findSignatureAlgorithm, importPublicKey, signatureAlgorithms } from '../../../../uaf/index.js';
import { otherP256Key, uauthKeys } from '../fixtures/keys.js';
import { encodePublicKey, signWith } from '../fixtures/testAuthenticator.js';

const data = new TextEncoder().encode('signed data');
const kindOf = (algorithm: number) => findSignatureAlgorithm(algorithm)!.keyKind;

describe('signatureAlgorithms', () => {
  it('covers 0x0001–0x0006, 0x0008 and 0x0009, not SM2', () => {
    expect(Object.keys(signatureAlgorithms).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 8, 9]);
    expect(findSignatureAlgorithm(7)).toBeUndefined();
  });

  it.each(Object.entries(signatureAlgorithms).map(([alg, spec]) => ({ alg: Number(alg), spec })))('$spec.name verifies its own signatures only', ({ alg, spec }) => {
    const { publicKey, privateKey } = uauthKeys[spec.keyKind];
    const signature = signWith(alg, privateKey, data);
    expect(spec.verify({ publicKey, data, signature })).toBe(true);
    expect(spec.verify({ publicKey, data: Uint8Array.of(...data, 0), signature })).toBe(false);
    expect(spec.verify({ publicKey, data, signature: signature.subarray(1) })).toBe(false);
  });

  // "raw" vs "DER" per FIDO Registry §3.6.1: the other encoding of a valid signature is refused.
  it.each([
    [1, 2],
    [2, 1],
    [5, 6],
    [6, 5],
    [3, 4],
    [4, 3],
    [8, 9],
    [9, 8],
  ])('alg %i refuses the encoding of alg %i', (alg, other) => {
    const { publicKey, privateKey } = uauthKeys[kindOf(alg)];
    expect(signatureAlgorithms[alg]!.verify({ publicKey, data, signature: signWith(other, privateKey, data) })).toBe(false);
  });

  it('RSASSA-PSS requires a 32-byte salt and refuses PKCS#1 v1.5', () => {
    const { publicKey, privateKey } = uauthKeys.rsa;
    const salt20 = sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 });
    expect(signatureAlgorithms[3]!.verify({ publicKey, data, signature: salt20 })).toBe(false);
    expect(signatureAlgorithms[3]!.verify({ publicKey, data, signature: signWith(8, privateKey, data) })).toBe(false);
  });
});

describe('importPublicKey', () => {
  it.each([
    [AlgKey.ECC_X962_RAW, 'secp256r1'],
    [AlgKey.ECC_X962_DER, 'secp256r1'],
    [AlgKey.ECC_X962_RAW, 'secp256k1'],
    [AlgKey.ECC_X962_DER, 'secp256k1'],
    [AlgKey.RSA_2048_RAW, 'rsa'],
    [AlgKey.RSA_2048_DER, 'rsa'],
    [AlgKey.COSE, 'secp256r1'],
    [AlgKey.COSE, 'secp256k1'],
    [AlgKey.COSE, 'rsa'],
  ] as const)('decodes encoding 0x%s for %s', (encoding, kind) => {
    const key = uauthKeys[kind].publicKey;
    expect(importPublicKey(encodePublicKey(key, encoding), encoding, kind).equals(key)).toBe(true);
  });

  it('accepts RSA DER as SubjectPublicKeyInfo too (RaonSecure sends SPKI)', () => {
    const key = uauthKeys.rsa.publicKey;
    expect(importPublicKey(encodePublicKey(key, AlgKey.ECC_X962_DER), AlgKey.RSA_2048_DER, 'rsa').equals(key)).toBe(true);
  });

  it.each([
    { rule: 'a P-256 point for a secp256k1 algorithm', bytes: encodePublicKey(otherP256Key.publicKey, AlgKey.ECC_X962_DER), encoding: AlgKey.ECC_X962_DER, kind: 'secp256k1', code: 'publicKeyInvalid' },
    { rule: 'a compressed point', bytes: Uint8Array.of(2, ...new Uint8Array(32).fill(1)), encoding: AlgKey.ECC_X962_RAW, kind: 'secp256r1', code: 'publicKeyInvalid' },
    { rule: 'an EC key for RSA', bytes: encodePublicKey(otherP256Key.publicKey, AlgKey.ECC_X962_DER), encoding: AlgKey.RSA_2048_DER, kind: 'rsa', code: 'publicKeyInvalid' },
    { rule: 'RSA raw of the wrong size', bytes: new Uint8Array(128), encoding: AlgKey.RSA_2048_RAW, kind: 'rsa', code: 'publicKeyInvalid' },
    { rule: 'a COSE map that is not a key', bytes: Uint8Array.of(0xa1, 0x01, 0x04), encoding: AlgKey.COSE, kind: 'secp256r1', code: 'publicKeyInvalid' },
    { rule: 'a COSE key with a declared length beyond the input', bytes: Uint8Array.of(0xa1, 0x21, 0x59, 0xff, 0xff), encoding: AlgKey.COSE, kind: 'secp256r1', code: 'publicKeyInvalid' },
    { rule: 'a COSE secp256k1 key for a P-256 algorithm', bytes: encodePublicKey(uauthKeys.secp256k1.publicKey, AlgKey.COSE), encoding: AlgKey.COSE, kind: 'secp256r1', code: 'publicKeyInvalid' },
    { rule: 'a COSE key with trailing bytes', bytes: Uint8Array.of(...encodePublicKey(otherP256Key.publicKey, AlgKey.COSE), 0), encoding: AlgKey.COSE, kind: 'secp256r1', code: 'publicKeyInvalid' },
    { rule: 'an unknown encoding', bytes: new Uint8Array(10), encoding: 0x0200, kind: 'secp256r1', code: 'keyEncodingUnsupported' },
  ] as const)('refuses $rule', ({ bytes, encoding, kind, code }) => {
    expect(() => importPublicKey(bytes, encoding, kind)).toThrow(expect.objectContaining({ code, statusCode: 1494 }));
  });
});
