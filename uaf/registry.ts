/**
 * Values from the FIDO Registry of Predefined Values
 * (https://fidoalliance.org/specs/fido-uaf-v1.1-ps-20170202/fido-registry-v1.1-ps-20170202.html)
 * and the UAF Registry. Keys are the spec names without their `UAF_ALG_SIGN_` / `UAF_ALG_KEY_` /
 * `USER_VERIFY_` … prefix, so `AlgSign.SECP256R1_ECDSA_SHA256_RAW` is `UAF_ALG_SIGN_SECP256R1_ECDSA_SHA256_RAW`.
 */

/** Signature algorithm and encoding (FIDO Registry §3.6.1, `authenticationAlgorithm`). */
export const AlgSign = {
  SECP256R1_ECDSA_SHA256_RAW: 0x0001,
  SECP256R1_ECDSA_SHA256_DER: 0x0002,
  RSASSA_PSS_SHA256_RAW: 0x0003,
  RSASSA_PSS_SHA256_DER: 0x0004,
  SECP256K1_ECDSA_SHA256_RAW: 0x0005,
  SECP256K1_ECDSA_SHA256_DER: 0x0006,
  SM2_SM3_RAW: 0x0007,
  RSA_EMSA_PKCS1_SHA256_RAW: 0x0008,
  RSA_EMSA_PKCS1_SHA256_DER: 0x0009,
} as const;
export type AlgSignName = keyof typeof AlgSign;
export type AlgSign = (typeof AlgSign)[AlgSignName];

/** Public key representation (FIDO Registry §3.6.2, `publicKeyAlgAndEncoding`). */
export const AlgKey = {
  ECC_X962_RAW: 0x0100,
  ECC_X962_DER: 0x0101,
  RSA_2048_RAW: 0x0102,
  RSA_2048_DER: 0x0103,
  COSE: 0x0104,
} as const;
export type AlgKeyName = keyof typeof AlgKey;
export type AlgKey = (typeof AlgKey)[AlgKeyName];

/** Attestation types, identified by their TLV tag (UAF Registry §3.1, Metadata Statements `attestationTypes`). */
export const AttestationType = {
  BASIC_FULL: 0x3e07,
  BASIC_SURROGATE: 0x3e08,
  ECDAA: 0x3e09,
} as const;
export type AttestationTypeName = keyof typeof AttestationType;
export type AttestationType = (typeof AttestationType)[AttestationTypeName];

/** ASSERTION_INFO authenticationMode (UAF Authenticator Commands §5.2.1). */
export const AuthenticationMode = {
  USER_VERIFIED: 0x01,
  USER_VERIFIED_TRANSACTION_SHOWN: 0x02,
} as const;
export type AuthenticationMode = (typeof AuthenticationMode)[keyof typeof AuthenticationMode];

/** User verification methods, a 32-bit field (FIDO Registry §3.1). */
export const UserVerify = {
  PRESENCE: 0x001,
  FINGERPRINT: 0x002,
  PASSCODE: 0x004,
  VOICEPRINT: 0x008,
  FACEPRINT: 0x010,
  LOCATION: 0x020,
  EYEPRINT: 0x040,
  PATTERN: 0x080,
  HANDPRINT: 0x100,
  NONE: 0x200,
  ALL: 0x400,
} as const;

/** Key protection types, a 16-bit field (FIDO Registry §3.2). */
export const KeyProtection = {
  SOFTWARE: 0x01,
  HARDWARE: 0x02,
  TEE: 0x04,
  SECURE_ELEMENT: 0x08,
  REMOTE_HANDLE: 0x10,
} as const;

/** Matcher protection types, a 16-bit field (FIDO Registry §3.3). */
export const MatcherProtection = {
  SOFTWARE: 0x01,
  TEE: 0x02,
  ON_CHIP: 0x04,
} as const;

/** Authenticator attachment hints, a 32-bit field (FIDO Registry §3.4). */
export const AttachmentHint = {
  INTERNAL: 0x001,
  EXTERNAL: 0x002,
  WIRED: 0x004,
  WIRELESS: 0x008,
  NFC: 0x010,
  BLUETOOTH: 0x020,
  NETWORK: 0x040,
  READY: 0x080,
  WIFI_DIRECT: 0x100,
} as const;

/** Transaction confirmation display types, a 16-bit field (FIDO Registry §3.5). */
export const TransactionConfirmationDisplay = {
  ANY: 0x01,
  PRIVILEGED_SOFTWARE: 0x02,
  TEE: 0x04,
  HARDWARE: 0x08,
  REMOTE: 0x10,
} as const;

/** The only assertion scheme of UAF 1.1 (UAF Protocol §3.4.3). */
export const assertionSchemeUafV1Tlv = 'UAFV1TLV';

/** Media types (client-api-transport §4, AppID and Facets §3.1.1). */
export const mediaTypes = {
  uafMessage: 'application/fido+uaf',
  trustedFacets: 'application/fido.trusted-apps+json',
} as const;

/** The protocol version this server speaks. */
export const uafProtocolVersion = { major: 1, minor: 1 } as const;
