import * as base64url from '../encoding/base64url.js';
import * as utf8 from '../encoding/utf8.js';
import type { Transaction } from '../protocolTypes.js';
import { checkArgument } from './checkArgument.js';

/** Longest text/plain transaction, in characters (conformance Auth-Req-2 P-3). */
export const maxTransactionTextLength = 200;

/** A `text/plain` Transaction whose content is base64url(UTF-8 text) (UAF Protocol §3.5.1). */
export function buildTransaction(text: string): Transaction {
  const length = [...text].length;
  checkArgument(length >= 1 && length <= maxTransactionTextLength, 'transaction', length, `1..${maxTransactionTextLength} characters`);
  return { contentType: 'text/plain', content: base64url.encode(utf8.encode(text)) };
}
