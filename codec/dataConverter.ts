import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './payloadCodec.js';

/**
 * The data converter of every client (API, tests, scripts): strict, a payload that is not
 * encrypted with our key is an error, never a value.
 */
export function createDataConverter(payloadCodecKey: Uint8Array): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(payloadCodecKey, [], 'throw')] };
}

/**
 * The worker's data converter: a payload that is not encrypted with our key (a client without the
 * key reached Temporal) decodes to a refusal marker instead of failing the workflow task, which
 * Temporal would retry forever; worker/refusePlainPayloads.ts then ends the workflow.
 */
export function createWorkerDataConverter(payloadCodecKey: Uint8Array): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(payloadCodecKey, [], 'refuse')] };
}
