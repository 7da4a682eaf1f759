import { X509Certificate, createHash, createPrivateKey, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AlgKey,
  AlgSign,
  Tag,
  UafStatusCode,
  base64,
  base64url,
  buildAuthenticationRequest,
  buildDeregistrationRequest,
  buildRegistrationRequest,
  findSignatureAlgorithm,
  importPublicKey,
  parseAuthenticationAssertion,
  parseAuthenticationResponse,
  parseMetadataStatement,
  parseRegistrationAssertion,
  parseRegistrationResponse,
  uafStatusText,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '../../../uaf/index.js';
import { attestationVerifiers } from '../../../uaf/registration/attestationVerifiers.js';
import {
  conformanceApiExamples,
  conformanceMetadataStatements,
  ebayAuthDab8,
  ebayTestKeyPair,
  ebayTlvAssertions,
  specExampleChain as chain,
  uafConstants,
} from './fixtures/vectors.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('spec-example-chain.json (UAF v1.0 spec example via eBay/UAF and alexandernikiforov/fido-uaf)', () => {
  const regFcp = chain.registrationFcParamsDecoded;
  const [regRequest] = chain.registrationRequest;
  const [authRequest] = chain.authenticationRequest;
  const registrationAssertion = parseRegistrationAssertion(base64url.decode(chain.registrationResponse[0].assertions[0].assertion));
  const attestationCertificate = registrationAssertion.attestation.type === 'basicFull' ? registrationAssertion.attestation.certificates[0]! : new Uint8Array();
  // The vector's notes: the root "NNL,Inc CA" is not published, so the attestation certificate itself is the trust anchor.
  const metadata = new Map([
    [
      'ABCD#ABCD',
      parseMetadataStatement({
        aaid: 'ABCD#ABCD',
        description: 'UAF spec example authenticator',
        authenticatorVersion: 256,
        upv: [{ major: 1, minor: 1 }],
        assertionScheme: 'UAFV1TLV',
        authenticationAlgorithm: AlgSign.SECP256R1_ECDSA_SHA256_RAW,
        publicKeyAlgAndEncoding: AlgKey.ECC_X962_RAW,
        attestationTypes: [Tag.ATTESTATION_BASIC_FULL],
        userVerificationDetails: [[{ userVerification: 4 }]],
        keyProtection: 1,
        matcherProtection: 1,
        attachmentHint: 1,
        isSecondFactorOnly: false,
        tcDisplay: 1,
        tcDisplayContentType: 'text/plain',
        attestationRootCertificates: [base64.encode(attestationCertificate)],
      }),
    ],
  ]);
  // Inside the attestation certificate's validity (2014-08-28 .. 2017-05-24).
  const now = new Date('2016-01-01T00:00:00Z');
  const common = { appID: regFcp.appID, trustedFacetIds: [regFcp.facetID] };

  it('registers, then authenticates with the registered key: counters 1 → 2', () => {
    const registration = verifyRegistrationResponse({
      ...common,
      response: parseRegistrationResponse(chain.registrationResponse),
      expectedChallenge: regRequest.challenge,
      metadata,
      policy: regRequest.policy,
      now,
    });
    expect(registration.credentials).toEqual([
      expect.objectContaining({
        aaid: 'ABCD#ABCD',
        keyID: 'ZMCPn92yHv1Ip-iCiBb6i4ADq6ZOv569KFQCvYSJfNg',
        signCounter: 1,
        regCounter: 1,
        authenticatorVersion: 256,
        attestationType: 'basicFull',
        attestationCertificate: base64url.encode(attestationCertificate),
      }),
    ]);
    const authentication = verifyAuthenticationResponse({
      ...common,
      response: parseAuthenticationResponse(JSON.stringify(chain.authenticationResponse)),
      expectedChallenge: authRequest.challenge,
      credentials: registration.credentials,
      policy: authRequest.policy,
      metadata,
    });
    expect(authentication).toMatchObject({ aaid: 'ABCD#ABCD', keyID: registration.credentials[0]!.keyID, newSignCounter: 2, transactionConfirmed: false });
  });

  it('refuses the registration once the attestation certificate has expired (2017-05-24)', () => {
    expect(() =>
      verifyRegistrationResponse({
        ...common,
        response: parseRegistrationResponse(chain.registrationResponse),
        expectedChallenge: regRequest.challenge,
        metadata,
        now: new Date('2017-05-25T00:00:00Z'),
      }),
    ).toThrow(expect.objectContaining({ code: 'attestationCertificateExpired', statusCode: 1496 }));
  });

  it('refuses a replay of the authentication (counter 2 again)', () => {
    const credential = { aaid: 'ABCD#ABCD', keyID: registrationAssertion.keyID, authenticationAlgorithm: 1, signCounter: 2, publicKey: base64url.encode(new Uint8Array(importPublicKey(registrationAssertion.publicKey, AlgKey.ECC_X962_RAW, 'secp256r1').export({ format: 'der', type: 'spki' }))) };
    expect(() =>
      verifyAuthenticationResponse({ ...common, response: parseAuthenticationResponse(chain.authenticationResponse), expectedChallenge: authRequest.challenge, credentials: [credential] }),
    ).toThrow(expect.objectContaining({ code: 'counterNotIncreased', statusCode: 1401 }));
  });

  it('decodes the assertions to the published parsed fields and FCHash', () => {
    expect(hex(registrationAssertion.finalChallengeHash)).toBe(chain.registrationFcParamsSha256Hex);
    expect(base64url.encode(registrationAssertion.publicKey)).toBe(chain.registrationAssertionParsed.pubKeyB64url);
    expect(base64url.encode(registrationAssertion.signedData)).toBe(chain.registrationAssertionParsed.signedTlvB64url);
    const auth = parseAuthenticationAssertion(base64url.decode(chain.authenticationResponse[0].assertions[0].assertion));
    expect(hex(auth.authenticatorNonce)).toBe(chain.authenticationAssertionParsed.authenticatorNonceHex);
    expect(hex(auth.finalChallengeHash)).toBe(chain.authenticationFcParamsSha256Hex);
    expect(base64url.encode(auth.signedData)).toBe(chain.authenticationAssertionParsed.signedTlvB64url);
  });

  it('builds the published requests', () => {
    const header = { appID: regRequest.header.appID, serverData: regRequest.header.serverData };
    expect([buildRegistrationRequest({ ...header, challenge: regRequest.challenge, username: regRequest.username, policy: regRequest.policy })]).toEqual(chain.registrationRequest);
    expect([buildAuthenticationRequest({ appID: authRequest.header.appID, serverData: authRequest.header.serverData, challenge: authRequest.challenge, policy: authRequest.policy })]).toEqual(
      chain.authenticationRequest,
    );
    expect([buildDeregistrationRequest({ appID: regRequest.header.appID, authenticators: chain.deregistrationRequest[0].authenticators })]).toEqual(chain.deregistrationRequest);
  });
});

