import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  base64url,
  buildAuthenticationRequest,
  buildChallenge,
  buildDeregistrationRequest,
  buildRegistrationRequest,
  buildTransaction,
  transactionContentHash,
  utf8,
} from '../../../../uaf/index.js';

/** A deterministic random source for tests: counts upwards. */
const counting = (length: number) => Uint8Array.from({ length }, (_, i) => i);
const appID = 'https://outband.test/nevisfido/uaf/1.1/facets';
const challenge = buildChallenge(counting);
const policy = { accepted: [[{ authenticationAlgorithms: [1], assertionSchemes: ['UAFV1TLV'] }]] };
const keyID = base64url.encode(new Uint8Array(32).fill(1));

describe('buildChallenge', () => {
  it('encodes 32 bytes of the injected random source as base64url', () => {
    expect(base64url.decode(challenge)).toEqual(counting(32));
    expect(challenge).toHaveLength(43);
  });

  it.each([
    { rule: 'too short', run: () => buildChallenge(counting, 16) },
    { rule: 'too long', run: () => buildChallenge(counting, 65) },
    { rule: 'a source returning fewer bytes', run: () => buildChallenge(() => new Uint8Array(8)) },
  ])('refuses $rule', ({ run }) => {
    expect(run).toThrow(expect.objectContaining({ code: 'invalidArgument' }));
  });
});

describe('request builders', () => {
  it('builds a RegistrationRequest with upv 1.1 and serverData', () => {
    expect(buildRegistrationRequest({ appID, serverData: 'sd', challenge, username: 'alice', policy })).toEqual({
      header: { upv: { major: 1, minor: 1 }, op: 'Reg', appID, serverData: 'sd' },
      challenge,
      username: 'alice',
      policy,
    });
  });

  it('builds an AuthenticationRequest with a transaction and the session extension', () => {
    const transaction = [buildTransaction('Pay 10 CHF?')];
    const exts = [{ id: 'fidoUafSessionId', data: 'c2Vzc2lvbi0x', fail_if_unknown: false }];
    const request = buildAuthenticationRequest({ appID, challenge, policy, transaction, exts });
    expect(request.header).toEqual({ upv: { major: 1, minor: 1 }, op: 'Auth', appID, exts });
    expect(utf8.decode(base64url.decode(request.transaction![0]!.content))).toBe('Pay 10 CHF?');
    // The hash is over the text bytes shown, not over the base64url string.
    expect(transactionContentHash(request.transaction![0]!)).toEqual(new Uint8Array(createHash('sha256').update('Pay 10 CHF?').digest()));
  });

  it.each([
    { scope: 'one key', authenticators: [{ aaid: 'ABCD#ABCD', keyID }] },
    { scope: 'every key of an AAID', authenticators: [{ aaid: 'ABCD#ABCD', keyID: '' }] },
    { scope: 'everything', authenticators: [{ aaid: '', keyID: '' }] },
  ])('builds a DeregistrationRequest for $scope', ({ authenticators }) => {
    expect(buildDeregistrationRequest({ appID, authenticators })).toEqual({ header: { upv: { major: 1, minor: 1 }, op: 'Dereg', appID }, authenticators });
  });

  it.each([
    { rule: 'empty username', run: () => buildRegistrationRequest({ appID, challenge, username: '', policy }) },
    { rule: 'username over 128', run: () => buildRegistrationRequest({ appID, challenge, username: 'u'.repeat(129), policy }) },
    { rule: 'short challenge', run: () => buildRegistrationRequest({ appID, challenge: 'abc', username: 'a', policy }) },
    { rule: 'appID over 512', run: () => buildAuthenticationRequest({ appID: `https://${'a'.repeat(510)}`, challenge, policy }) },
    { rule: 'serverData over 1536', run: () => buildAuthenticationRequest({ appID, serverData: 's'.repeat(1537), challenge, policy }) },
    { rule: 'extension id over 32', run: () => buildAuthenticationRequest({ appID, challenge, policy, exts: [{ id: 'x'.repeat(33), data: '', fail_if_unknown: false }] }) },
    { rule: 'empty transaction list', run: () => buildAuthenticationRequest({ appID, challenge, policy, transaction: [] }) },
    { rule: 'transaction over 200 characters', run: () => buildTransaction('x'.repeat(201)) },
    { rule: 'malformed dereg AAID', run: () => buildDeregistrationRequest({ appID, authenticators: [{ aaid: 'ABCD', keyID: '' }] }) },
    { rule: 'dereg keyID without AAID', run: () => buildDeregistrationRequest({ appID, authenticators: [{ aaid: '', keyID }] }) },
    { rule: 'dereg keyID under 32 bytes', run: () => buildDeregistrationRequest({ appID, authenticators: [{ aaid: 'ABCD#ABCD', keyID: 'AAAA' }] }) },
  ])('refuses $rule', ({ run }) => {
    expect(run).toThrow(expect.objectContaining({ code: 'invalidArgument', statusCode: 1500 }));
  });
});
