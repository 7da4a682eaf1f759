import { TlvMalformed } from '../errors.js';
import type { TlvElement } from '../tlv/decodeTlv.js';
import { Tag } from '../tlv/tags.js';

/** KeyID: 32..2048 bytes (UAF Protocol §3.6.1 keyID; the conformance tool sends 32). */
export const keyIdSpec = { tag: Tag.KEYID, minLength: 32, maxLength: 2048 } as const;
/** AAID: 9 ASCII bytes `VVVV#MMMM` (UAF Protocol §3.1.4). */
export const aaidSpec = { tag: Tag.AAID, length: 9 } as const;
/** FinalChallengeHash: the hash of the signature algorithm; its value is compared later. */
export const finalChallengeHashSpec = { tag: Tag.FINAL_CHALLENGE_HASH, maxLength: 64 } as const;

const aaidPattern = /^[0-9A-Fa-f]{4}#[0-9A-Fa-f]{4}$/;

/** The AAID text of an AAID TLV; refuses anything but `hhhh#hhhh` (UAF Protocol §3.1.4). */
export function readAaid(element: TlvElement): string {
  let text = '';
  for (const byte of element.value) text += String.fromCharCode(byte);
  if (!aaidPattern.test(text)) {
    throw new TlvMalformed('tlvInvalidValue', 'The AAID is not of the form VVVV#MMMM.', {
      field: 'AAID',
      seen: text.replace(/[^\x20-\x7e]/g, '?'),
      expected: 'VVVV#MMMM',
    });
  }
  return text;
}