describe('ebay-tlv-assertions.json (eBay/UAF TestAssertions.java)', () => {
  const registrations = ebayTlvAssertions.filter((a) => a.kind === 'registration' && a.name !== 'getExampleRegAssertionsFromClient');

  it.each(registrations)('$name: the attestation signature verifies against its certificate', ({ assertion, parsed }) => {
    const reg = parseRegistrationAssertion(base64url.decode(assertion));
    expect({ aaid: reg.aaid, keyID: reg.keyID, signCounter: reg.signCounter, regCounter: reg.regCounter }).toEqual({
      aaid: parsed.aaid,
      keyID: parsed.keyIdB64url,
      ...parsed.counters,
    });
    if (reg.attestation.type !== 'basicFull') throw new Error('vector is Basic Full');
    const leaf = new X509Certificate(reg.attestation.certificates[0]!);
    const algorithm = findSignatureAlgorithm(reg.authenticationAlgorithm)!;
    const metadata = parseMetadataStatement({
      aaid: reg.aaid,
      description: 'eBay vector',
      authenticatorVersion: 0,
      upv: [{ major: 1, minor: 0 }],
      assertionScheme: 'UAFV1TLV',
      authenticationAlgorithm: reg.authenticationAlgorithm,
      publicKeyAlgAndEncoding: reg.publicKeyAlgAndEncoding,
      attestationTypes: [0x3e07],
      userVerificationDetails: [[{ userVerification: 2 }]],
      keyProtection: 1,
      matcherProtection: 1,
      attachmentHint: 1,
      isSecondFactorOnly: false,
      tcDisplay: 0,
      attestationRootCertificates: [base64.encode(reg.attestation.certificates[0]!)],
    });
    const publicKey = importPublicKey(reg.publicKey, reg.publicKeyAlgAndEncoding, algorithm.keyKind);
    const now = new Date(Date.parse(leaf.validFrom) + 86_400_000);
    expect(attestationVerifiers.basicFull({ assertion: reg, publicKey, algorithm, metadata, now }).certificate?.fingerprint256).toBe(leaf.fingerprint256);
    // The same bytes with one signature bit flipped must not verify.
    const broken = { ...reg, attestation: { ...reg.attestation, signature: Uint8Array.from(reg.attestation.signature, (b, i) => (i === 10 ? b ^ 1 : b)) } };
    expect(() => attestationVerifiers.basicFull({ assertion: broken, publicKey, algorithm, metadata, now })).toThrow(expect.objectContaining({ code: 'attestationSignatureInvalid' }));
  });

  it('getExampleRegAssertionsFromClient (EBA0#0001): padded base64 and a 15-byte KeyID are refused', () => {
    const vector = ebayTlvAssertions.find((a) => a.name === 'getExampleRegAssertionsFromClient')!;
    expect(() => base64url.decode(vector.assertion)).toThrow(expect.objectContaining({ code: 'invalidBase64url' }));
    expect(() => parseRegistrationAssertion(base64.decodeLenient(vector.assertion))).toThrow(
      expect.objectContaining({ code: 'tlvInvalidValueLength', field: 'UAFV1_KRD.KEYID', seen: 15 }),
    );
  });

  it('getExampleAuthAssertionsFromClient (EBA0#0001): the 15-byte KeyID is refused', () => {
    const vector = ebayTlvAssertions.find((a) => a.name === 'getExampleAuthAssertionsFromClient')!;
    expect(() => parseAuthenticationAssertion(base64url.decode(vector.assertion))).toThrow(
      expect.objectContaining({ code: 'tlvInvalidValueLength', field: 'UAFV1_SIGNED_DATA.KEYID', seen: 15 }),
    );
  });

  it('getExampleAuthAssertionsFromCertTool verifies with the key of getSecondExampleRegAssertions (138A#4202, counters 0)', () => {
    const reg = parseRegistrationAssertion(base64url.decode(ebayTlvAssertions.find((a) => a.name === 'getSecondExampleRegAssertions')!.assertion));
    const auth = parseAuthenticationAssertion(base64url.decode(ebayTlvAssertions.find((a) => a.name === 'getExampleAuthAssertionsFromCertTool')!.assertion));
    const algorithm = findSignatureAlgorithm(auth.authenticationAlgorithm)!;
    const publicKey = importPublicKey(reg.publicKey, reg.publicKeyAlgAndEncoding, algorithm.keyKind);
    expect([auth.keyID, auth.signCounter, reg.signCounter]).toEqual([reg.keyID, 0, 0]);
    expect(algorithm.verify({ publicKey, data: auth.signedData, signature: auth.signature })).toBe(true);
    expect(algorithm.verify({ publicKey, data: reg.signedData, signature: auth.signature })).toBe(false);
  });

  it.each(ebayTlvAssertions.filter((a) => a.kind === 'authentication' && a.name !== 'getExampleAuthAssertionsFromClient'))(
    '$name parses to the published fields',
    ({ assertion, parsed }) => {
      const auth = parseAuthenticationAssertion(base64url.decode(assertion));
      expect({ aaid: auth.aaid, keyID: auth.keyID, signCounter: auth.signCounter, nonce: hex(auth.authenticatorNonce), fch: hex(auth.finalChallengeHash) }).toEqual({
        aaid: parsed.aaid,
        keyID: parsed.keyIdB64url,
        signCounter: parsed.counters.signCounter,
        nonce: parsed.authenticatorNonceHex,
        fch: parsed.finalChallengeHashHex,
      });
    },
  );
});

