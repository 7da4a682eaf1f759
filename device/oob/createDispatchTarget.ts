import { ServerRefused } from '../errors.js';
import type { PhoneKeys } from './createPhoneKeys.js';

export interface CreateDispatchTargetOptions {
  /** The context root, e.g. `http://localhost:3000/nevisfido`. */
  serverUrl: string;
  /** From `additionalTokens` of the UAF operation the phone just completed. */
  deviceToken: string;
  name: string;
  /** The push token (FCM registration token) the server sends to. */
  pushToken: string;
  keys: PhoneKeys;
  /** The app installation's id (the SDK's deviceId): the Device Service finds the device's credentials by it. */
  deviceId?: string;
  fetch?: typeof fetch;
}

/**
 * What the app does after its first successful operation: tells the server where to push and
 * which keys to encrypt to and to trust for later changes (API.md endpoint 7). Returns the id.
 */
export async function createDispatchTarget(options: CreateDispatchTargetOptions): Promise<{ id: string; extId: string }> {
  const response = await (options.fetch ?? fetch)(`${options.serverUrl}/token/dispatch/targets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.deviceToken}` },
    body: JSON.stringify({
      name: options.name,
      dispatcher: 'firebase-cloud-messaging',
      target: options.pushToken,
      encryptionKey: options.keys.encryption.publicJwk,
      signatureKey: options.keys.signature.publicJwk,
      ...(options.deviceId !== undefined && { deviceId: options.deviceId }),
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { id?: string; extId?: string; error?: string };
  if (response.status !== 201 || !body.id || !body.extId) {
    throw new ServerRefused(response.status, body.error ?? `http${response.status}`, undefined, `creating the dispatch target answered ${response.status}.`);
  }
  return { id: body.id, extId: body.extId };
}
