import { describe, expect, it } from 'vitest';
import { Tag, base64url, encodeTlv, parseRegistrationResponse, utf8, verifyRegistrationResponse } from '../../../../uaf/index.js';
import type { MetadataStatement, Policy } from '../../../../uaf/index.js';
import { attestationPki, now, otherP256Key } from '../fixtures/keys.js';
import {
  appID,
  challenge,
  defaultExchange,
  defaultProfile,
  facetID,
  keyID,
  metadataFor,
  profiles,
  registrationResponse,
  type AssertionTweaks,
  type Exchange,
} from '../fixtures/testAuthenticator.js';

const trustedFacetIds = [facetID, 'https://outband.test'];

function verify(body: unknown, changes: { metadata?: Map<string, MetadataStatement>; policy?: Policy; now?: Date } = {}) {
  return verifyRegistrationResponse({
    response: parseRegistrationResponse(body),
    expectedChallenge: challenge,
    appID,
    trustedFacetIds,
    metadata: changes.metadata ?? new Map(profiles.map((p) => [p.aaid, metadataFor(p)])),
    now: changes.now ?? now,
    ...(changes.policy && { policy: changes.policy }),
  });
}

describe('verifyRegistrationResponse round trips', () => {
  it.each(profiles)('accepts $aaid (alg $algorithm, key $keyEncoding, $attestation)', (profile) => {
    const { credentials, facetID: facet } = verify(registrationResponse(profile));
    expect(facet).toBe(facetID);
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({
      aaid: profile.aaid,
      keyID,
      authenticationAlgorithm: profile.algorithm,
      publicKeyAlgAndEncoding: profile.keyEncoding,
      attestationType: profile.attestation,
      signCounter: 0,
      regCounter: 0,
    });
    expect(credentials[0]!.attestationCertificate !== undefined).toBe(profile.attestation === 'basicFull');
  });

  it('picks the upv 1.1 element of a message with one element per version', () => {
    const [element] = registrationResponse();
    const older = { ...element, header: { ...element.header, upv: { major: 1, minor: 0 } }, assertions: [{ assertionScheme: 'UAFV1TLV', assertion: 'AQ' }] };
    expect(verify([older, element]).credentials[0]!.keyID).toBe(keyID);
    expect(() => verify([older])).toThrow(expect.objectContaining({ code: 'unsupportedVersion' }));
  });

  it('accepts a chain that carries the root after the leaf', () => {
    const { leaf, root } = attestationPki.secp256r1;
    const body = registrationResponse(defaultProfile, defaultExchange(), { certificates: [leaf, root] });
    expect(verify(body).credentials[0]!.attestationCertificate).toBe(base64url.encode(leaf));
  });
});

const fcp = { appID, challenge, facetID, channelBinding: {} };
const surrogate = profiles.find((p) => p.attestation === 'basicSurrogate')!;

interface Row {
  rule: string;
  code: string;
  statusCode: number;
  exchange?: Partial<Exchange>;
  tweaks?: AssertionTweaks;
  edit?: (message: any) => void;
  body?: unknown;
  profile?: typeof defaultProfile;
  metadata?: Map<string, MetadataStatement>;
  policy?: Policy;
}

