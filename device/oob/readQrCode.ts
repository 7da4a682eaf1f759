import { convertIndexedToRgb, decode as decodePng, type DecodedPng } from 'fast-png';
import jsQRModule from 'jsqr';
import * as base64 from '../../uaf/encoding/base64.js';
import { OutOfBandInputInvalid } from '../errors.js';
import { decodeDispatchPayload, type DispatchPayload } from './decodeNmaPayload.js';

// Reads a QR code the way a phone camera would: from the pixels of the PNG a dispatcher
// returns (API.md: `dispatcherInformation.response`, plain base64). fast-png and jsQR are
// pure JS on Uint8Array, so this also runs on the browser simulator page.

// jsqr is a CommonJS bundle whose typings declare an ES default export; under NodeNext the
// default import is the CommonJS module object, which carries `default` as well.
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsQRModule as unknown as { default: JsQr }).default;

/** One 0–255 sample per channel, whatever the PNG's bit depth. */
function samples(png: DecodedPng, channels: number): Uint8Array {
  const { data, depth, width, height } = png;
  if (depth === 8) return Uint8Array.from(data);
  if (depth === 16) return Uint8Array.from(data, (sample) => sample >> 8);
  // 1, 2 or 4 bits per sample, each row padded to a whole byte (PNG §7.2).
  const out = new Uint8Array(width * height * channels);
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  const max = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * channels; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)] ?? 0;
      out[y * width * channels + x] = Math.round((((byte >> (8 - depth - (bit & 7))) & max) * 255) / max);
    }
  }
  return out;
}

/** Decoded PNG pixels as RGBA, 8 bits per channel, as jsQR wants them. */
function toRgba(png: DecodedPng): Uint8ClampedArray {
  const palette = png.palette !== undefined;
  const channels = palette ? (png.palette?.[0]?.length ?? 3) : png.channels;
  const source = palette ? convertIndexedToRgb(png) : samples(png, channels);
  const rgba = new Uint8ClampedArray(png.width * png.height * 4);
  for (let pixel = 0; pixel < png.width * png.height; pixel++) {
    const at = pixel * channels;
    const gray = channels <= 2;
    rgba[pixel * 4] = source[at] ?? 0;
    rgba[pixel * 4 + 1] = source[gray ? at : at + 1] ?? 0;
    rgba[pixel * 4 + 2] = source[gray ? at : at + 2] ?? 0;
    rgba[pixel * 4 + 3] = channels === 2 || channels === 4 ? (source[at + channels - 1] ?? 255) : 255;
  }
  return rgba;
}

/** The text of the QR code in a PNG given as plain base64 (a `data:` URL prefix is tolerated). */
export function readQrCode(pngBase64: string): string {
  let png: DecodedPng;
  try {
    png = decodePng(base64.decode(pngBase64.replace(/^data:image\/png;base64,/, '')));
  } catch (cause) {
    throw new OutOfBandInputInvalid('imageInvalid', 'The QR code image is not a PNG.', cause);
  }
  const code = jsQR(toRgba(png), png.width, png.height);
  if (code === null) throw new OutOfBandInputInvalid('qrCodeNotFound', 'The PNG shows no readable QR code.');
  return code.data;
}

/** Scans the QR code PNG and decodes the dispatch payload it carries (QR text = base64url of the JSON). */
export function readQrPayload(pngBase64: string): DispatchPayload {
  return decodeDispatchPayload(readQrCode(pngBase64));
}
