/**
 * The workflow shapes whose recorded histories are replayed on every test run
 * (test/replay/replay.test.ts) and re-recorded by `npm run record-histories`.
 */
export const historyShapes = [
  'registration-succeeded',
  'authentication-succeeded',
  'transaction-confirmation-succeeded',
  'authentication-bad-signature',
  'authentication-expired',
  'deregistration-succeeded',
  'oob-authentication-succeeded',
  'oob-fallback-latest-only',
  'oob-denied',
  'oob-token-expired',
  'probe',
] as const;
export type HistoryShape = (typeof historyShapes)[number];

/**
 * The payload codec key the recordings were made with: a fixed test key, so the replayer can
 * decode the recorded (encrypted) payloads. Not a secret: it protects nothing but these fixtures.
 */
export const recordingCodecKey = Buffer.from('outband-replay-fixtures-key-0001').toString('base64');

export const historiesDir = new URL('./histories/', import.meta.url).pathname;

export interface RecordedHistory {
  workflowId: string;
  workflowType: string;
  /** As `temporal workflow show --output json` prints it. */
  history: { events: unknown[] };
}
