import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { ConfigurationInvalid } from '../errors.js';
import * as base64 from '../encoding/base64.js';
import { AttestationType, assertionSchemeUafV1Tlv } from '../registry.js';
import { signatureAlgorithms } from '../crypto/signatureAlgorithms.js';
import { displayPngCharacteristicsSchema, versionSchema } from '../response/messageSchemas.js';
import { formatPath } from '../response/messageErrorFromZod.js';

// Metadata Statements §3.1 VerificationMethodDescriptor (descriptors kept as opaque objects).
const verificationMethodDescriptorSchema = z.looseObject({
  userVerification: z.number().int().nonnegative(),
  caDesc: z.record(z.string(), z.unknown()).optional(),
  baDesc: z.record(z.string(), z.unknown()).optional(),
  paDesc: z.record(z.string(), z.unknown()).optional(),
});

const supportedAttestationTypes: readonly number[] = [AttestationType.BASIC_FULL, AttestationType.BASIC_SURROGATE];

/**
 * A UAF 1.1 metadata statement (FIDO Metadata Statements v1.1 §4,
 * https://fidoalliance.org/specs/fido-uaf-v1.1-ps-20170202/fido-metadata-statement-v1.1-ps-20170202.html).
 * Members this server does not use (icon, legalHeader, …) are kept as given.
 */
export const metadataStatementSchema = z
  .looseObject({
    aaid: z.string().regex(/^[0-9A-Fa-f]{4}#[0-9A-Fa-f]{4}$/),
    description: z.string().min(1),
    authenticatorVersion: z.number().int().nonnegative(),
    upv: z.array(versionSchema).min(1),
    assertionScheme: z.literal(assertionSchemeUafV1Tlv),
    authenticationAlgorithm: z.number().int().refine((alg) => Object.hasOwn(signatureAlgorithms, alg), 'a supported algorithm'),
    publicKeyAlgAndEncoding: z.number().int().min(0x0100).max(0x0104),
    attestationTypes: z.array(z.number().int().refine((t) => supportedAttestationTypes.includes(t), '0x3E07 or 0x3E08')).min(1),
    userVerificationDetails: z.array(z.array(verificationMethodDescriptorSchema).min(1)).min(1),
    keyProtection: z.number().int().nonnegative(),
    matcherProtection: z.number().int().nonnegative(),
    attachmentHint: z.number().int().nonnegative(),
    isSecondFactorOnly: z.boolean(),
    tcDisplay: z.number().int().nonnegative(),
    tcDisplayContentType: z.string().optional(),
    tcDisplayPNGCharacteristics: z.array(displayPngCharacteristicsSchema).optional(),
    attestationRootCertificates: z.array(z.string().min(1)),
    isKeyRestricted: z.boolean().optional(),
    isFreshUserVerificationRequired: z.boolean().optional(),
  })
  .refine((s) => !s.attestationTypes.includes(AttestationType.BASIC_FULL) || s.attestationRootCertificates.length > 0, {
    message: 'Basic Full attestation needs at least one attestationRootCertificates entry',
    path: ['attestationRootCertificates'],
  })
  .refine((s) => s.tcDisplay === 0 || s.tcDisplayContentType !== undefined, {
    message: 'tcDisplay needs tcDisplayContentType',
    path: ['tcDisplayContentType'],
  });

export type MetadataStatement = z.infer<typeof metadataStatementSchema>;

/**
 * Validates a metadata statement from an already-read JSON value; every root certificate must be
 * standard base64 of DER X.509 (Metadata Statements §4 `attestationRootCertificates`).
 * Throws `ConfigurationInvalid` (`metadataInvalid`) naming the failing member.
 */
export function parseMetadataStatement(json: unknown): MetadataStatement {
  const parsed = metadataStatementSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigurationInvalid('metadataInvalid', 'The metadata statement is not valid.', {
      field: formatPath('', issue?.path ?? []),
      seen: (json as { aaid?: unknown } | null)?.aaid,
      expected: issue?.message,
    });
  }
  parsed.data.attestationRootCertificates.forEach((text, index) => {
    try {
      new X509Certificate(base64.decode(text));
    } catch (cause) {
      throw new ConfigurationInvalid('metadataInvalid', 'A metadata root certificate is not base64 DER X.509.', {
        field: `attestationRootCertificates[${index}]`,
        seen: parsed.data.aaid,
        cause,
      });
    }
  });
  return parsed.data;
}

/** Anything that finds a statement by AAID: a `Map`, or an object with `get`. */
export interface MetadataLookup {
  get(aaid: string): MetadataStatement | undefined;
}
