import { encodeTlv, encodeUint16, encodeUint32 } from '../../uaf/tlv/encodeTlv.js';
import { Tag } from '../../uaf/tlv/tags.js';
import * as utf8 from '../../uaf/encoding/utf8.js';
import { AttestationType, AuthenticationMode, type AlgKey } from '../../uaf/registry.js';

// TAG_UAFV1_REG_ASSERTION as an authenticator emits it (UAF Authenticator Commands §5.2.2).
// Pure: the caller signs.

export interface KeyRegistrationData {
  readonly aaid: string;
  readonly authenticatorVersion: number;
  readonly signatureAlgAndEncoding: number;
  readonly publicKeyAlgAndEncoding: AlgKey;
  readonly finalChallengeHash: Uint8Array;
  readonly keyID: Uint8Array;
  readonly signCounter: number;
  readonly regCounter: number;
  readonly publicKey: Uint8Array;
}

/** The TAG_UAFV1_KRD TLV; its complete bytes (header included) are what attestation signs. */
export function buildKeyRegistrationData(krd: KeyRegistrationData): Uint8Array {
  return encodeTlv(
    Tag.UAFV1_KRD,
    encodeTlv(Tag.AAID, utf8.encode(krd.aaid)),
    encodeTlv(
      Tag.ASSERTION_INFO,
      encodeUint16(krd.authenticatorVersion),
      Uint8Array.of(AuthenticationMode.USER_VERIFIED),
      encodeUint16(krd.signatureAlgAndEncoding),
      encodeUint16(krd.publicKeyAlgAndEncoding),
    ),
    encodeTlv(Tag.FINAL_CHALLENGE_HASH, krd.finalChallengeHash),
    encodeTlv(Tag.KEYID, krd.keyID),
    encodeTlv(Tag.COUNTERS, encodeUint32(krd.signCounter), encodeUint32(krd.regCounter)),
    encodeTlv(Tag.PUB_KEY, krd.publicKey),
  );
}

export type RegistrationAttestation =
  | { readonly type: typeof AttestationType.BASIC_FULL; readonly signature: Uint8Array; readonly certificates: readonly Uint8Array[] }
  | { readonly type: typeof AttestationType.BASIC_SURROGATE; readonly signature: Uint8Array };

/** KRD plus one attestation block: Basic Full (signature + chain, leaf first) or Basic Surrogate (signature). */
export function buildRegistrationAssertion(krdTlv: Uint8Array, attestation: RegistrationAttestation): Uint8Array {
  const certificates = attestation.type === AttestationType.BASIC_FULL ? attestation.certificates : [];
  return encodeTlv(
    Tag.UAFV1_REG_ASSERTION,
    krdTlv,
    encodeTlv(
      attestation.type,
      encodeTlv(Tag.SIGNATURE, attestation.signature),
      ...certificates.map((certificate) => encodeTlv(Tag.ATTESTATION_CERT, certificate)),
    ),
  );
}
