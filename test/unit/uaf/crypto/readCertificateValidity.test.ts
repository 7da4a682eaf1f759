import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64, verifyCertificateChain } from '../../../../uaf/index.js';
import { readCertificateValidity } from '../../../../uaf/crypto/readCertificateValidity.js';
import { attestationPki } from '../fixtures/keys.js';
import { conformanceMetadataStatements } from '../fixtures/vectors.js';

const conformanceRoots = [...new Set(conformanceMetadataStatements.flatMap((s) => s.attestationRootCertificates as string[]))].map((text) => base64.decode(text));
const p256Root = base64.decode((conformanceMetadataStatements.find((s) => s.aaid === 'FFFF#FC01')!.attestationRootCertificates as string[])[0]!);

describe('readCertificateValidity', () => {
  it.each([...conformanceRoots, attestationPki.rsa.leaf, attestationPki.secp256k1.root].map((der, i) => [i, der] as const))('agrees with Node where Node can read the dates (#%i)', (_, der) => {
    const certificate = new X509Certificate(der);
    const validity = readCertificateValidity(der)!;
    if (!Number.isNaN(Date.parse(certificate.validFrom))) expect(validity.notBefore.getTime()).toBe(Date.parse(certificate.validFrom));
    expect(validity.notAfter.getTime()).toBe(Date.parse(certificate.validTo));
  });

  it('reads the conformance P-256 root’s impossible 2017-02-29 as 2017-03-01', () => {
    expect(new X509Certificate(p256Root).validFrom).toBe('Bad time value');
    expect(readCertificateValidity(p256Root)).toEqual({ notBefore: new Date('2017-03-01T14:31:12Z'), notAfter: new Date('2022-02-28T14:31:12Z') });
  });

  it('lets a chain ending in that root verify inside its validity, and not after', () => {
    expect(verifyCertificateChain({ chain: [p256Root], roots: [p256Root], now: new Date('2020-01-01T00:00:00Z') }).subject).toContain('FIDO Conformace Test Tools');
    expect(() => verifyCertificateChain({ chain: [p256Root], roots: [p256Root], now: new Date('2023-01-01T00:00:00Z') })).toThrow(
      expect.objectContaining({ code: 'attestationCertificateExpired' }),
    );
  });

  it.each([new Uint8Array(0), Uint8Array.of(0x30, 0x82, 0xff, 0xff), Uint8Array.of(0x30, 0x03, 0x30, 0x01, 0x00)])('returns undefined for non-certificates', (der) => {
    expect(readCertificateValidity(der)).toBeUndefined();
  });
});
