/**
 * The value a payload the worker refuses decodes to (codec/payloadCodec.ts, policy `refuse`):
 * plain JSON, so it crosses into the workflow sandbox, where worker/refusePlainPayloads.ts ends the
 * workflow. No import: the workflow bundle includes this file.
 */
export const refusedPayloadMarker = 'outbandRefusedPayload';

export interface RefusedPayload {
  [refusedPayloadMarker]: 'unencrypted' | 'undecryptable';
}

export function isRefusedPayload(value: unknown): value is RefusedPayload {
  return typeof value === 'object' && value !== null && refusedPayloadMarker in value;
}
