// Generates, once, the project's test attestation CA and the test authenticators the
// simulated phone plays, then writes
//   metadata/<AAID with # as ->.json        UAF 1.1 metadata statements (the server's default UAF_METADATA_DIR)
//   device/fixtures/testAuthenticators.json the phone's side: profiles and TEST-ONLY attestation keys
// Both come from the one table below, so they cannot disagree. The outputs are committed:
// rerunning makes new keys, so it refuses to overwrite them unless given --force.
//
//   npx tsx scripts/makeTestAuthenticators.ts [--force]
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCertificate, type DistinguishedName } from '../device/crypto/buildCertificate.js';
import { deviceSignatureAlgorithm, type DeviceAlgSign } from '../device/crypto/signatureAlgorithms.js';
import { generateSigningKey } from '../device/crypto/signingKey.js';
import type { AuthenticatorProfile } from '../device/testAuthenticatorProfile.js';
import * as base64 from '../uaf/encoding/base64.js';
import { parseMetadataStatement, type MetadataStatement } from '../uaf/metadata/parseMetadataStatement.js';
import {
  AlgKey,
  AlgSign,
  AttachmentHint,
  AttestationType,
  KeyProtection,
  MatcherProtection,
  TransactionConfirmationDisplay,
  UserVerify,
  assertionSchemeUafV1Tlv,
} from '../uaf/registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const metadataDir = join(root, 'metadata');
const fixturesFile = join(root, 'device', 'fixtures', 'testAuthenticators.json');

const validity = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2046-01-01T00:00:00Z') };
const caName: DistinguishedName = { C: 'CH', O: 'Outband', OU: 'Test Attestation', CN: 'Outband Test Attestation Root CA' };

interface Row {
  readonly aaid: string;
  readonly authenticationAlgorithm: DeviceAlgSign;
  readonly publicKeyAlgAndEncoding: AlgKey;
  readonly attestationType: typeof AttestationType.BASIC_FULL | typeof AttestationType.BASIC_SURROGATE;
  readonly transactionConfirmation: boolean;
}

const { BASIC_FULL: full, BASIC_SURROGATE: surrogate } = AttestationType;


/** One row per authenticator: every algorithm 0x0001–0x0006, 0x0008, 0x0009 and both attestation types. */
const rows: readonly Row[] = [
  { aaid: '4F42#0001', authenticationAlgorithm: AlgSign.SECP256R1_ECDSA_SHA256_RAW, publicKeyAlgAndEncoding: AlgKey.ECC_X962_RAW, attestationType: full, transactionConfirmation: true },
  { aaid: '4F42#0002', authenticationAlgorithm: AlgSign.SECP256R1_ECDSA_SHA256_RAW, publicKeyAlgAndEncoding: AlgKey.ECC_X962_RAW, attestationType: surrogate, transactionConfirmation: true },
  { aaid: '4F42#0003', authenticationAlgorithm: AlgSign.SECP256R1_ECDSA_SHA256_DER, publicKeyAlgAndEncoding: AlgKey.ECC_X962_DER, attestationType: full, transactionConfirmation: true },
  { aaid: '4F42#0004', authenticationAlgorithm: AlgSign.RSASSA_PSS_SHA256_RAW, publicKeyAlgAndEncoding: AlgKey.RSA_2048_RAW, attestationType: full, transactionConfirmation: true },
  { aaid: '4F42#0005', authenticationAlgorithm: AlgSign.RSASSA_PSS_SHA256_DER, publicKeyAlgAndEncoding: AlgKey.RSA_2048_DER, attestationType: full, transactionConfirmation: true },
  { aaid: '4F42#0006', authenticationAlgorithm: AlgSign.SECP256K1_ECDSA_SHA256_RAW, publicKeyAlgAndEncoding: AlgKey.ECC_X962_RAW, attestationType: full, transactionConfirmation: true },
  { aaid: '4F42#0007', authenticationAlgorithm: AlgSign.SECP256K1_ECDSA_SHA256_DER, publicKeyAlgAndEncoding: AlgKey.ECC_X962_DER, attestationType: full, transactionConfirmation: true },
  { aaid: '4F42#0008', authenticationAlgorithm: AlgSign.RSA_EMSA_PKCS1_SHA256_RAW, publicKeyAlgAndEncoding: AlgKey.RSA_2048_RAW, attestationType: full, transactionConfirmation: true },
  { aaid: '4F42#0009', authenticationAlgorithm: AlgSign.RSA_EMSA_PKCS1_SHA256_DER, publicKeyAlgAndEncoding: AlgKey.RSA_2048_DER, attestationType: full, transactionConfirmation: false },
  { aaid: '4F42#000A', authenticationAlgorithm: AlgSign.RSASSA_PSS_SHA256_RAW, publicKeyAlgAndEncoding: AlgKey.RSA_2048_RAW, attestationType: surrogate, transactionConfirmation: true },
  { aaid: '4F42#000B', authenticationAlgorithm: AlgSign.SECP256K1_ECDSA_SHA256_DER, publicKeyAlgAndEncoding: AlgKey.ECC_X962_DER, attestationType: surrogate, transactionConfirmation: true },
];

