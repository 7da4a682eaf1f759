import { hkdfSync } from 'node:crypto';

/** One key per purpose, derived from SERVER_SECRET, so no key serves two roles. */
export interface ServerKeys {
  /** HMAC-SHA256 key protecting `serverData` of every UAF request. */
  serverData: Uint8Array;
  /** HS256 key of the device tokens in `additionalTokens`. */
  deviceToken: Uint8Array;
  /** Maps a session id to its workflow id (the id alone reveals no session id). */
  sessionId: Uint8Array;
  /** Keyed hash of user names for search attributes and logs. */
  userHash: Uint8Array;
  /** Derives each dispatch's token from its workflow and session ids (store/sessionKeys.ts `dispatchTokenOf`). */
  dispatchToken: Uint8Array;
  /** AES-256-GCM key of what the fetch channel keeps to rebuild a dispatch's payload (store/pendingDispatches.ts). */
  pendingDispatch: Uint8Array;
}

const purposes = ['serverData', 'deviceToken', 'sessionId', 'userHash', 'dispatchToken', 'pendingDispatch'] as const;

export function deriveKeys(serverSecret: Uint8Array): ServerKeys {
  const derive = (purpose: string) =>
    new Uint8Array(hkdfSync('sha256', serverSecret, new Uint8Array(0), `outband/${purpose}`, 32));
  return Object.fromEntries(purposes.map((purpose) => [purpose, derive(purpose)])) as unknown as ServerKeys;
}
