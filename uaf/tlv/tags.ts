/**
 * UAF TLV tags (FIDO UAF Registry of Predefined Values §3.1,
 * https://fidoalliance.org/specs/fido-uaf-v1.1-ps-20170202/fido-uaf-reg-v1.1-ps-20170202.html#tags-used-in-the-protocol,
 * and UAF Authenticator Commands §5, for the command tags an authenticator emulator may use).
 * Keys are the spec names without the `TAG_` prefix.
 */
export const Tag = {
  // Assertions (UAFV1TLV)
  UAFV1_REG_ASSERTION: 0x3e01,
  UAFV1_AUTH_ASSERTION: 0x3e02,
  UAFV1_KRD: 0x3e03,
  UAFV1_SIGNED_DATA: 0x3e04,
  ATTESTATION_CERT: 0x2e05,
  SIGNATURE: 0x2e06,
  ATTESTATION_BASIC_FULL: 0x3e07,
  ATTESTATION_BASIC_SURROGATE: 0x3e08,
  ATTESTATION_ECDAA: 0x3e09,
  KEYID: 0x2e09,
  FINAL_CHALLENGE_HASH: 0x2e0a,
  AAID: 0x2e0b,
  PUB_KEY: 0x2e0c,
  COUNTERS: 0x2e0d,
  ASSERTION_INFO: 0x2e0e,
  AUTHENTICATOR_NONCE: 0x2e0f,
  TRANSACTION_CONTENT_HASH: 0x2e10,
  EXTENSION: 0x3e11,
  EXTENSION_NON_CRITICAL: 0x3e12,
  EXTENSION_ID: 0x2e13,
  EXTENSION_DATA: 0x2e14,
  // Authenticator commands (ASM ↔ authenticator; only an emulator needs these)
  UAFV1_GETINFO_CMD: 0x3401,
  UAFV1_GETINFO_CMD_RESPONSE: 0x3601,
  UAFV1_REGISTER_CMD: 0x3402,
  UAFV1_REGISTER_CMD_RESPONSE: 0x3602,
  UAFV1_SIGN_CMD: 0x3403,
  UAFV1_SIGN_CMD_RESPONSE: 0x3603,
  UAFV1_DEREGISTER_CMD: 0x3404,
  UAFV1_DEREGISTER_CMD_RESPONSE: 0x3604,
  UAFV1_OPEN_SETTINGS_CMD: 0x3406,
  UAFV1_OPEN_SETTINGS_CMD_RESPONSE: 0x3606,
  KEYHANDLE: 0x2801,
  USERNAME_AND_KEYHANDLE: 0x3802,
  USERVERIFY_TOKEN: 0x2803,
  KEYHANDLE_ACCESS_TOKEN: 0x2805,
  USERNAME: 0x2806,
  AUTHENTICATOR_METADATA: 0x2809,
  TC_DISPLAY_PNG_CHARACTERISTICS: 0x280b,
  TC_DISPLAY_CONTENT_TYPE: 0x280c,
  TRANSACTION_CONTENT: 0x2810,
} as const;

export type TagName = keyof typeof Tag;
export type Tag = (typeof Tag)[TagName];

/** Bit 0x1000 marks a composite tag whose value is itself a sequence of TLVs (UAF Registry §3.1). */
export const compositeTagBit = 0x1000;

/** True when `tag` has the composite bit set. Never throws. */
export function isCompositeTag(tag: number): boolean {
  return (tag & compositeTagBit) !== 0;
}

const namesByTag = new Map<number, TagName>(
  (Object.entries(Tag) as [TagName, Tag][]).map(([name, tag]) => [tag, name]),
);

/** The spec name of `tag` (`'0x1234'` for a tag the registry does not list), for error context. */
export function tagName(tag: number): string {
  return namesByTag.get(tag) ?? `0x${tag.toString(16).padStart(4, '0')}`;
}
