import * as base64url from '../encoding/base64url.js';
import { decodeSingleTlv, readUint16, readUint32 } from '../tlv/decodeTlv.js';
import { readTlvGroup } from '../tlv/readTlvGroup.js';
import { Tag } from '../tlv/tags.js';
import { aaidSpec, finalChallengeHashSpec, keyIdSpec, readAaid } from './assertionFields.js';

/** A TAG_UAFV1_AUTH_ASSERTION, decoded (UAF Authenticator Commands §5.2.2). */
export interface AuthenticationAssertion {
  aaid: string;
  /** KeyID as base64url, the form used in JSON and storage. */
  keyID: string;
  authenticatorVersion: number;
  authenticationMode: number;
  authenticationAlgorithm: number;
  authenticatorNonce: Uint8Array;
  finalChallengeHash: Uint8Array;
  /** Empty unless a transaction was confirmed. */
  transactionContentHash: Uint8Array;
  signCounter: number;
  /** The whole TAG_UAFV1_SIGNED_DATA TLV: the bytes the signature covers. */
  signedData: Uint8Array;
  signature: Uint8Array;
}

const assertionSpec = {
  signedData: { tag: Tag.UAFV1_SIGNED_DATA },
  signature: { tag: Tag.SIGNATURE, maxLength: 1024 },
} as const;

const signedDataSpec = {
  aaid: aaidSpec,
  // ASSERTION_INFO in SignedData: version u16, mode u8, signature alg u16.
  assertionInfo: { tag: Tag.ASSERTION_INFO, length: 5 },
  // The authenticator nonce is at least 8 random bytes (UAF Authenticator Commands §5.2.2).
  authenticatorNonce: { tag: Tag.AUTHENTICATOR_NONCE, minLength: 8, maxLength: 64 },
  finalChallengeHash: finalChallengeHashSpec,
  // Present always; empty unless the transaction was shown (UAF Protocol §3.5.7.5).
  transactionContentHash: { tag: Tag.TRANSACTION_CONTENT_HASH, minLength: 0, maxLength: 64 },
  keyId: keyIdSpec,
  // COUNTERS in SignedData: sign counter u32.
  counters: { tag: Tag.COUNTERS, length: 4 },
} as const;

/** Decodes an authentication assertion (base64url-decoded `assertion` bytes). Throws `TlvMalformed`. */
export function parseAuthenticationAssertion(bytes: Uint8Array): AuthenticationAssertion {
  const top = decodeSingleTlv(bytes, Tag.UAFV1_AUTH_ASSERTION);
  const parts = readTlvGroup(top, assertionSpec);
  const signed = readTlvGroup(parts.signedData, signedDataSpec);
  const info = signed.assertionInfo.value;
  return {
    aaid: readAaid(signed.aaid),
    keyID: base64url.encode(signed.keyId.value),
    authenticatorVersion: readUint16(info, 0),
    authenticationMode: info[2]!,
    authenticationAlgorithm: readUint16(info, 3),
    authenticatorNonce: signed.authenticatorNonce.value,
    finalChallengeHash: signed.finalChallengeHash.value,
    transactionContentHash: signed.transactionContentHash.value,
    signCounter: readUint32(signed.counters.value, 0),
    signedData: parts.signedData.raw,
    signature: parts.signature.value,
  };
}
