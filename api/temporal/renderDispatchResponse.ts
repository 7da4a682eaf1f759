import type { ChannelLinking, DispatchAnswer, Operation } from '../../contract/operation.js';
import { buildNmaData, type DispatcherRegistry } from '../../dispatch/index.js';

export interface RenderedDispatch {
  token: string;
  operation: Operation;
  channelLinking?: ChannelLinking;
  /** `dispatchInformation.data`, which the payload carries to the phone. */
  data?: unknown;
}

/**
 * The `dispatcherInformation` the relying party receives. A dispatcher whose response carries the
 * token (link, QR code) answered the workflow without it, so that no token enters history; the
 * API renders it here with the same dispatcher, from the token it derived itself. The payload of a
 * target with an encryption key is encrypted again: a JWE of the same `nma_data`.
 */
export async function renderDispatchResponse(
  renderers: DispatcherRegistry,
  publicUrl: string,
  { token, operation, channelLinking, data }: RenderedDispatch,
  answer: DispatchAnswer,
): Promise<DispatchAnswer['dispatcherInformation']> {
  const { name } = answer.dispatcherInformation;
  if (answer.dispatchResult !== 'dispatched' || renderers.get(name)?.responseCarriesToken !== true) return answer.dispatcherInformation;
  const rendered = await renderers.dispatch(name, {
    nmaData: buildNmaData(token, publicUrl, operation, channelLinking, data),
    ...(answer.payloadEncryptionKey && { target: { encryptionKey: answer.payloadEncryptionKey as never } }),
  });
  // Rendering is local work (no provider): a failure here is the server's own.
  if (rendered.dispatchResult !== 'dispatched') throw new Error(`The ${name} response could not be rendered.`, { cause: rendered });
  return rendered.dispatcherInformation;
}
