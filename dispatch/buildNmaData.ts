import type { ChannelLinking, Operation } from '../contract/operation.js';
import type { NmaData } from './dispatcher.js';

/**
 * The `nma_data` of one dispatch (API.md "Out-of-band payload"). Built the same way by the activity
 * that sends it and by the API that renders a link or QR code of it for the relying party, since
 * the token never travels between them. `data` is the relying party's `dispatchInformation.data`
 * (plain text or JSON), passed on as given under the key `data` (the SDK's `OutOfBandPayload.data`).
 */
export function buildNmaData(token: string, publicUrl: string, operation: Operation, linking: ChannelLinking | undefined, data?: unknown): NmaData {
  return {
    token,
    redeem_url: `${publicUrl}/nevisfido/token/redeem/${operation}`,
    ...(linking && { channel_linking: linking.mode === 'number-match' ? linking.choices : linking.string }),
    ...(data !== undefined && { data }),
  };
}
