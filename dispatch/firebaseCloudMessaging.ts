import type { Messaging, TokenMessage } from 'firebase-admin/messaging';
import { buildDispatchPayload, buildFcmData } from './buildDispatchPayload.js';
import type { Dispatcher, DispatchRequest } from './dispatcher.js';
import { DispatchFailed, DispatchTimeout } from './errors.js';
import { settleDispatch } from './settleDispatch.js';

// `firebase-cloud-messaging`: a data message with the three `nma_*` keys, always end-to-end
// encrypted, plus the visible notification of `dispatchInformation.notification`. The
// Messaging client is injected: real FCM or the emulator is decided where the app is built
// (createFirebaseMessaging.ts), never here.

export const firebaseCloudMessagingId = 'firebase-cloud-messaging';

export interface FirebaseCloudMessagingOptions {
  /** `getMessaging(app)` of firebase-admin, or anything with its `send`. */
  readonly messaging: Pick<Messaging, 'send'>;
  /** Bound on one send, retries by firebase-admin included (docs/api.md: 3 s by default). */
  readonly timeoutMs?: number;
}

// Inside the API's 6 s budget for a dispatch call (api/temporal/withUpdateRecovery.ts), so a hung
// provider yields `dispatchError` and never a 503 or a client's 10 s timeout (test/drills/fcmOutage.test.ts).
export const defaultFcmTimeoutMs = 3_000;

/** firebase-admin error codes (`messaging/…`, `app/…`) and what they mean for the dispatch. */
const providerCodes: Readonly<Record<string, readonly [DispatchFailed['code'], string]>> = {
  'messaging/registration-token-not-registered': ['targetUnregistered', 'FCM says the registration token is no longer registered.'],
  'messaging/invalid-registration-token': ['targetInvalid', 'FCM says the registration token is not valid.'],
  'messaging/server-unavailable': ['providerUnavailable', 'FCM is unavailable.'],
  'messaging/internal-error': ['providerUnavailable', 'FCM failed with an internal error.'],
  'messaging/unknown-error': ['providerUnavailable', 'FCM answered with an unknown server error.'],
  'app/network-error': ['providerUnavailable', 'FCM could not be reached.'],
  'app/network-timeout': ['providerUnavailable', 'The connection to FCM timed out.'],
};

/** The one mapping of provider failures to dispatch failures; the original stays as `cause`. */
export function identifyFcmError(error: unknown): DispatchFailed {
  if (error instanceof DispatchFailed) return error;
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const known = code === undefined ? undefined : providerCodes[code];
  if (known !== undefined) return new DispatchFailed(known[0], known[1], error);
  if (code?.startsWith('messaging/') || code?.startsWith('app/')) {
    return new DispatchFailed('providerRejected', `FCM refused the message (${code}).`, error);
  }
  return new DispatchFailed('providerUnavailable', 'The FCM send failed unexpectedly.', error);
}

/** Resolves as `work` does, or rejects with DispatchTimeout after `timeoutMs`; a late result is dropped. */
async function withinBound<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DispatchTimeout(firebaseCloudMessagingId, timeoutMs)), timeoutMs);
  });
  work.catch(() => undefined); // a send that fails after the bound must not become an unhandled rejection
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/** The FCM v1 message: token, `nma_*` data (JWE), and the notification when one is given. */
async function buildMessage({ nmaData, target, dispatchInformation }: DispatchRequest): Promise<TokenMessage> {
  if (target?.target === undefined || target.target === '') {
    throw new DispatchFailed('targetMissing', 'The dispatch target has no FCM registration token.');
  }
  if (target.encryptionKey === undefined) {
    throw new DispatchFailed('encryptionKeyMissing', 'End-to-end encryption is mandatory for FCM and the dispatch target has no encryptionKey.');
  }
  const { title, body } = dispatchInformation?.notification ?? {};
  const notification = { ...(title !== undefined && { title }), ...(body !== undefined && { body }) };
  return {
    token: target.target,
    data: buildFcmData(await buildDispatchPayload(nmaData, target.encryptionKey)),
    ...(Object.keys(notification).length > 0 && { notification }),
  };
}

export function createFirebaseCloudMessaging({ messaging, timeoutMs = defaultFcmTimeoutMs }: FirebaseCloudMessagingOptions): Dispatcher {
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}.`);
  return {
    id: firebaseCloudMessagingId,
    targetRequired: true,
    dispatch: (request) =>
      settleDispatch(firebaseCloudMessagingId, async () => withinBound(messaging.send(await buildMessage(request)), timeoutMs), identifyFcmError),
  };
}
