import { describe, expect, it } from 'vitest';
import {
  Tag,
  buildAuthenticationPolicy,
  buildTransaction,
  encodeTlv,
  parseAuthenticationResponse,
  utf8,
  verifyAuthenticationResponse,
} from '../../../../uaf/index.js';
import type { ChannelBinding, Policy, Transaction } from '../../../../uaf/index.js';
import { otherP256Key } from '../fixtures/keys.js';
import {
  appID,
  authenticationResponse,
  challenge,
  defaultExchange,
  defaultProfile,
  facetID,
  keyID,
  metadataFor,
  profiles,
  storedCredential,
  type AssertionTweaks,
  type AuthenticationOptions,
  type Exchange,
} from '../fixtures/testAuthenticator.js';

const transaction = buildTransaction('Pay 100.00 CHF to Outband AG?');

interface VerifyChanges {
  storedCounter?: number;
  transaction?: Transaction;
  policy?: Policy;
  channelBinding?: ChannelBinding;
  credentials?: ReturnType<typeof storedCredential>[];
}

function verify(body: unknown, profile = defaultProfile, changes: VerifyChanges = {}) {
  return verifyAuthenticationResponse({
    response: parseAuthenticationResponse(body),
    expectedChallenge: challenge,
    appID,
    trustedFacetIds: [facetID],
    credentials: changes.credentials ?? [storedCredential(profile, changes.storedCounter ?? 0)],
    ...(changes.transaction && { transaction: changes.transaction }),
    ...(changes.policy && { policy: changes.policy }),
    ...(changes.channelBinding && { channelBinding: changes.channelBinding }),
    metadata: new Map(profiles.map((p) => [p.aaid, metadataFor(p)])),
  });
}

describe('verifyAuthenticationResponse round trips', () => {
  it.each(profiles.filter((p) => p.attestation === 'basicFull'))('accepts $aaid (alg $algorithm)', (profile) => {
    const result = verify(authenticationResponse(profile, defaultExchange(), { signCounter: 5 }), profile, { storedCounter: 4 });
    expect(result).toMatchObject({ aaid: profile.aaid, keyID, newSignCounter: 5, userVerified: true, transactionConfirmed: false, authenticationMode: 1, facetID });
  });

  it.each(profiles.filter((p) => p.attestation === 'basicFull'))('confirms a text/plain transaction with $aaid', (profile) => {
    const result = verify(authenticationResponse(profile, defaultExchange(), { transaction, signCounter: 1 }), profile, { transaction });
    expect(result).toMatchObject({ transactionConfirmed: true, authenticationMode: 2, newSignCounter: 1 });
  });

  it('accepts the confirmation of any one of several transactions offered', () => {
    const offered = [buildTransaction('Pay 1 CHF?'), transaction];
    const result = verifyAuthenticationResponse({
      response: parseAuthenticationResponse(authenticationResponse(defaultProfile, defaultExchange(), { transaction })),
      expectedChallenge: challenge,
      appID,
      trustedFacetIds: [facetID],
      credentials: [storedCredential()],
      transaction: offered,
    });
    expect(result.transactionConfirmed).toBe(true);
  });

  it('accepts counters that stay at zero when the authenticator keeps none', () => {
    expect(verify(authenticationResponse(defaultProfile, defaultExchange(), { signCounter: 0 })).newSignCounter).toBe(0);
  });

  it('accepts the user’s own keyIDs under a step-up policy', () => {
    const policy = buildAuthenticationPolicy({ registered: [{ aaid: defaultProfile.aaid, keyID }] });
    expect(verify(authenticationResponse(), defaultProfile, { policy }).keyID).toBe(keyID);
  });

  it('accepts the non-critical session extension echoed in the header', () => {
    const message = authenticationResponse();
    message[0].header.exts = [{ id: 'fidoUafSessionId', data: '3f1c2a9e-5b7d-4c1e-9a2b-7d4e6f8a0b1c', fail_if_unknown: false }];
    expect(verify(message).newSignCounter).toBe(1);
  });

  it('accepts a matching channel binding', () => {
    const exchange = defaultExchange({ finalChallengeParams: { appID, challenge, facetID, channelBinding: { serverEndPoint: 'abc' } } });
    expect(verify(authenticationResponse(defaultProfile, exchange), defaultProfile, { channelBinding: { serverEndPoint: 'abc' } }).aaid).toBe(defaultProfile.aaid);
  });
});

interface Row {
  rule: string;
  code: string;
  statusCode: number;
  exchange?: Partial<Exchange>;
  options?: AuthenticationOptions;
  tweaks?: AssertionTweaks;
  changes?: VerifyChanges;
  edit?: (message: any) => void;
}

const otherKeyId = 'T1RIRVItS0VZLUlELU9USEVSLUtFWS1JRC1PVEhFUi1LRVk';

