import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './payloadCodec.js';

/** The one data converter of the worker and every client (API, tests, scripts). */
export function createDataConverter(payloadCodecKey: Uint8Array): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(payloadCodecKey)] };
}
