import { describe, expect, it } from 'vitest';
import { buildAuthenticationAssertion, buildSignedData } from '../../../../device/authenticator/buildAuthenticationAssertion.js';
import { parseAuthenticationAssertion } from '../../../../uaf/assertion/parseAuthenticationAssertion.js';
import * as base64url from '../../../../uaf/encoding/base64url.js';
import type { AuthenticationMode } from '../../../../uaf/registry.js';
import { hex, specExample } from './specExampleVector.js';

const parsed = specExample.authenticationAssertionParsed;

describe('buildSignedData', () => {
  it('rebuilds the spec example SignedData byte for byte from its fields', () => {
    const signedData = buildSignedData({
      aaid: parsed.aaid,
      authenticatorVersion: parsed.assertionInfo.authenticatorVersion,
      authenticationMode: parsed.assertionInfo.authenticationMode as AuthenticationMode,
      signatureAlgAndEncoding: parsed.assertionInfo.signAlg,
      authenticatorNonce: hex(parsed.authenticatorNonceHex ?? ''),
      finalChallengeHash: hex(parsed.finalChallengeHashHex),
      transactionContentHash: hex(parsed.transactionContentHashHex ?? ''),
      keyID: base64url.decode(parsed.keyIdB64url),
      signCounter: parsed.counters.signCounter,
    });
    expect(base64url.encode(signedData)).toBe(parsed.signedTlvB64url);
  });
});

describe('buildAuthenticationAssertion', () => {
  it('rebuilds the whole spec example authentication assertion from SignedData and signature', () => {
    const original = base64url.decode(specExample.authenticationResponse[0].assertions[0].assertion);
    const { signedData, signature } = parseAuthenticationAssertion(original);
    expect(base64url.encode(buildAuthenticationAssertion(signedData, signature))).toBe(base64url.encode(original));
  });
});
