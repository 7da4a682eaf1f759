import type { Messaging } from 'firebase-admin/messaging';
import type { Dispatcher, DispatchOutcome, DispatchRequest } from './dispatcher.js';
import { createFirebaseCloudMessaging } from './firebaseCloudMessaging.js';
import { createLink } from './link.js';
import { createLinkPngQrCode } from './linkPngQrCode.js';
import { createPngQrCode } from './pngQrCode.js';
import { settleDispatch } from './settleDispatch.js';

// Dispatchers by id, built-ins and plug-ins alike (as swa picks a verifier by attestation
// format). The activity calls `dispatch(id, request)`; an unknown id is an outcome, not a throw.

export interface DispatcherRegistry {
  /** The ids in registration order. */
  readonly ids: readonly string[];
  get(id: string): Dispatcher | undefined;
  /** Runs the dispatcher `id`; `dispatcherNotFound` when there is none, and a throwing plug-in yields `dispatchError`. */
  dispatch(id: string, request: DispatchRequest): Promise<DispatchOutcome>;
}

export function createDispatcherRegistry(dispatchers: readonly Dispatcher[]): DispatcherRegistry {
  const byId = new Map<string, Dispatcher>();
  for (const dispatcher of dispatchers) {
    if (byId.has(dispatcher.id)) throw new RangeError(`Two dispatchers have the id ${dispatcher.id}.`);
    byId.set(dispatcher.id, dispatcher);
  }
  return {
    ids: [...byId.keys()],
    get: (id) => byId.get(id),
    async dispatch(id, request) {
      const dispatcher = byId.get(id);
      if (dispatcher === undefined) return { dispatchResult: 'dispatcherNotFound', dispatcherInformation: { name: id }, targetDead: false };
      // The interface says never throw; a plug-in that does anyway must not turn into a 500.
      return dispatcher.dispatch(request).catch((error: unknown) =>
        settleDispatch(id, () => Promise.reject(error)),
      );
    },
  };
}

export interface DispatchersOptions {
  /** `LINK_BASE_URL`. */
  readonly linkBaseUrl: string;
  /** firebase-admin Messaging (createFirebaseMessaging); without it `firebase-cloud-messaging` is not offered. */
  readonly messaging?: Pick<Messaging, 'send'>;
  /** Bound on one FCM send (default 3 s). */
  readonly fcmTimeoutMs?: number;
  /** Custom dispatchers; an id may not repeat a built-in one. */
  readonly plugins?: readonly Dispatcher[];
}

/** The four built-in dispatchers (FCM when a Messaging client is given) followed by the plug-ins. */
export function createDispatchers({ linkBaseUrl, messaging, fcmTimeoutMs, plugins = [] }: DispatchersOptions): DispatcherRegistry {
  return createDispatcherRegistry([
    ...(messaging === undefined ? [] : [createFirebaseCloudMessaging({ messaging, ...(fcmTimeoutMs !== undefined && { timeoutMs: fcmTimeoutMs }) })]),
    createPngQrCode(),
    createLink({ linkBaseUrl }),
    createLinkPngQrCode({ linkBaseUrl }),
    ...plugins,
  ]);
}