const rows: Row[] = [
  { rule: 'upv 1.7', edit: (m) => (m.header.upv.minor = 7), code: 'unsupportedVersion', statusCode: 1498 },
  { rule: 'op "Reg"', edit: (m) => (m.header.op = 'Reg'), code: 'operationMismatch', statusCode: 1498 },
  { rule: 'missing assertionScheme', edit: (m) => delete m.assertions[0].assertionScheme, code: 'missingField', statusCode: 1498 },
  { rule: 'wrong challenge', exchange: { challenge: 'b3RoZXItY2hhbGxlbmdlLW90aGVyLWNoYWxsZW5nZQ' }, code: 'challengeMismatch', statusCode: 1498 },
  { rule: 'untrusted facet', exchange: { facetID: 'ios:bundle-id:evil' }, code: 'facetNotTrusted', statusCode: 1498 },
  {
    rule: 'channel binding mismatch',
    exchange: { finalChallengeParams: { appID, challenge, facetID, channelBinding: { tlsUnique: 'x' } } },
    changes: { channelBinding: { tlsUnique: 'y' } },
    code: 'channelBindingMismatch',
    statusCode: 1490,
  },
  { rule: 'FCHash of other data', tweaks: { replace: { [Tag.FINAL_CHALLENGE_HASH]: new Uint8Array(32).fill(1) } }, code: 'finalChallengeHashMismatch', statusCode: 1498 },
  { rule: 'signature corrupted', tweaks: { corruptSignature: true }, code: 'signatureInvalid', statusCode: 1498 },
  { rule: 'signed by another key', tweaks: { signingKey: otherP256Key.privateKey }, code: 'signatureInvalid', statusCode: 1498 },
  { rule: 'counter regression', options: { signCounter: 3 }, changes: { storedCounter: 7 }, code: 'counterNotIncreased', statusCode: 1401 },
  { rule: 'counter repeated', options: { signCounter: 7 }, changes: { storedCounter: 7 }, code: 'counterNotIncreased', statusCode: 1401 },
  { rule: 'counter reset to zero', options: { signCounter: 0 }, changes: { storedCounter: 7 }, code: 'counterNotIncreased', statusCode: 1401 },
  { rule: 'unknown keyID', changes: { credentials: [{ ...storedCredential(), keyID: otherKeyId }] }, code: 'unknownKeyId', statusCode: 1481 },
  { rule: 'unknown AAID', tweaks: { replace: { [Tag.AAID]: utf8.encode('FFFF#FC01') } }, code: 'unknownKeyId', statusCode: 1481 },
  { rule: 'algorithm not the registered one', changes: { credentials: [{ ...storedCredential(), authenticationAlgorithm: 2 }] }, code: 'algorithmMismatch', statusCode: 1498 },
  { rule: 'transaction hash mismatch', options: { transaction: buildTransaction('Pay 1 CHF') }, changes: { transaction }, code: 'transactionHashMismatch', statusCode: 1498 },
  { rule: 'transaction not shown', changes: { transaction }, code: 'authenticationModeInvalid', statusCode: 1498 },
  { rule: 'mode 0x02 without transaction', options: { mode: 2 }, code: 'authenticationModeInvalid', statusCode: 1498 },
  { rule: 'mode 0x00', options: { mode: 0 }, code: 'authenticationModeInvalid', statusCode: 1498 },
  { rule: 'transaction hash without transaction', tweaks: { replace: { [Tag.TRANSACTION_CONTENT_HASH]: new Uint8Array(32) } }, code: 'transactionHashMismatch', statusCode: 1498 },
  { rule: 'missing transaction hash tag', tweaks: { drop: [Tag.TRANSACTION_CONTENT_HASH] }, code: 'tlvMissingElement', statusCode: 1498 },
  { rule: 'missing authenticator nonce', tweaks: { drop: [Tag.AUTHENTICATOR_NONCE] }, code: 'tlvMissingElement', statusCode: 1498 },
  { rule: 'authenticator nonce under 8 bytes', tweaks: { replace: { [Tag.AUTHENTICATOR_NONCE]: new Uint8Array(4) } }, code: 'tlvInvalidValueLength', statusCode: 1498 },
  { rule: 'ASSERTION_INFO of 7 bytes', tweaks: { replace: { [Tag.ASSERTION_INFO]: new Uint8Array(7) } }, code: 'tlvInvalidValueLength', statusCode: 1498 },
  { rule: 'COUNTERS of 8 bytes', tweaks: { replace: { [Tag.COUNTERS]: new Uint8Array(8) } }, code: 'tlvInvalidValueLength', statusCode: 1498 },
  { rule: 'KEYID empty', tweaks: { replace: { [Tag.KEYID]: new Uint8Array(0) } }, code: 'tlvInvalidValueLength', statusCode: 1498 },
  { rule: 'trailing bytes', tweaks: { trailing: Uint8Array.of(0) }, code: 'tlvTruncated', statusCode: 1498 },
  { rule: 'registration tag at top', edit: (m) => (m.assertions[0].assertion = 'AT4AAA'), code: 'tlvUnexpectedTag', statusCode: 1498 },
  { rule: 'critical TLV extension', tweaks: { append: [encodeTlv(Tag.EXTENSION, encodeTlv(Tag.EXTENSION_ID, utf8.encode('x')))] }, code: 'unknownCriticalExtension', statusCode: 1498 },
  {
    rule: 'policy naming another keyID',
    changes: { policy: buildAuthenticationPolicy({ registered: [{ aaid: defaultProfile.aaid, keyID: otherKeyId }] }) },
    code: 'policyMismatch',
    statusCode: 1492,
  },
  {
    rule: 'policy needing fingerprint with ALL and passcode',
    changes: { policy: { accepted: [[{ userVerification: 0x400 | 0x2 | 0x4, authenticationAlgorithms: [1], assertionSchemes: ['UAFV1TLV'] }]] } },
    code: 'policyMismatch',
    statusCode: 1492,
  },
];

describe('verifyAuthenticationResponse refusals', () => {
  it('accepts the unbroken base', () => {
    expect(verify(authenticationResponse()).newSignCounter).toBe(1);
  });

  it.each(rows)('rejects $rule with $code', ({ exchange, options, tweaks, changes, edit, code, statusCode }) => {
    const message = authenticationResponse(defaultProfile, defaultExchange(exchange), options, tweaks);
    if (edit) edit(message[0]);
    expect(() => verify(message, defaultProfile, changes)).toThrow(expect.objectContaining({ code, statusCode }));
  });
});
