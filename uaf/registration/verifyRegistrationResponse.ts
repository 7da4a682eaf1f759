import { AssertionRejected, AttestationRejected } from '../errors.js';
import { attestationTypeTags, type RegistrationAssertion } from '../assertion/parseRegistrationAssertion.js';
import { exportSpki, importPublicKey } from '../crypto/importPublicKey.js';
import { findSignatureAlgorithm, type SignatureAlgorithm } from '../crypto/signatureAlgorithms.js';
import * as base64url from '../encoding/base64url.js';
import type { MetadataLookup, MetadataStatement } from '../metadata/parseMetadataStatement.js';
import { matchPolicy } from '../policy/matchPolicy.js';
import type { Policy } from '../protocolTypes.js';
import { AuthenticationMode, assertionSchemeUafV1Tlv } from '../registry.js';
import { checkFinalChallengeHash, verifyFinalChallenge, type FinalChallengeExpectations } from '../response/verifyFinalChallenge.js';
import { attestationVerifiers } from './attestationVerifiers.js';
import type { ParsedRegistrationResponse } from './parseRegistrationResponse.js';

export interface VerifyRegistrationResponseOptions extends FinalChallengeExpectations {
  response: ParsedRegistrationResponse;
  /** Metadata statements by AAID (a `Map` will do). */
  metadata: MetadataLookup;
  /** The policy sent in the request, with the user's registered keys in `disallowed`. */
  policy?: Policy;
  /** The clock for certificate validity. */
  now: Date;
}

/** A credential to store, one per registration assertion. */
export interface RegisteredCredential {
  aaid: string;
  keyID: string;
  /** UAuth.pub as DER SubjectPublicKeyInfo, base64url, whatever encoding the authenticator used. */
  publicKey: string;
  /** The encoding the authenticator announced (the stored `publicKey` is always SPKI). */
  publicKeyAlgAndEncoding: number;
  authenticationAlgorithm: number;
  authenticatorVersion: number;
  signCounter: number;
  regCounter: number;
  attestationType: 'basicFull' | 'basicSurrogate';
  /** The attestation leaf certificate, DER base64url (Basic Full only). */
  attestationCertificate?: string;
}

export interface VerifyRegistrationResponseResult {
  credentials: RegisteredCredential[];
  facetID: string;
}

/**
 * Verifies a parsed RegistrationResponse (UAF Protocol §3.4.6.5): header and FinalChallengeParams,
 * then for each assertion the KRD against the authenticator's metadata, the attestation, and finally
 * the policy. Returns the credentials to store, or throws a `UafError`.
 */
export function verifyRegistrationResponse(options: VerifyRegistrationResponseOptions): VerifyRegistrationResponseResult {
  const { response, metadata, policy, now } = options;
  const fcHash = verifyFinalChallenge(response, options);
  const verified = response.assertions.map((assertion, index) => {
    const field = `assertions[${index}]`;
    const statement = findMetadata(metadata, assertion.aaid, field);
    checkAuthenticationMode(assertion.authenticationMode, field);
    const algorithm = checkAlgorithm(assertion.authenticationAlgorithm, statement, field);
    checkKeyEncoding(assertion.publicKeyAlgAndEncoding, statement, field);
    checkAuthenticatorVersion(assertion.authenticatorVersion, statement, field);
    checkFinalChallengeHash(assertion.finalChallengeHash, fcHash, field);
    const publicKey = importPublicKey(assertion.publicKey, assertion.publicKeyAlgAndEncoding, algorithm.keyKind);
    checkAttestationType(assertion, statement, field);
    const { certificate } = attestationVerifiers[assertion.attestation.type]({ assertion, publicKey, algorithm, metadata: statement, now });
    const credential: RegisteredCredential = {
      aaid: assertion.aaid,
      keyID: assertion.keyID,
      publicKey: base64url.encode(exportSpki(publicKey)),
      publicKeyAlgAndEncoding: assertion.publicKeyAlgAndEncoding,
      authenticationAlgorithm: assertion.authenticationAlgorithm,
      authenticatorVersion: assertion.authenticatorVersion,
      signCounter: assertion.signCounter,
      regCounter: assertion.regCounter,
      attestationType: assertion.attestation.type,
      ...(certificate && { attestationCertificate: base64url.encode(new Uint8Array(certificate.raw)) }),
    };
    return { credential, statement };
  });
  // The authenticators must satisfy the request policy (UAF Protocol §3.4.6.5, policy step).
  if (policy !== undefined) {
    matchPolicy(
      policy,
      verified.map(({ credential, statement }) => ({
        aaid: credential.aaid,
        keyID: credential.keyID,
        authenticationAlgorithm: credential.authenticationAlgorithm,
        assertionScheme: assertionSchemeUafV1Tlv,
        attestationType: attestationTypeTags[credential.attestationType],
        authenticatorVersion: credential.authenticatorVersion,
        metadata: statement,
      })),
    );
  }
  return { credentials: verified.map(({ credential }) => credential), facetID: response.finalChallengeParams.facetID };
}

