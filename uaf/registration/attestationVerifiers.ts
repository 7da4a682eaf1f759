import type { KeyObject, X509Certificate } from 'node:crypto';
import { AttestationRejected } from '../errors.js';
import type { RegistrationAssertion } from '../assertion/parseRegistrationAssertion.js';
import { keyKindOf } from '../crypto/importPublicKey.js';
import type { SignatureAlgorithm } from '../crypto/signatureAlgorithms.js';
import { verifyCertificateChain } from '../crypto/verifyCertificateChain.js';
import * as base64 from '../encoding/base64.js';
import type { MetadataStatement } from '../metadata/parseMetadataStatement.js';

/** What every attestation verifier receives. */
export interface AttestationVerifierOptions {
  assertion: RegistrationAssertion;
  /** The new UAuth public key, already decoded. */
  publicKey: KeyObject;
  algorithm: SignatureAlgorithm;
  metadata: MetadataStatement;
  now: Date;
}

export interface AttestationVerifierResult {
  /** The attestation leaf certificate (Basic Full only). */
  certificate?: X509Certificate;
}

type AttestationVerifier = (options: AttestationVerifierOptions) => AttestationVerifierResult;

/** Verifiers by attestation type (UAF Protocol §3.4.6.5, attestation step). */
export const attestationVerifiers: Readonly<Record<RegistrationAssertion['attestation']['type'], AttestationVerifier>> = {
  // Basic Full: the chain leads to a metadata root and the leaf key signed the KRD.
  basicFull: ({ assertion, algorithm, metadata, now }) => {
    if (assertion.attestation.type !== 'basicFull') throw new Error('unreachable');
    const roots = metadata.attestationRootCertificates.map((text) => base64.decode(text));
    const certificate = verifyCertificateChain({ chain: assertion.attestation.certificates, roots, now });
    checkSignature(algorithm, certificate.publicKey, assertion, keyKindOf(certificate.publicKey) === algorithm.keyKind);
    return { certificate };
  },
  // Basic Surrogate: the new UAuth key signed its own KRD (self attestation).
  basicSurrogate: ({ assertion, algorithm, publicKey }) => {
    checkSignature(algorithm, publicKey, assertion, true);
    return {};
  },
};

function checkSignature(algorithm: SignatureAlgorithm, key: KeyObject, assertion: RegistrationAssertion, keySuits: boolean): void {
  const { signature } = assertion.attestation;
  if (!keySuits || !algorithm.verify({ publicKey: key, data: assertion.signedData, signature })) {
    throw new AttestationRejected('attestationSignatureInvalid', 'The attestation signature over the KRD does not verify.', {
      field: 'SIGNATURE',
      expected: algorithm.name,
    });
  }
}
