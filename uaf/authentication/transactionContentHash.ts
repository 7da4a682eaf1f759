import { sha256 } from '../crypto/sha256.js';
import * as base64url from '../encoding/base64url.js';
import type { Transaction } from '../protocolTypes.js';

/** SHA-256 of the transaction content shown, i.e. of the base64url-decoded `content` (UAF Protocol §3.5.7.5). */
export function transactionContentHash(transaction: Transaction): Uint8Array {
  return sha256(base64url.decode(transaction.content, 'transaction.content'));
}
