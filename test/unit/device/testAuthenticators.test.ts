import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testAttestationCa, testAuthenticatorProfiles } from '../../../device/testAuthenticators.js';
import { verifyCertificateChain } from '../../../uaf/crypto/verifyCertificateChain.js';
import * as base64 from '../../../uaf/encoding/base64.js';
import { AttestationType } from '../../../uaf/registry.js';
import { metadata } from './relyingParty.js';

const root = base64.decode(testAttestationCa.certificate);
const fullProfiles = testAuthenticatorProfiles.filter(
  ({ metadataStatement }) => metadataStatement.attestationTypes[0] === AttestationType.BASIC_FULL,
);

describe('the test attestation CA', () => {
  it('is a self-signed CA valid 2026-01-01 → 2046-01-01', () => {
    const certificate = new X509Certificate(root);
    expect(testAttestationCa.validity).toEqual({ notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2046-01-01T00:00:00.000Z' });
    expect([certificate.ca, certificate.verify(certificate.publicKey), certificate.subject === certificate.issuer]).toEqual([true, true, true]);
    expect(new Date(certificate.validFrom).toISOString()).toBe(testAttestationCa.validity.notBefore);
    expect(new Date(certificate.validTo).toISOString()).toBe(testAttestationCa.validity.notAfter);
  });
});

describe('the phone-side profiles', () => {
  it.each(testAuthenticatorProfiles.map(({ metadataStatement }) => ({ aaid: metadataStatement.aaid, metadataStatement })))(
    '$aaid carries the very statement the server loads from metadata/',
    ({ aaid, metadataStatement }) => {
      expect(metadata.get(aaid)).toEqual(metadataStatement);
    },
  );
});

describe.each(fullProfiles.map(({ metadataStatement, attestation }) => ({ aaid: metadataStatement.aaid, attestation })))(
  'the attestation certificate of $aaid',
  ({ aaid, attestation }) => {
    const chain = (attestation?.certificateChain ?? []).map((certificate) => base64.decode(certificate));

    it('chains to the root that its metadata statement lists', () => {
      expect(metadata.get(aaid)?.attestationRootCertificates).toEqual([testAttestationCa.certificate]);
      const leaf = verifyCertificateChain({ chain, roots: [root], now: new Date('2030-01-01T00:00:00Z') });
      expect(leaf.subject).toContain(`CN=Outband Test Authenticator ${aaid}`);
    });

    it('is refused after it expires', () => {
      expect(() => verifyCertificateChain({ chain, roots: [root], now: new Date('2046-01-02T00:00:00Z') })).toThrow(
        expect.objectContaining({ code: 'attestationCertificateExpired', statusCode: 1496 }),
      );
    });
  },
);
