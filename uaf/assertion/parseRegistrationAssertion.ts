import { TlvMalformed } from '../errors.js';
import * as base64url from '../encoding/base64url.js';
import { decodeSingleTlv, readUint16, readUint32 } from '../tlv/decodeTlv.js';
import { readTlvGroup } from '../tlv/readTlvGroup.js';
import { Tag } from '../tlv/tags.js';
import { aaidSpec, finalChallengeHashSpec, keyIdSpec, readAaid } from './assertionFields.js';

/** The attestation block of a registration assertion. */
export type RegistrationAttestation =
  | { type: 'basicFull'; signature: Uint8Array; certificates: Uint8Array[] }
  | { type: 'basicSurrogate'; signature: Uint8Array };

/** A TAG_UAFV1_REG_ASSERTION, decoded (UAF Authenticator Commands §5.2.1). */
export interface RegistrationAssertion {
  aaid: string;
  /** KeyID as base64url, the form used in JSON and storage. */
  keyID: string;
  authenticatorVersion: number;
  authenticationMode: number;
  authenticationAlgorithm: number;
  publicKeyAlgAndEncoding: number;
  finalChallengeHash: Uint8Array;
  signCounter: number;
  regCounter: number;
  publicKey: Uint8Array;
  /** The whole TAG_UAFV1_KRD TLV: the bytes the attestation signature covers. */
  signedData: Uint8Array;
  attestation: RegistrationAttestation;
}

/** The TLV tag (= attestation type value, FIDO Registry) of each attestation block. */
export const attestationTypeTags: Readonly<Record<RegistrationAttestation['type'], number>> = {
  basicFull: Tag.ATTESTATION_BASIC_FULL,
  basicSurrogate: Tag.ATTESTATION_BASIC_SURROGATE,
};

const assertionSpec = {
  krd: { tag: Tag.UAFV1_KRD },
  basicFull: { tag: Tag.ATTESTATION_BASIC_FULL, optional: true },
  basicSurrogate: { tag: Tag.ATTESTATION_BASIC_SURROGATE, optional: true },
  ecdaa: { tag: Tag.ATTESTATION_ECDAA, optional: true },
} as const;

const krdSpec = {
  aaid: aaidSpec,
  // ASSERTION_INFO in KRD: version u16, mode u8, signature alg u16, key encoding u16.
  assertionInfo: { tag: Tag.ASSERTION_INFO, length: 7 },
  finalChallengeHash: finalChallengeHashSpec,
  keyId: keyIdSpec,
  // COUNTERS in KRD: sign counter u32, registration counter u32.
  counters: { tag: Tag.COUNTERS, length: 8 },
  publicKey: { tag: Tag.PUB_KEY, maxLength: 2048 },
} as const;

const basicFullSpec = {
  signature: { tag: Tag.SIGNATURE, maxLength: 1024 },
  certificates: { tag: Tag.ATTESTATION_CERT, repeated: true },
} as const;

const basicSurrogateSpec = { signature: { tag: Tag.SIGNATURE, maxLength: 1024 } } as const;

/** Decodes a registration assertion (base64url-decoded `assertion` bytes). Throws `TlvMalformed`. */
export function parseRegistrationAssertion(bytes: Uint8Array): RegistrationAssertion {
  const top = decodeSingleTlv(bytes, Tag.UAFV1_REG_ASSERTION);
  const blocks = readTlvGroup(top, assertionSpec);
  const krd = readTlvGroup(blocks.krd, krdSpec);
  const info = krd.assertionInfo.value;
  const counters = krd.counters.value;
  return {
    aaid: readAaid(krd.aaid),
    keyID: base64url.encode(krd.keyId.value),
    authenticatorVersion: readUint16(info, 0),
    authenticationMode: info[2]!,
    authenticationAlgorithm: readUint16(info, 3),
    publicKeyAlgAndEncoding: readUint16(info, 5),
    finalChallengeHash: krd.finalChallengeHash.value,
    signCounter: readUint32(counters, 0),
    regCounter: readUint32(counters, 4),
    publicKey: krd.publicKey.value,
    signedData: blocks.krd.raw,
    attestation: readAttestation(blocks),
  };
}

// Exactly one attestation block follows the KRD (UAF Authenticator Commands §5.2.1); ECDAA is not supported.
function readAttestation(blocks: ReturnType<typeof readTlvGroup<typeof assertionSpec>>): RegistrationAttestation {
  const present = [blocks.basicFull, blocks.basicSurrogate, blocks.ecdaa].filter((b) => b !== undefined);
  if (present.length !== 1 || blocks.ecdaa !== undefined) {
    throw new TlvMalformed(present.length === 0 ? 'tlvMissingElement' : 'tlvUnexpectedElement',
      'The registration assertion needs exactly one Basic Full or Basic Surrogate attestation block.', {
        field: 'UAFV1_REG_ASSERTION.ATTESTATION',
        seen: present.length,
        expected: 1,
      });
  }
  if (blocks.basicFull !== undefined) {
    const full = readTlvGroup(blocks.basicFull, basicFullSpec);
    return { type: 'basicFull', signature: full.signature.value, certificates: full.certificates.map((c) => c.value) };
  }
  const surrogate = readTlvGroup(blocks.basicSurrogate!, basicSurrogateSpec);
  return { type: 'basicSurrogate', signature: surrogate.signature.value };
}
