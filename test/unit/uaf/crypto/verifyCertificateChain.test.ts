import { describe, expect, it } from 'vitest';
import { verifyCertificateChain } from '../../../../uaf/index.js';
import { buildCertificate } from '../fixtures/certificates.js';
import { attestationPki, now, otherP256Key } from '../fixtures/keys.js';

const { rootKey, root, leafKey, leaf, expiredLeaf } = attestationPki.secp256r1;
const valid = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') };
// root → intermediate → attestation leaf, and a variant whose intermediate is not a CA.
const intermediateKey = otherP256Key;
const intermediate = buildCertificate({ subject: 'Intermediate', issuer: 'Outband Test Root secp256r1', publicKey: intermediateKey.publicKey, signingKey: rootKey.privateKey, ca: true, serial: 10, ...valid });
const notCa = buildCertificate({ subject: 'Intermediate', issuer: 'Outband Test Root secp256r1', publicKey: intermediateKey.publicKey, signingKey: rootKey.privateKey, serial: 11, ...valid });
const underIntermediate = buildCertificate({ subject: 'Leaf', issuer: 'Intermediate', publicKey: leafKey.publicKey, signingKey: intermediateKey.privateKey, serial: 12, ...valid });
const expiredRoot = buildCertificate({ subject: 'Outband Test Root secp256r1', issuer: 'Outband Test Root secp256r1', publicKey: rootKey.publicKey, signingKey: rootKey.privateKey, ca: true, notBefore: new Date('2010-01-01T00:00:00Z'), notAfter: new Date('2011-01-01T00:00:00Z') });

describe('verifyCertificateChain', () => {
  it.each([
    { rule: 'a leaf issued by a root', chain: [leaf], roots: [root] },
    { rule: 'a leaf via an intermediate CA', chain: [underIntermediate, intermediate], roots: [root] },
    { rule: 'a chain ending in the root itself', chain: [leaf, root], roots: [root] },
    { rule: 'a leaf that is the trust anchor', chain: [leaf], roots: [leaf] },
    { rule: 'an expired trust anchor (RFC 5280: anchors are not time-checked)', chain: [leaf], roots: [expiredRoot] },
  ])('accepts $rule', ({ chain, roots }) => {
    expect(new Uint8Array(verifyCertificateChain({ chain, roots, now }).raw)).toEqual(new Uint8Array(chain[0]!));
  });

  it.each([
    { rule: 'no certificate', chain: [], roots: [root], code: 'attestationCertificateInvalid' },
    { rule: 'garbage', chain: [Uint8Array.of(1, 2, 3)], roots: [root], code: 'attestationCertificateInvalid' },
    { rule: 'an expired leaf', chain: [expiredLeaf], roots: [root], code: 'attestationCertificateExpired' },
    { rule: 'a missing intermediate', chain: [underIntermediate], roots: [root], code: 'attestationChainUntrusted' },
    { rule: 'a reversed chain', chain: [intermediate, underIntermediate], roots: [root], code: 'attestationChainUntrusted' },
    { rule: 'an intermediate that is not a CA', chain: [underIntermediate, notCa], roots: [root], code: 'attestationChainUntrusted' },
    { rule: 'another root', chain: [leaf], roots: [attestationPki.secp256k1.root], code: 'attestationChainUntrusted' },
    { rule: 'no roots', chain: [leaf], roots: [], code: 'attestationChainUntrusted' },
  ])('rejects $rule', ({ chain, roots, code }) => {
    expect(() => verifyCertificateChain({ chain, roots, now })).toThrow(expect.objectContaining({ code, statusCode: 1496 }));
  });

  it('uses the injected clock only', () => {
    expect(() => verifyCertificateChain({ chain: [leaf], roots: [root], now: new Date('2023-12-31T23:59:59Z') })).toThrow(
      expect.objectContaining({ code: 'attestationCertificateExpired' }),
    );
    expect(verifyCertificateChain({ chain: [expiredLeaf], roots: [root], now: new Date('2022-06-01T00:00:00Z') }).serialNumber).toBe('03');
  });
});