const algorithmNames = Object.fromEntries(Object.entries(AlgSign).map(([name, value]) => [value, name]));

function describe(row: Row): string {
  const attestation = row.attestationType === full ? 'Basic Full' : 'Basic Surrogate';
  return `Outband test authenticator ${row.aaid} (${algorithmNames[row.authenticationAlgorithm]}, ${attestation})`;
}

/**
 * A UAF 1.1 metadata statement (FIDO Metadata Statements v1.1 §4). Every test authenticator is
 * a software key store behind a fingerprint or passcode check.
 */
function metadataStatement(row: Row, rootCertificate: string): MetadataStatement {
  return {
    aaid: row.aaid,
    description: describe(row),
    authenticatorVersion: 1,
    upv: [{ major: 1, minor: 1 }],
    assertionScheme: assertionSchemeUafV1Tlv,
    authenticationAlgorithm: row.authenticationAlgorithm,
    publicKeyAlgAndEncoding: row.publicKeyAlgAndEncoding,
    attestationTypes: [row.attestationType],
    userVerificationDetails: [[{ userVerification: UserVerify.FINGERPRINT }], [{ userVerification: UserVerify.PASSCODE }]],
    keyProtection: KeyProtection.SOFTWARE,
    matcherProtection: MatcherProtection.SOFTWARE,
    attachmentHint: AttachmentHint.INTERNAL,
    isSecondFactorOnly: false,
    tcDisplay: row.transactionConfirmation ? TransactionConfirmationDisplay.ANY : 0,
    ...(row.transactionConfirmation ? { tcDisplayContentType: 'text/plain' } : {}),
    // Surrogate attestation has no chain to anchor (Metadata Statements: empty for surrogate).
    attestationRootCertificates: row.attestationType === full ? [rootCertificate] : [],
  };
}

async function main(): Promise<void> {
  if (existsSync(fixturesFile) && !process.argv.includes('--force')) {
    console.error(`${fixturesFile} exists; rerun with --force to replace every test key and certificate.`);
    process.exit(1);
  }
  const caKey = await generateSigningKey({ keyType: 'secp256r1', scheme: 'ecdsa' });
  const rootDer = await buildCertificate({
    serialNumber: 1,
    subject: caName,
    issuer: caName,
    ...validity,
    subjectKey: caKey,
    issuerKey: caKey,
    isCertificateAuthority: true,
  });
  const rootCertificate = base64.encode(rootDer);

  const profiles: AuthenticatorProfile[] = [];
  for (const [index, row] of rows.entries()) {
    let attestation: AuthenticatorProfile['attestation'];
    if (row.attestationType === full) {
      const attestationKey = await generateSigningKey(deviceSignatureAlgorithm(row.authenticationAlgorithm));
      const leaf = await buildCertificate({
        serialNumber: 0x1000 + index,
        subject: { ...caName, OU: 'Authenticator Attestation', CN: `Outband Test Authenticator ${row.aaid}` },
        issuer: caName,
        ...validity,
        subjectKey: attestationKey,
        issuerKey: caKey,
        isCertificateAuthority: false,
        aaid: row.aaid,
      });
      attestation = { testOnlyPrivateKeyJwk: attestationKey.privateJwk, certificateChain: [base64.encode(leaf)] };
    }
    const statement = parseMetadataStatement(metadataStatement(row, rootCertificate));
    profiles.push({ metadataStatement: statement, ...(attestation === undefined ? {} : { attestation }) });
    const file = join(metadataDir, `${row.aaid.replace('#', '-')}.json`);
    await mkdir(metadataDir, { recursive: true });
    await writeFile(file, `${JSON.stringify(statement, null, 2)}\n`);
  }

  const fixtures = {
    _about:
      'TEST-ONLY SECRETS. Attestation keys of the Outband test authenticators and of their test CA, generated by ' +
      'scripts/makeTestAuthenticators.ts. Never trust these roots in production.',
    attestationCa: {
      certificate: rootCertificate,
      validity: { notBefore: validity.notBefore.toISOString(), notAfter: validity.notAfter.toISOString() },
      testOnlyPrivateKeyJwk: caKey.privateJwk,
    },
    authenticators: profiles,
  };
  await mkdir(dirname(fixturesFile), { recursive: true });
  await writeFile(fixturesFile, `${JSON.stringify(fixtures, null, 2)}\n`);
  console.log(`Wrote ${profiles.length} metadata statements to ${metadataDir} and ${fixturesFile}`);
}

await main();
