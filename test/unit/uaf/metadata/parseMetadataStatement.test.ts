import { describe, expect, it } from 'vitest';
import { parseMetadataStatement } from '../../../../uaf/index.js';
import { conformanceMetadataStatements } from '../fixtures/vectors.js';

const fc01 = conformanceMetadataStatements.find((s) => s.aaid === 'FFFF#FC01')!;

describe('parseMetadataStatement', () => {
  it('keeps members it does not use', () => {
    expect(parseMetadataStatement(fc01)._sourcePath).toBe('metadata/FFFF#FC01.json');
  });

  it.each([
    { rule: 'a malformed AAID', change: { aaid: 'FFFF-FC01' }, field: 'aaid' },
    { rule: 'an unsupported algorithm (SM2)', change: { authenticationAlgorithm: 7 }, field: 'authenticationAlgorithm' },
    { rule: 'an unknown key encoding', change: { publicKeyAlgAndEncoding: 0x105 }, field: 'publicKeyAlgAndEncoding' },
    { rule: 'ECDAA attestation', change: { attestationTypes: [0x3e09] }, field: 'attestationTypes[0]' },
    { rule: 'Basic Full without roots', change: { attestationRootCertificates: [] }, field: 'attestationRootCertificates' },
    { rule: 'a root that is not X.509', change: { attestationRootCertificates: ['MIIB'] }, field: 'attestationRootCertificates[0]' },
    { rule: 'another assertion scheme', change: { assertionScheme: 'UAFV2' }, field: 'assertionScheme' },
    { rule: 'a missing description', change: { description: undefined }, field: 'description' },
    { rule: 'tcDisplay without a content type', change: { tcDisplayContentType: undefined }, field: 'tcDisplayContentType' },
  ])('refuses $rule', ({ change, field }) => {
    expect(() => parseMetadataStatement({ ...fc01, ...change })).toThrow(expect.objectContaining({ code: 'metadataInvalid', statusCode: 1500, field }));
  });
});
