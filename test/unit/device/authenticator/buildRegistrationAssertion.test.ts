import { describe, expect, it } from 'vitest';
import {
  buildKeyRegistrationData,
  buildRegistrationAssertion,
} from '../../../../device/authenticator/buildRegistrationAssertion.js';
import { parseRegistrationAssertion } from '../../../../uaf/assertion/parseRegistrationAssertion.js';
import * as base64url from '../../../../uaf/encoding/base64url.js';
import { AttestationType, type AlgKey } from '../../../../uaf/registry.js';
import { hex, specExample } from './specExampleVector.js';

// The phone's TLV encoder must produce the very bytes of another implementation's authenticator.
const parsed = specExample.registrationAssertionParsed;

describe('buildKeyRegistrationData', () => {
  it('rebuilds the spec example KRD byte for byte from its fields', () => {
    const krd = buildKeyRegistrationData({
      aaid: parsed.aaid,
      authenticatorVersion: parsed.assertionInfo.authenticatorVersion,
      signatureAlgAndEncoding: parsed.assertionInfo.signAlg,
      publicKeyAlgAndEncoding: parsed.assertionInfo.pubKeyAlg as AlgKey,
      finalChallengeHash: hex(parsed.finalChallengeHashHex),
      keyID: base64url.decode(parsed.keyIdB64url),
      signCounter: parsed.counters.signCounter,
      regCounter: parsed.counters.regCounter ?? 0,
      publicKey: base64url.decode(parsed.pubKeyB64url ?? ''),
    });
    expect(base64url.encode(krd)).toBe(parsed.signedTlvB64url);
  });
});

describe('buildRegistrationAssertion', () => {
  it('rebuilds the whole spec example registration assertion (Basic Full) from KRD, signature and certificate', () => {
    const original = base64url.decode(specExample.registrationResponse[0].assertions[0].assertion);
    const { signedData, attestation } = parseRegistrationAssertion(original);
    if (attestation.type !== 'basicFull') throw new Error('the spec example uses Basic Full attestation');
    const rebuilt = buildRegistrationAssertion(signedData, {
      type: AttestationType.BASIC_FULL,
      signature: attestation.signature,
      certificates: attestation.certificates,
    });
    expect(base64url.encode(rebuilt)).toBe(base64url.encode(original));
  });
});
