import { AssertionRejected, CounterRejected } from '../errors.js';
import type { AuthenticationAssertion } from '../assertion/parseAuthenticationAssertion.js';
import { equalBytes } from '../crypto/equalBytes.js';
import { importSpki } from '../crypto/importPublicKey.js';
import { findSignatureAlgorithm, type SignatureAlgorithm } from '../crypto/signatureAlgorithms.js';
import * as base64url from '../encoding/base64url.js';
import type { MetadataLookup } from '../metadata/parseMetadataStatement.js';
import { matchPolicy } from '../policy/matchPolicy.js';
import type { Policy, Transaction } from '../protocolTypes.js';
import { AuthenticationMode, assertionSchemeUafV1Tlv } from '../registry.js';
import { checkFinalChallengeHash, verifyFinalChallenge, type FinalChallengeExpectations } from '../response/verifyFinalChallenge.js';
import type { ParsedAuthenticationResponse } from './parseAuthenticationResponse.js';
import { transactionContentHash } from './transactionContentHash.js';

/** A credential as stored at registration (see `RegisteredCredential`). */
export interface StoredCredential {
  aaid: string;
  keyID: string;
  /** DER SubjectPublicKeyInfo, base64url. */
  publicKey: string;
  authenticationAlgorithm: number;
  signCounter: number;
}

export interface VerifyAuthenticationResponseOptions extends FinalChallengeExpectations {
  response: ParsedAuthenticationResponse;
  /** The candidate credentials (the user's, or those found by the assertions' keyIDs). */
  credentials: readonly StoredCredential[];
  /** The transaction(s) sent in the request; one must have been confirmed. Absent: none may be. */
  transaction?: Transaction | readonly Transaction[];
  /** The policy sent in the request (accepted `aaid` + `keyIDs` for step-up). */
  policy?: Policy;
  /** Metadata by AAID, only needed when the policy has criteria on UV, protection, hints or display. */
  metadata?: MetadataLookup;
}

/** One verified assertion. */
export interface VerifiedAuthentication {
  aaid: string;
  keyID: string;
  /** Store this as the credential's sign counter (conditionally: only if still greater). */
  newSignCounter: number;
  /** Every UAF authentication verifies the user (authenticationMode 0x01 or 0x02). */
  userVerified: true;
  transactionConfirmed: boolean;
  authenticationMode: number;
  authenticatorVersion: number;
}

export interface VerifyAuthenticationResponseResult extends VerifiedAuthentication {
  facetID: string;
  /** All verified assertions; the top-level fields are those of the first. */
  assertions: VerifiedAuthentication[];
}

/**
 * Verifies a parsed AuthenticationResponse (UAF Protocol §3.5.7.5): header and FinalChallengeParams,
 * then per assertion the credential, algorithm, FCHash, transaction hash, signature and sign
 * counter, then the policy. Returns the facts to persist, or throws a `UafError`.
 */
export function verifyAuthenticationResponse(options: VerifyAuthenticationResponseOptions): VerifyAuthenticationResponseResult {
  const { response, credentials, policy, metadata } = options;
  const fcHash = verifyFinalChallenge(response, options);
  const transactions: readonly Transaction[] = options.transaction === undefined ? [] : [options.transaction].flat();
  const expectedHashes = transactions.map(transactionContentHash);
  const verified = response.assertions.map((assertion, index): VerifiedAuthentication => {
    const field = `assertions[${index}]`;
    const credential = findCredential(credentials, assertion, field);
    const algorithm = checkAlgorithm(assertion.authenticationAlgorithm, credential, field);
    checkFinalChallengeHash(assertion.finalChallengeHash, fcHash, field);
    checkTransaction(assertion, expectedHashes, field);
    checkSignature(assertion, credential, algorithm, field);
    checkCounter(assertion.signCounter, credential.signCounter, field);
    return {
      aaid: assertion.aaid,
      keyID: assertion.keyID,
      newSignCounter: assertion.signCounter,
      userVerified: true,
      transactionConfirmed: assertion.authenticationMode === AuthenticationMode.USER_VERIFIED_TRANSACTION_SHOWN,
      authenticationMode: assertion.authenticationMode,
      authenticatorVersion: assertion.authenticatorVersion,
    };
  });
  // The authenticators must satisfy the request policy, e.g. the user's own keyIDs (UAF Protocol §3.5.7.5).
  if (policy !== undefined) {
    matchPolicy(
      policy,
      response.assertions.map((assertion) => {
        const statement = metadata?.get(assertion.aaid);
        return {
          aaid: assertion.aaid,
          keyID: assertion.keyID,
          authenticationAlgorithm: assertion.authenticationAlgorithm,
          assertionScheme: assertionSchemeUafV1Tlv,
          authenticatorVersion: assertion.authenticatorVersion,
          ...(statement && { metadata: statement }),
        };
      }),
    );
  }
  return { ...verified[0]!, facetID: response.finalChallengeParams.facetID, assertions: verified };
}

