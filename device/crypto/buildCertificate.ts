import {
  derBoolean,
  derElement,
  derExplicit,
  derObjectIdentifier,
  derOctetString,
  derPrintableString,
  derSequence,
  derSet,
  derTime,
  derUnsignedInteger,
  derUtf8String,
  derBitString,
} from './der.js';
import type { SigningKey } from './signingKey.js';

// Builds X.509 v3 certificates for the project's test attestation CA and its attestation
// leaves. Validity dates are always explicit, so a generated certificate never depends on
// when the script ran (swa `server/helpers/tests/x509Utils.ts` does the same).

export interface DistinguishedName {
  readonly C?: string;
  readonly O?: string;
  readonly OU?: string;
  readonly CN: string;
}

export type CertifiedKey = Pick<SigningKey, 'keyType' | 'publicKeyRaw' | 'publicKeyPkcs1' | 'publicKeySpki'>;

export interface BuildCertificateOptions {
  readonly serialNumber: number;
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The certified key (only its public half is used). */
  readonly subjectKey: CertifiedKey;
  /** The issuer's ECDSA key (P-256 or secp256k1); signs with ecdsa-with-SHA256. */
  readonly issuerKey: SigningKey;
  readonly isCertificateAuthority: boolean;
  /** Written into the FIDO extension id-fido-gen-ce-aaid when set. */
  readonly aaid?: string;
}

const oids = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  fidoAaid: '1.3.6.1.4.1.45724.1.1.1',
} as const;

// KeyUsage bits, first octet (RFC 5280 §4.2.1.3): digitalSignature = bit 0, keyCertSign = 5, cRLSign = 6.
const keyUsageForCa = derElement(0x03, Uint8Array.of(0x01, 0x06));
const keyUsageForLeaf = derElement(0x03, Uint8Array.of(0x07, 0x80));

function encodeName(name: DistinguishedName): Uint8Array {
  const attribute = (oid: string, value: Uint8Array): Uint8Array => derSet(derSequence(derObjectIdentifier(oid), value));
  return derSequence(
    ...(name.C === undefined ? [] : [attribute(oids.countryName, derPrintableString(name.C))]),
    ...(name.O === undefined ? [] : [attribute(oids.organizationName, derUtf8String(name.O))]),
    ...(name.OU === undefined ? [] : [attribute(oids.organizationalUnitName, derUtf8String(name.OU))]),
    attribute(oids.commonName, derUtf8String(name.CN)),
  );
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return derSequence(derObjectIdentifier(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
}

/** SHA-1 over the subjectPublicKey BIT STRING content (RFC 5280 §4.2.1.2, method 1). */
async function keyIdentifier(key: CertifiedKey): Promise<Uint8Array> {
  const keyBits = key.keyType === 'rsa' ? key.publicKeyPkcs1() : key.publicKeyRaw();
  return new Uint8Array(await crypto.subtle.digest('SHA-1', keyBits));
}

/** Returns the DER bytes of a signed X.509 v3 certificate. */
export async function buildCertificate(options: BuildCertificateOptions): Promise<Uint8Array> {
  const signatureAlgorithm = derSequence(derObjectIdentifier(oids.ecdsaWithSha256));
  const extensions = [
    extension(oids.basicConstraints, true, derSequence(...(options.isCertificateAuthority ? [derBoolean(true)] : []))),
    extension(oids.keyUsage, true, options.isCertificateAuthority ? keyUsageForCa : keyUsageForLeaf),
    extension(oids.subjectKeyIdentifier, false, derOctetString(await keyIdentifier(options.subjectKey))),
    extension(
      oids.authorityKeyIdentifier,
      false,
      derSequence(derElement(0x80, await keyIdentifier(options.issuerKey))),
    ),
    ...(options.aaid === undefined
      ? []
      : [extension(oids.fidoAaid, false, derOctetString(new TextEncoder().encode(options.aaid)))]),
  ];
  const tbsCertificate = derSequence(
    derExplicit(0, derUnsignedInteger(Uint8Array.of(2))),
    derUnsignedInteger(serialBytes(options.serialNumber)),
    signatureAlgorithm,
    encodeName(options.issuer),
    derSequence(derTime(options.notBefore), derTime(options.notAfter)),
    encodeName(options.subject),
    options.subjectKey.publicKeySpki(),
    derExplicit(3, derSequence(...extensions)),
  );
  const signature = await options.issuerKey.sign(tbsCertificate, 'der');
  return derSequence(tbsCertificate, signatureAlgorithm, derBitString(signature));
}

function serialBytes(serialNumber: number): Uint8Array {
  const bytes: number[] = [];
  for (let rest = serialNumber; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.from(bytes.length === 0 ? [0] : bytes);
}
