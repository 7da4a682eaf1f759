import { buildQrCodePng } from './buildQrCodePng.js';
import { createPayloadDispatcher } from './createPayloadDispatcher.js';
import type { Dispatcher } from './dispatcher.js';

/** `png-qr-code`: a QR code whose text is the base64url payload, only the app can read it. Response: the PNG, base64. */
export function createPngQrCode(): Dispatcher {
  return createPayloadDispatcher('png-qr-code', buildQrCodePng);
}