const rows: Row[] = [
  // Envelope and header (conformance Reg-Resp-2/3)
  { rule: 'body is not an array', body: { header: {} }, code: 'invalidField', statusCode: 1498 },
  { rule: 'empty array', body: [], code: 'missingField', statusCode: 1498 },
  { rule: 'body is not JSON', body: '[{', code: 'invalidJson', statusCode: 1498 },
  { rule: 'upv 1.7', edit: (m) => (m.header.upv = { major: 1, minor: 7 }), code: 'unsupportedVersion', statusCode: 1498 },
  { rule: 'op "REG"', edit: (m) => (m.header.op = 'REG'), code: 'operationMismatch', statusCode: 1498 },
  { rule: 'op "Auth"', edit: (m) => (m.header.op = 'Auth'), code: 'operationMismatch', statusCode: 1498 },
  { rule: 'missing header', edit: (m) => delete m.header, code: 'missingField', statusCode: 1498 },
  { rule: 'missing fcParams', edit: (m) => delete m.fcParams, code: 'missingField', statusCode: 1498 },
  { rule: 'missing assertions', edit: (m) => delete m.assertions, code: 'missingField', statusCode: 1498 },
  { rule: 'empty assertions', edit: (m) => (m.assertions = []), code: 'invalidField', statusCode: 1498 },
  { rule: 'null header.op', edit: (m) => (m.header.op = null), code: 'invalidField', statusCode: 1498 },
  { rule: 'extra top-level field', edit: (m) => (m.extra = 1), code: 'unexpectedField', statusCode: 1498 },
  { rule: 'extra header field', edit: (m) => (m.header.foo = 'bar'), code: 'unexpectedField', statusCode: 1498 },
  { rule: 'exts not an array', edit: (m) => (m.header.exts = {}), code: 'invalidField', statusCode: 1498 },
  {
    rule: 'critical extension',
    edit: (m) => (m.header.exts = [{ id: 'x', data: '', fail_if_unknown: true }]),
    code: 'unknownCriticalExtension',
    statusCode: 1498,
  },
  { rule: 'header appID', edit: (m) => (m.header.appID = 'https://evil.test/facets'), code: 'appIdMismatch', statusCode: 1498 },
  // fcParams (Reg-Resp-2 F-4, Reg-Resp-4)
  { rule: 'fcParams padded', edit: (m) => (m.fcParams += '=='), code: 'invalidBase64url', statusCode: 1498 },
  { rule: 'fcParams not JSON', exchange: { fcParams: base64url.encode(utf8.encode('{')) }, code: 'invalidJson', statusCode: 1498 },
  { rule: 'wrong challenge', exchange: { challenge: 'b3RoZXItY2hhbGxlbmdlLW90aGVyLWNoYWxsZW5nZQ' }, code: 'challengeMismatch', statusCode: 1498 },
  { rule: 'fcParams appID', exchange: { finalChallengeParams: { ...fcp, appID: 'https://evil.test' } }, code: 'appIdMismatch', statusCode: 1498 },
  { rule: 'untrusted facet', exchange: { facetID: 'https://evil.test' }, code: 'facetNotTrusted', statusCode: 1498 },
  { rule: 'missing facetID', exchange: { finalChallengeParams: { appID, challenge, channelBinding: {} } }, code: 'missingField', statusCode: 1498 },
  { rule: 'empty challenge', exchange: { finalChallengeParams: { ...fcp, challenge: '' } }, code: 'invalidField', statusCode: 1498 },
  { rule: 'channelBinding null', exchange: { finalChallengeParams: { ...fcp, channelBinding: null } }, code: 'channelBindingInvalid', statusCode: 1498 },
  { rule: 'channelBinding ""', exchange: { finalChallengeParams: { ...fcp, channelBinding: '' } }, code: 'channelBindingInvalid', statusCode: 1498 },
  { rule: 'channelBinding missing', exchange: { finalChallengeParams: { appID, challenge, facetID } }, code: 'missingField', statusCode: 1498 },
  // Assertion envelope (Reg-Resp-5)
  { rule: 'assertion scheme', edit: (m) => (m.assertions[0].assertionScheme = 'UAFV2TLV'), code: 'unsupportedAssertionScheme', statusCode: 1498 },
  { rule: 'assertion not base64url', edit: (m) => (m.assertions[0].assertion += '=='), code: 'invalidBase64url', statusCode: 1498 },
  { rule: 'extra assertion field', edit: (m) => (m.assertions[0].foo = 1), code: 'unexpectedField', statusCode: 1498 },
  // TLV (Reg-Resp-6)
  { rule: 'truncated TLV', edit: (m) => (m.assertions[0].assertion = m.assertions[0].assertion.slice(0, 40)), code: 'tlvLengthExceedsInput', statusCode: 1498 },
  { rule: 'oversized TLV length', edit: (m) => (m.assertions[0].assertion = base64url.encode(Uint8Array.of(0x01, 0x3e, 0xff, 0xff, 0))), code: 'tlvLengthExceedsInput', statusCode: 1498 },
  { rule: 'trailing bytes', tweaks: { trailing: encodeTlv(Tag.AAID, utf8.encode('AB01#0000')) }, code: 'tlvTrailingBytes', statusCode: 1498 },
  { rule: 'auth tag at top', edit: (m) => (m.assertions[0].assertion = 'Aj4AAA'), code: 'tlvUnexpectedTag', statusCode: 1498 },
  { rule: 'missing AAID', tweaks: { drop: [Tag.AAID] }, code: 'tlvMissingElement', statusCode: 1498 },
  { rule: 'ASSERTION_INFO longer', tweaks: { replace: { [Tag.ASSERTION_INFO]: new Uint8Array(8) } }, code: 'tlvInvalidValueLength', statusCode: 1498 },
  { rule: 'KEYID shorter than 32', tweaks: { replace: { [Tag.KEYID]: new Uint8Array(15) } }, code: 'tlvInvalidValueLength', statusCode: 1498 },
  { rule: 'COUNTERS of 4 bytes', tweaks: { replace: { [Tag.COUNTERS]: new Uint8Array(4) } }, code: 'tlvInvalidValueLength', statusCode: 1498 },
  { rule: 'empty PUB_KEY', tweaks: { replace: { [Tag.PUB_KEY]: new Uint8Array(0) } }, code: 'tlvInvalidValueLength', statusCode: 1498 },
  { rule: 'duplicated KEYID', tweaks: { append: [encodeTlv(Tag.KEYID, new Uint8Array(32))] }, code: 'tlvDuplicateElement', statusCode: 1498 },
  { rule: 'nonce inside KRD', tweaks: { append: [encodeTlv(Tag.AUTHENTICATOR_NONCE, new Uint8Array(8))] }, code: 'tlvUnexpectedElement', statusCode: 1498 },
  { rule: 'AAID not hex', tweaks: { replace: { [Tag.AAID]: utf8.encode('ABXX#0000') } }, code: 'tlvInvalidValue', statusCode: 1498 },
  // KRD against metadata
  { rule: 'unknown AAID', tweaks: { replace: { [Tag.AAID]: utf8.encode('FFFF#0000') } }, code: 'unknownAaid', statusCode: 1480 },
  { rule: 'mode 0x02', tweaks: { replace: { [Tag.ASSERTION_INFO]: Uint8Array.of(1, 0, 2, 1, 0, 0, 1) } }, code: 'authenticationModeInvalid', statusCode: 1498 },
  { rule: 'algorithm not the metadata one', tweaks: { replace: { [Tag.ASSERTION_INFO]: Uint8Array.of(1, 0, 1, 2, 0, 0, 1) } }, code: 'algorithmMismatch', statusCode: 1498 },
  { rule: 'key encoding not the metadata one', tweaks: { replace: { [Tag.ASSERTION_INFO]: Uint8Array.of(1, 0, 1, 1, 0, 1, 1) } }, code: 'keyEncodingMismatch', statusCode: 1498 },
  { rule: 'authenticator version below metadata', tweaks: { replace: { [Tag.ASSERTION_INFO]: Uint8Array.of(0, 0, 1, 1, 0, 0, 1) } }, code: 'authenticatorVersionTooLow', statusCode: 1492 },
  { rule: 'FCHash of other data', tweaks: { replace: { [Tag.FINAL_CHALLENGE_HASH]: new Uint8Array(32) } }, code: 'finalChallengeHashMismatch', statusCode: 1498 },
  { rule: 'FCHash SHA-1 sized', tweaks: { replace: { [Tag.FINAL_CHALLENGE_HASH]: new Uint8Array(20) } }, code: 'finalChallengeHashMismatch', statusCode: 1498 },
  { rule: 'key in the wrong encoding (DER for raw)', tweaks: { replace: { [Tag.PUB_KEY]: new Uint8Array(otherP256Key.publicKey.export({ format: 'der', type: 'spki' })) } }, code: 'publicKeyInvalid', statusCode: 1494 },
  { rule: 'point not on the curve', tweaks: { replace: { [Tag.PUB_KEY]: Uint8Array.of(4, ...new Uint8Array(64).fill(7)) } }, code: 'publicKeyInvalid', statusCode: 1494 },
  // Attestation
  { rule: 'attestation signature corrupted', tweaks: { corruptSignature: true }, code: 'attestationSignatureInvalid', statusCode: 1496 },
  { rule: 'attestation signed by another key', tweaks: { signingKey: otherP256Key.privateKey }, code: 'attestationSignatureInvalid', statusCode: 1496 },
  { rule: 'expired attestation certificate', tweaks: { certificates: [attestationPki.secp256r1.expiredLeaf] }, code: 'attestationCertificateExpired', statusCode: 1496 },
  { rule: 'chain to another root', tweaks: { certificates: [attestationPki.secp256k1.leaf] }, code: 'attestationChainUntrusted', statusCode: 1496 },
  { rule: 'certificate not X.509', tweaks: { certificates: [Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)] }, code: 'attestationCertificateInvalid', statusCode: 1496 },
  {
    rule: 'attestation type not in metadata',
    metadata: new Map([[defaultProfile.aaid, metadataFor(defaultProfile, { attestationTypes: [0x3e08], attestationRootCertificates: [] })]]),
    code: 'attestationTypeNotAllowed',
    statusCode: 1496,
  },
  { rule: 'surrogate signature corrupted', profile: surrogate, tweaks: { corruptSignature: true }, code: 'attestationSignatureInvalid', statusCode: 1496 },
  // Policy
  { rule: 'policy accepts another AAID', policy: { accepted: [[{ aaid: ['FFFF#FC01'] }]] }, code: 'policyMismatch', statusCode: 1492 },
  {
    rule: 'key already registered (disallowed)',
    policy: { accepted: [[{ authenticationAlgorithms: [1], assertionSchemes: ['UAFV1TLV'] }]], disallowed: [{ aaid: [defaultProfile.aaid], keyIDs: [keyID] }] },
    code: 'authenticatorDisallowed',
    statusCode: 1492,
  },
];

describe('verifyRegistrationResponse refusals', () => {
  it('accepts the unbroken base with every option used by the rows', () => {
    const policy = { accepted: [[{ authenticationAlgorithms: [1], assertionSchemes: ['UAFV1TLV'] }]] };
    expect(verify(registrationResponse(), { policy }).credentials).toHaveLength(1);
  });

  it('names the failing member by its path', () => {
    const message = registrationResponse();
    delete message[0].assertions[0].assertionScheme;
    expect(() => verify(message)).toThrow(expect.objectContaining({ code: 'missingField', field: 'assertions[0].assertionScheme' }));
  });

  it.each(rows)('rejects $rule with $code', ({ body, exchange, tweaks, edit, profile, metadata, policy, code, statusCode }) => {
    const message = body ?? registrationResponse(profile ?? defaultProfile, defaultExchange(exchange), tweaks);
    if (edit) edit((message as any[])[0]);
    expect(() => verify(message, { ...(metadata && { metadata }), ...(policy && { policy }) })).toThrow(
      expect.objectContaining({ code, statusCode }),
    );
  });
});