// The (AAID, KeyID) pair must be registered (UAF Protocol §3.5.7.5; status 1481 Unknown KeyID).
function findCredential(credentials: readonly StoredCredential[], assertion: AuthenticationAssertion, field: string): StoredCredential {
  const credential = credentials.find((c) => c.keyID === assertion.keyID && c.aaid.toUpperCase() === assertion.aaid.toUpperCase());
  if (credential === undefined) {
    throw new AssertionRejected('unknownKeyId', 'No registered credential has this AAID and KeyID.', {
      field: `${field}.KEYID`,
      seen: { aaid: assertion.aaid, keyID: assertion.keyID },
    });
  }
  return credential;
}

// The signature algorithm must be the one registered with the key (UAF Protocol §3.5.7.5).
function checkAlgorithm(seen: number, credential: StoredCredential, field: string): SignatureAlgorithm {
  const algorithm = seen === credential.authenticationAlgorithm ? findSignatureAlgorithm(seen) : undefined;
  if (algorithm === undefined) {
    throw new AssertionRejected('algorithmMismatch', 'The signature algorithm is not the one registered.', {
      field: `${field}.ASSERTION_INFO.authenticationAlgorithm`,
      seen,
      expected: credential.authenticationAlgorithm,
    });
  }
  return algorithm;
}

// No transaction: mode 0x01 and an empty hash; a transaction: mode 0x02 and the hash of what was shown
// (UAF Protocol §3.5.7.5; conformance Auth-Resp-6 F-12/F-13, F-23..F-30).
function checkTransaction(assertion: AuthenticationAssertion, expectedHashes: readonly Uint8Array[], field: string): void {
  const expectedMode = expectedHashes.length === 0 ? AuthenticationMode.USER_VERIFIED : AuthenticationMode.USER_VERIFIED_TRANSACTION_SHOWN;
  if (assertion.authenticationMode !== expectedMode) {
    throw new AssertionRejected('authenticationModeInvalid', 'authenticationMode does not fit the transaction sent.', {
      field: `${field}.ASSERTION_INFO.authenticationMode`,
      seen: assertion.authenticationMode,
      expected: expectedMode,
    });
  }
  const seen = assertion.transactionContentHash;
  const matches = expectedHashes.length === 0 ? seen.length === 0 : expectedHashes.some((hash) => equalBytes(seen, hash));
  if (!matches) {
    throw new AssertionRejected('transactionHashMismatch', 'TRANSACTION_CONTENT_HASH is not the hash of the transaction sent.', {
      field: `${field}.TRANSACTION_CONTENT_HASH`,
      seen: Buffer.from(seen).toString('hex'),
      expected: expectedHashes.map((hash) => Buffer.from(hash).toString('hex')),
    });
  }
}

// The signature over SignedData must verify with the registered UAuth.pub (UAF Protocol §3.5.7.5).
function checkSignature(assertion: AuthenticationAssertion, credential: StoredCredential, algorithm: SignatureAlgorithm, field: string): void {
  const publicKey = importSpki(base64url.decode(credential.publicKey, 'credential.publicKey'), algorithm.keyKind);
  if (!algorithm.verify({ publicKey, data: assertion.signedData, signature: assertion.signature })) {
    throw new AssertionRejected('signatureInvalid', 'The assertion signature does not verify with the registered key.', {
      field: `${field}.SIGNATURE`,
      expected: algorithm.name,
    });
  }
}

// The sign counter must increase, unless the authenticator keeps none (both zero) (UAF Protocol §3.5.7.5).
function checkCounter(seen: number, stored: number, field: string): void {
  if ((seen !== 0 || stored !== 0) && seen <= stored) {
    throw new CounterRejected('counterNotIncreased', 'The sign counter did not increase.', {
      field: `${field}.COUNTERS`,
      seen,
      expected: `> ${stored}`,
    });
  }
}
