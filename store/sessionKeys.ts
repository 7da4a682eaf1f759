import { createHash, createHmac, randomBytes } from 'node:crypto';

// Ids and keys of sessions and tokens, derived the same way by the API (which mints them) and the
// activities (which index them).

/** A new session id or token: 128 bits from the CSPRNG, base64url. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}
export const newToken = newSessionId;

/** What is stored of a token: its SHA-256 (a 128-bit random token needs no key). */
export function tokenHashOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * The workflow id of a session: a keyed hash, so the ids an operator sees in the Temporal UI do not
 * reveal the session ids that the status endpoint accepts.
 */
export function workflowIdOf(sessionId: string, key: Uint8Array): string {
  return `uaf-${createHmac('sha256', key).update(sessionId).digest('base64url').slice(0, 32)}`;
}

/** Keyed hash of a user name, for search attributes. */
export function userHashOf(username: string, key: Uint8Array): string {
  return createHmac('sha256', key).update(username).digest('hex').slice(0, 32);
}
