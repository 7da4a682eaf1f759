import { X509Certificate } from 'node:crypto';
import { AttestationRejected } from '../errors.js';
import { equalBytes } from './equalBytes.js';
import { readCertificateValidity } from './readCertificateValidity.js';

export interface VerifyCertificateChainOptions {
  /** DER certificates as sent, leaf first; each next one issued the previous (UAF Authenticator Commands §5.2.2). */
  chain: readonly Uint8Array[];
  /** DER trust anchors (metadata `attestationRootCertificates`). */
  roots: readonly Uint8Array[];
  now: Date;
}

/**
 * Validates a Basic Full attestation chain against the metadata roots at `now`
 * (UAF Protocol §3.4.6.5, Metadata Statements §3 `attestationRootCertificates`) and returns the leaf.
 * The chain may end in a root itself (byte-identical) or in a certificate a root issued. Every
 * certificate sent must be valid at `now`; trust anchors are inputs, not checked for time (RFC 5280 §6.1).
 */
export function verifyCertificateChain({ chain, roots, now }: VerifyCertificateChainOptions): X509Certificate {
  const certificates = chain.map((der, index) => parseCertificate(der, `ATTESTATION_CERT[${index}]`));
  const leaf = certificates[0];
  if (leaf === undefined) {
    throw new AttestationRejected('attestationCertificateInvalid', 'No attestation certificate was sent.', {
      field: 'ATTESTATION_CERT',
    });
  }
  certificates.forEach((certificate, index) => checkValidity(certificate, now, index));
  // Each certificate must be issued and signed by the next one, which must be a CA.
  for (let i = 0; i + 1 < certificates.length; i++) {
    const subject = certificates[i]!;
    const issuer = certificates[i + 1]!;
    if (!issuer.ca || !isIssuedBy(subject, issuer)) {
      throw new AttestationRejected('attestationChainUntrusted', 'The attestation chain is not linked.', {
        field: `ATTESTATION_CERT[${i}]`,
        seen: subject.issuer,
        expected: issuer.subject,
      });
    }
  }
  const last = certificates[certificates.length - 1]!;
  const lastDer = chain[chain.length - 1]!;
  // The chain ends at a trust anchor: a metadata root equal to the last certificate, or its issuer.
  const anchored = roots.some((rootDer) => {
    if (equalBytes(rootDer, lastDer)) return true;
    const root = tryParse(rootDer);
    return root !== undefined && isIssuedBy(last, root);
  });
  if (!anchored) {
    throw new AttestationRejected('attestationChainUntrusted', 'The attestation chain does not end at a metadata root.', {
      field: 'ATTESTATION_CERT',
      seen: last.issuer,
      expected: roots.map((der) => tryParse(der)?.subject ?? 'unparsable root'),
    });
  }
  return leaf;
}

function parseCertificate(der: Uint8Array, field: string): X509Certificate {
  const certificate = tryParse(der);
  if (certificate === undefined) {
    throw new AttestationRejected('attestationCertificateInvalid', 'An attestation certificate is not valid X.509 DER.', {
      field,
    });
  }
  return certificate;
}

function tryParse(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

function checkValidity(certificate: X509Certificate, now: Date, index: number): void {
  const validity = readCertificateValidity(new Uint8Array(certificate.raw));
  const time = now.getTime();
  if (validity === undefined || !(validity.notBefore.getTime() <= time && time <= validity.notAfter.getTime())) {
    throw new AttestationRejected('attestationCertificateExpired', 'An attestation certificate is not valid now.', {
      field: `ATTESTATION_CERT[${index}]`,
      seen: now.toISOString(),
      expected: validity && { notBefore: validity.notBefore.toISOString(), notAfter: validity.notAfter.toISOString() },
    });
  }
}

function isIssuedBy(subject: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