describe('ebay-auth-DAB8-with-key.json (eBay/UAF AuthenticationResponseProcessingTest.java)', () => {
  const fcp = ebayAuthDab8.fcParamsDecoded;
  const credential = { aaid: 'DAB8#8011', keyID: ebayAuthDab8.assertionParsed.keyIdB64url, publicKey: ebayAuthDab8.registeredPublicKey.value, authenticationAlgorithm: 2, signCounter: 0 };
  const options = { expectedChallenge: fcp.challenge, appID: fcp.appID, trustedFacetIds: [fcp.facetID], credentials: [credential] };
  // The vector is upv 1.0; upv is covered by no signature, so the message is replayed as 1.1.
  const as11 = () => [{ ...ebayAuthDab8.authenticationResponse, header: { ...ebayAuthDab8.authenticationResponse.header, upv: { major: 1, minor: 1 } } }];

  it('verifies with lenient fcParams decoding: FCHash is taken over the padded string as received', () => {
    const response = parseAuthenticationResponse(as11(), { fcParamsEncoding: 'lenient' });
    expect(verifyAuthenticationResponse({ ...options, response })).toMatchObject({ aaid: 'DAB8#8011', newSignCounter: 0 });
    expect(hex(createHash('sha256').update(response.fcParams).digest())).toBe(ebayAuthDab8.fcParamsSha256Hex);
  });

  it('is refused as sent (upv 1.0) and under strict base64url', () => {
    expect(() => parseAuthenticationResponse([ebayAuthDab8.authenticationResponse], { fcParamsEncoding: 'lenient' })).toThrow(
      expect.objectContaining({ code: 'unsupportedVersion', statusCode: 1498 }),
    );
    expect(() => parseAuthenticationResponse(as11())).toThrow(expect.objectContaining({ code: 'invalidBase64url', field: 'fcParams' }));
  });
});

