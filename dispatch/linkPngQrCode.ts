import { buildDeepLink } from './buildDeepLink.js';
import { buildQrCodePng } from './buildQrCodePng.js';
import { createPayloadDispatcher } from './createPayloadDispatcher.js';
import type { Dispatcher } from './dispatcher.js';
import type { LinkOptions } from './link.js';

/** `link-png-qr-code`: a QR code holding the deep link, so the OS camera opens the app. Response: the PNG, base64. */
export function createLinkPngQrCode({ linkBaseUrl }: LinkOptions): Dispatcher {
  return createPayloadDispatcher('link-png-qr-code', (encoded) => buildQrCodePng(buildDeepLink(linkBaseUrl, encoded)));
}
