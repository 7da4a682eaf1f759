import { createDispatchers } from '../dispatch/createDispatcherRegistry.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import { firebaseCloudMessagingId } from '../dispatch/firebaseCloudMessaging.js';

/**
 * The dispatcher ids a dispatch target may name: the registry's own (the built-ins and the
 * plug-ins of DISPATCH_PLUGINS, in the worker's order and with its duplicate check), built here
 * without a firebase-admin client, plus `firebase-cloud-messaging`, which is a built-in even where
 * this deployment has no FCM credentials (a dispatch to it then answers `dispatchError`).
 */
export function registeredDispatcherIds(linkBaseUrl: string, plugins: readonly Dispatcher[] = []): string[] {
  return [firebaseCloudMessagingId, ...createDispatchers({ linkBaseUrl, plugins }).ids];
}
