import { encode as encodePng } from 'fast-png';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { readQrCode, readQrPayload } from '../../../../device/oob/readQrCode.js';
import * as base64 from '../../../../uaf/encoding/base64.js';
import * as base64url from '../../../../uaf/encoding/base64url.js';
import * as utf8 from '../../../../uaf/encoding/utf8.js';

// What a png-qr-code dispatcher returns: the QR text is base64url of the payload JSON (API.md).
const payload = {
  nma_data: { token: 'tok-5f1c2a', redeem_url: 'http://localhost:3000/nevisfido/token/redeem/authentication' },
  nma_data_content_type: 'application/json',
  nma_data_version: '1',
};
const qrText = base64url.encode(utf8.encode(JSON.stringify(payload)));

async function qrPngBase64(text: string): Promise<string> {
  return (await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M' })).toString('base64');
}

/** The same QR code drawn as an 8-bit grayscale PNG (one channel), to exercise that pixel layout. */
function grayscaleQrPng(text: string): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const scale = 4;
  const margin = 4;
  const size = (modules.size + 2 * margin) * scale;
  const data = new Uint8Array(size * size).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const row = Math.floor(y / scale) - margin;
      const column = Math.floor(x / scale) - margin;
      const inside = row >= 0 && column >= 0 && row < modules.size && column < modules.size;
      if (inside && modules.get(row, column)) data[y * size + x] = 0;
    }
  }
  return base64.encode(encodePng({ width: size, height: size, data, channels: 1, depth: 8 }));
}

describe('readQrCode', () => {
  it('reads the text back from the pixels of a qrcode-generated RGBA PNG', async () => {
    expect(readQrCode(await qrPngBase64(qrText))).toBe(qrText);
  });

  it('decodes the dispatch payload the QR code carries', async () => {
    expect(readQrPayload(await qrPngBase64(qrText))).toEqual(payload);
  });

  it('reads a grayscale PNG and tolerates a data: URL prefix', () => {
    expect(readQrCode(`data:image/png;base64,${grayscaleQrPng(qrText)}`)).toBe(qrText);
  });

  it.each([
    { case: 'bytes that are not a PNG', png: base64.encode(utf8.encode('GIF89a not a png')), code: 'imageInvalid' },
    {
      case: 'a blank PNG',
      png: base64.encode(encodePng({ width: 64, height: 64, data: new Uint8Array(64 * 64).fill(255), channels: 1, depth: 8 })),
      code: 'qrCodeNotFound',
    },
  ])('refuses $case with $code', ({ png, code }) => {
    expect(() => readQrCode(png)).toThrow(expect.objectContaining({ name: 'OutOfBandInputInvalid', code }));
  });
});
