import { describe, expect, it } from 'vitest';
import { buildAuthenticationPolicy, buildRegistrationPolicy, matchCriteria, matchPolicy } from '../../../../uaf/index.js';
import type { AuthenticatorFacts, MatchCriteria } from '../../../../uaf/index.js';
import { defaultProfile, metadataFor } from '../fixtures/testAuthenticator.js';

// Metadata of the default profile: UV fingerprint or passcode (two alternatives), software key and
// matcher, internal attachment, tcDisplay ANY, alg 1, Basic Full.
const facts: AuthenticatorFacts = {
  aaid: defaultProfile.aaid,
  keyID: 'a2V5LTE',
  authenticationAlgorithm: 1,
  assertionScheme: 'UAFV1TLV',
  attestationType: 0x3e07,
  authenticatorVersion: 1,
  metadata: metadataFor(defaultProfile),
};

describe('matchCriteria', () => {
  it.each<[string, MatchCriteria, boolean]>([
    ['aaid listed', { aaid: [defaultProfile.aaid] }, true],
    ['aaid in other case', { aaid: [defaultProfile.aaid.toLowerCase()] }, true],
    ['aaid not listed', { aaid: ['FFFF#FC01'] }, false],
    ['vendorID', { vendorID: [defaultProfile.aaid.slice(0, 4)] }, true],
    ['other vendorID', { vendorID: ['FFFF'] }, false],
    ['keyID listed', { aaid: [defaultProfile.aaid], keyIDs: ['a2V5LTE'] }, true],
    ['keyID not listed', { aaid: [defaultProfile.aaid], keyIDs: ['a2V5LTI'] }, false],
    ['algorithm and scheme', { authenticationAlgorithms: [1, 3], assertionSchemes: ['UAFV1TLV'] }, true],
    ['other algorithm', { authenticationAlgorithms: [2], assertionSchemes: ['UAFV1TLV'] }, false],
    ['fingerprint or face', { userVerification: 0x2 | 0x10 }, true],
    ['face only', { userVerification: 0x10 }, false],
    ['fingerprint and passcode together (ALL)', { userVerification: 0x400 | 0x2 | 0x4 }, false],
    ['fingerprint alone with ALL', { userVerification: 0x400 | 0x2 }, true],
    ['software key protection', { keyProtection: 0x1 }, true],
    ['hardware key protection', { keyProtection: 0x2 }, false],
    ['external attachment', { attachmentHint: 0x2 }, false],
    ['attestation Basic Full', { attestationTypes: [0x3e07] }, true],
    ['attestation Basic Surrogate', { attestationTypes: [0x3e08] }, false],
    ['version 1 or above', { authenticatorVersion: 1 }, true],
    ['version 2 or above', { authenticatorVersion: 2 }, false],
  ])('%s → %s', (_, criteria, expected) => {
    expect(matchCriteria(criteria, facts)).toBe(expected);
  });

  it('does not match UV criteria without metadata', () => {
    const { metadata: _, ...bare } = facts;
    expect(matchCriteria({ userVerification: 2 }, bare)).toBe(false);
  });
});

describe('matchPolicy', () => {
  const second: AuthenticatorFacts = { ...facts, aaid: 'FFFF#FC01', keyID: 'a2V5LTI' };

  it('picks the first accepted alternative that is met', () => {
    expect(matchPolicy({ accepted: [[{ aaid: ['FFFF#FC01'] }], [{ aaid: [facts.aaid] }]] }, [facts])).toEqual({ acceptedIndex: 1 });
  });

  it('needs a distinct authenticator per criteria set in one alternative', () => {
    const both = { accepted: [[{ userVerification: 2 }, { userVerification: 4 }]] };
    expect(() => matchPolicy(both, [facts])).toThrow(expect.objectContaining({ code: 'policyMismatch', statusCode: 1492 }));
    expect(matchPolicy(both, [facts, second])).toEqual({ acceptedIndex: 0 });
  });

  it('refuses a disallowed authenticator even when accepted', () => {
    const policy = buildRegistrationPolicy({ accepted: [[{ userVerification: 2 }]], registered: [{ aaid: facts.aaid, keyID: facts.keyID }] });
    expect(policy.disallowed).toEqual([{ aaid: [facts.aaid], keyIDs: [facts.keyID] }]);
    expect(() => matchPolicy(policy, [facts])).toThrow(expect.objectContaining({ code: 'authenticatorDisallowed', statusCode: 1492 }));
  });

  it('builds a step-up policy naming the user’s keys by AAID', () => {
    const policy = buildAuthenticationPolicy({ registered: [{ aaid: facts.aaid, keyID: 'k1' }, { aaid: facts.aaid, keyID: 'k2' }, { aaid: 'FFFF#FC01', keyID: 'k3' }] });
    expect(policy).toEqual({ accepted: [[{ aaid: [facts.aaid], keyIDs: ['k1', 'k2'] }], [{ aaid: ['FFFF#FC01'], keyIDs: ['k3'] }]] });
    expect(buildAuthenticationPolicy({ accepted: [[{ aaid: ['X'] }]] })).toEqual({ accepted: [[{ aaid: ['X'] }]] });
  });
});
