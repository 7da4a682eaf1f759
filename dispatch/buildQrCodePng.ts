import QRCode from 'qrcode';
import { DispatchFailed } from './errors.js';

/** Error correction M: readable on a screen photographed at an angle, room for a JWE payload. */
const qrOptions = { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 } as const;

/** A PNG of the QR code showing `text`, as plain base64 (no `data:` prefix; API.md "Precise shapes"). */
export async function buildQrCodePng(text: string): Promise<string> {
  let png: Buffer;
  try {
    png = await QRCode.toBuffer(text, qrOptions);
  } catch (cause) {
    throw new DispatchFailed('payloadTooLarge', `A QR code cannot hold ${text.length} characters.`, cause);
  }
  return png.toString('base64');
}
