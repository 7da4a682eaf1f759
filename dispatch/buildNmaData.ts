import type { ChannelLinking, Operation } from '../contract/operation.js';
import type { NmaData } from './dispatcher.js';

/**
 * The `nma_data` of one dispatch (API.md "Out-of-band payload"). Built the same way by the activity
 * that sends it and by the API that renders a link or QR code of it for the relying party, since
 * the token never travels between them.
 */
export function buildNmaData(token: string, publicUrl: string, operation: Operation, linking: ChannelLinking | undefined): NmaData {
  return {
    token,
    redeem_url: `${publicUrl}/nevisfido/token/redeem/${operation}`,
    ...(linking && { channel_linking: linking.mode === 'number-match' ? linking.choices : linking.string }),
  };
}
