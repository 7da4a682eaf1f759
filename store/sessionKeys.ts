import { createHash, createHmac, randomBytes } from 'node:crypto';

// Ids and keys of sessions and tokens, derived the same way by the API (which mints them) and the
// activities (which index them).

/** A new session id: 128 bits from the CSPRNG, base64url. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** The workflow ids of operations: `uaf-` and 32 base64url characters (workflowIdOf). */
const workflowIdPrefix = 'uaf-';
/** `<workflow reference>.<secret>`: 32 + 1 + 32 base64url characters. */
const dispatchTokenPattern = /^([A-Za-z0-9_-]{32})\.[A-Za-z0-9_-]{32}$/;

/**
 * The token of one dispatch (session `sessionId` of workflow `workflowId`), derived rather than
 * drawn, so that it never has to travel through workflow history: the activity that sends it and
 * the API that answers it to the relying party both compute it from the server key. It names its
 * workflow (the workflow id's reference, never the session id, which the browser knows), so a
 * redeem needs no index lookup; the secret is 192 bits of HMAC over the workflow and session ids,
 * which nobody without the key can compute from what history, browser or phone hold.
 */
export function dispatchTokenOf(workflowId: string, sessionId: string, key: Uint8Array): string {
  const secret = createHmac('sha256', key).update(`${workflowId}\n${sessionId}`).digest().subarray(0, 24).toString('base64url');
  return `${workflowId.slice(workflowIdPrefix.length)}.${secret}`;
}

/** The workflow a dispatch token names, or undefined for anything not shaped like one. */
export function workflowIdOfToken(token: string): string | undefined {
  const reference = dispatchTokenPattern.exec(token)?.[1];
  return reference === undefined ? undefined : `${workflowIdPrefix}${reference}`;
}

/** What the workflow keeps of a token: its SHA-256 (a 192-bit secret needs no key). */
export function tokenHashOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * The workflow id of a session: a keyed hash, so the ids an operator sees in the Temporal UI do not
 * reveal the session ids that the status endpoint accepts.
 */
export function workflowIdOf(sessionId: string, key: Uint8Array): string {
  return `${workflowIdPrefix}${createHmac('sha256', key).update(sessionId).digest('base64url').slice(0, 32)}`;
}

/** Keyed hash of a user name, for search attributes. */
export function userHashOf(username: string, key: Uint8Array): string {
  return createHmac('sha256', key).update(username).digest('hex').slice(0, 32);
}
