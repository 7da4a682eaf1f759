import { buildDispatchPayload, encodeDispatchPayload } from './buildDispatchPayload.js';
import type { Dispatcher } from './dispatcher.js';
import { settleDispatch } from './settleDispatch.js';

/**
 * The shape shared by the QR and link dispatchers: the payload (encrypted when the target has
 * an encryptionKey), base64url-encoded, rendered into the `dispatcherInformation.response`.
 * They need no target: without one the payload goes in clear.
 */
export function createPayloadDispatcher(id: string, render: (encodedPayload: string) => Promise<string> | string): Dispatcher {
  return {
    id,
    targetRequired: false,
    responseCarriesToken: true,
    dispatch: ({ nmaData, target }) =>
      settleDispatch(id, async () => render(encodeDispatchPayload(await buildDispatchPayload(nmaData, target?.encryptionKey)))),
  };
}
