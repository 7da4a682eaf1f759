import { encodeTlv, encodeUint16, encodeUint32 } from '../../uaf/tlv/encodeTlv.js';
import { Tag } from '../../uaf/tlv/tags.js';
import * as utf8 from '../../uaf/encoding/utf8.js';
import type { AuthenticationMode } from '../../uaf/registry.js';

// TAG_UAFV1_AUTH_ASSERTION as an authenticator emits it (UAF Authenticator Commands §5.2.3).
// Pure: the caller signs.

export interface SignedData {
  readonly aaid: string;
  readonly authenticatorVersion: number;
  readonly authenticationMode: AuthenticationMode;
  readonly signatureAlgAndEncoding: number;
  readonly authenticatorNonce: Uint8Array;
  readonly finalChallengeHash: Uint8Array;
  /** Empty unless a transaction was shown (mode 0x02). */
  readonly transactionContentHash: Uint8Array;
  readonly keyID: Uint8Array;
  readonly signCounter: number;
}

/** The TAG_UAFV1_SIGNED_DATA TLV; its complete bytes (header included) are what UAuth.priv signs. */
export function buildSignedData(data: SignedData): Uint8Array {
  return encodeTlv(
    Tag.UAFV1_SIGNED_DATA,
    encodeTlv(Tag.AAID, utf8.encode(data.aaid)),
    encodeTlv(
      Tag.ASSERTION_INFO,
      encodeUint16(data.authenticatorVersion),
      Uint8Array.of(data.authenticationMode),
      encodeUint16(data.signatureAlgAndEncoding),
    ),
    encodeTlv(Tag.AUTHENTICATOR_NONCE, data.authenticatorNonce),
    encodeTlv(Tag.FINAL_CHALLENGE_HASH, data.finalChallengeHash),
    encodeTlv(Tag.TRANSACTION_CONTENT_HASH, data.transactionContentHash),
    encodeTlv(Tag.KEYID, data.keyID),
    encodeTlv(Tag.COUNTERS, encodeUint32(data.signCounter)),
  );
}

export function buildAuthenticationAssertion(signedDataTlv: Uint8Array, signature: Uint8Array): Uint8Array {
  return encodeTlv(Tag.UAFV1_AUTH_ASSERTION, signedDataTlv, encodeTlv(Tag.SIGNATURE, signature));
}