describe('conformance-api-examples.json (FIDO conformance-test API document)', () => {
  it('the authentication example parses, its FCHash matches, and its unpublished key is an unknown KeyID', () => {
    const fcp = conformanceApiExamples.authenticationFcParamsDecoded;
    const response = parseAuthenticationResponse(conformanceApiExamples.authenticationResponse);
    expect(response.assertions[0]).toMatchObject({ aaid: 'FFFF#FC03', keyID: conformanceApiExamples.authenticationAssertionParsed.keyIdB64url, signCounter: 1 });
    expect(hex(response.assertions[0]!.finalChallengeHash)).toBe(hex(createHash('sha256').update(response.fcParams).digest()));
    expect(() =>
      verifyAuthenticationResponse({ response, expectedChallenge: fcp.challenge, appID: fcp.appID, trustedFacetIds: [fcp.facetID], credentials: [] }),
    ).toThrow(expect.objectContaining({ code: 'unknownKeyId', statusCode: 1481 }));
  });

  it('the truncated registration example is refused as not base64url', () => {
    expect(() => parseRegistrationResponse(conformanceApiExamples.registrationResponseTruncated)).toThrow(
      expect.objectContaining({ code: 'invalidBase64url', field: 'assertions[0].assertion' }),
    );
  });
});

describe('conformance-tool-metadata-statements.json (FIDO conformance tool via ETDA/Digital-Authen-UAF-Server)', () => {
  it.each(conformanceMetadataStatements.map((s) => [s.aaid as string, s] as const))('%s loads and validates', (aaid, statement) => {
    const parsed = parseMetadataStatement(statement);
    expect(parsed.aaid).toBe(aaid);
    expect(parsed.attestationRootCertificates.length > 0).toBe(parsed.attestationTypes.includes(0x3e07));
  });
});

describe('ebay-test-p256-keypair.json (eBay/UAF crypto/TestData.java)', () => {
  it('its SPKI imports as ALG_KEY_ECC_X962_DER and verifies a raw P-256 signature made with its private key', () => {
    const publicKey = importPublicKey(base64.decodeLenient(ebayTestKeyPair.publicKeySpkiB64), AlgKey.ECC_X962_DER, 'secp256r1');
    const privateKey = createPrivateKey({ key: Buffer.from(base64url.decode(ebayTestKeyPair.privateKeyPkcs8B64url)), format: 'der', type: 'pkcs8' });
    const data = new TextEncoder().encode('outband');
    const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(findSignatureAlgorithm(1)!.verify({ publicKey, data, signature })).toBe(true);
  });
});

describe('uaf-constants.json (compiled UAF constants)', () => {
  const number = (text: string) => Number.parseInt(text, 16);

  it('every TLV tag matches', () => {
    for (const [name, value] of Object.entries(uafConstants.tlvTags as Record<string, string>)) {
      const key = name.replace(/^TAG_/, '').replace(' (critical)', '') as keyof typeof Tag;
      expect([name, Tag[key]]).toEqual([name, number(value)]);
    }
    for (const [name, value] of Object.entries(uafConstants.authenticatorCommandTags_emulatorInternalOnly as Record<string, string>)) {
      expect([name, Tag[name.replace(/^TAG_/, '') as keyof typeof Tag]]).toEqual([name, number(value)]);
    }
  });

  it('UAF 1.1 signature algorithms and key encodings match', () => {
    for (const [name, value] of Object.entries(uafConstants.signatureAlgAndEncoding as Record<string, string>)) {
      if (name.includes('since')) continue;
      expect([name, AlgSign[name.replace(/^ALG_SIGN_/, '') as keyof typeof AlgSign]]).toEqual([name, number(value)]);
    }
    for (const [name, value] of Object.entries(uafConstants.publicKeyAlgAndEncoding as Record<string, string>)) {
      expect([name, AlgKey[name.replace(/^ALG_KEY_/, '').replace(/ \(.*$/, '') as keyof typeof AlgKey]]).toEqual([name, number(value)]);
    }
  });

  it('status codes match', () => {
    expect(uafStatusText).toEqual(Object.fromEntries(Object.entries(uafConstants.uafStatusCodes).map(([k, v]) => [Number(k), v])));
    expect(Object.values(UafStatusCode).sort()).toEqual(Object.keys(uafConstants.uafStatusCodes).map(Number).sort());
  });
});