// The AAID must be known to metadata (UAF Protocol §3.4.6.5; status 1480 Unknown AAID).
function findMetadata(metadata: MetadataLookup, aaid: string, field: string): MetadataStatement {
  const statement = metadata.get(aaid);
  if (statement === undefined) {
    throw new AssertionRejected('unknownAaid', 'No metadata statement is known for the AAID.', { field: `${field}.AAID`, seen: aaid });
  }
  return statement;
}

// Registration always verifies the user: authenticationMode must be 0x01 (Reg-Resp-6 F-12).
function checkAuthenticationMode(seen: number, field: string): void {
  if (seen !== AuthenticationMode.USER_VERIFIED) {
    throw new AssertionRejected('authenticationModeInvalid', 'A registration KRD must carry authenticationMode 0x01.', {
      field: `${field}.ASSERTION_INFO.authenticationMode`,
      seen,
      expected: AuthenticationMode.USER_VERIFIED,
    });
  }
}

// The signature algorithm must be the metadata's and one this server verifies (UAF Protocol §3.4.6.5).
function checkAlgorithm(seen: number, statement: MetadataStatement, field: string): SignatureAlgorithm {
  if (seen !== statement.authenticationAlgorithm) {
    throw new AssertionRejected('algorithmMismatch', 'The signature algorithm differs from the metadata.', {
      field: `${field}.ASSERTION_INFO.authenticationAlgorithm`,
      seen,
      expected: statement.authenticationAlgorithm,
    });
  }
  const algorithm = findSignatureAlgorithm(seen);
  if (algorithm === undefined) {
    throw new AssertionRejected('algorithmUnsupported', 'The signature algorithm is not supported.', {
      field: `${field}.ASSERTION_INFO.authenticationAlgorithm`,
      seen,
    });
  }
  return algorithm;
}

// The public key encoding must be the metadata's (UAF Protocol §3.4.6.5).
function checkKeyEncoding(seen: number, statement: MetadataStatement, field: string): void {
  if (seen !== statement.publicKeyAlgAndEncoding) {
    throw new AssertionRejected('keyEncodingMismatch', 'The public key encoding differs from the metadata.', {
      field: `${field}.ASSERTION_INFO.publicKeyAlgAndEncoding`,
      seen,
      expected: statement.publicKeyAlgAndEncoding,
    });
  }
}

// authenticatorVersion must not be below the metadata's (UAF Protocol §3.4.6.5).
function checkAuthenticatorVersion(seen: number, statement: MetadataStatement, field: string): void {
  if (seen < statement.authenticatorVersion) {
    throw new AssertionRejected('authenticatorVersionTooLow', 'The authenticator version is below the metadata’s.', {
      field: `${field}.ASSERTION_INFO.authenticatorVersion`,
      seen,
      expected: `>= ${statement.authenticatorVersion}`,
    });
  }
}

// The attestation type used must be one the metadata lists (UAF Protocol §3.4.6.5; 1496).
function checkAttestationType(assertion: RegistrationAssertion, statement: MetadataStatement, field: string): void {
  const tag = attestationTypeTags[assertion.attestation.type];
  if (!statement.attestationTypes.includes(tag)) {
    throw new AttestationRejected('attestationTypeNotAllowed', 'The metadata does not allow this attestation type.', {
      field: `${field}.attestation`,
      seen: tag,
      expected: statement.attestationTypes,
    });
  }
}
