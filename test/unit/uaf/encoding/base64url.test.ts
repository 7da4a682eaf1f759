import { describe, expect, it } from 'vitest';
import * as base64 from '../../../../uaf/encoding/base64.js';
import * as base64url from '../../../../uaf/encoding/base64url.js';

describe('base64url', () => {
  it('matches Node for every length 0..64', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = Buffer.from(bytes).toString('base64url');
      expect(base64url.encode(bytes)).toBe(text);
      expect(base64url.decode(text)).toEqual(bytes);
    }
  });

  it.each(['abc=', 'ab+c', 'ab/c', 'a', 'ab c', 'AB', 'é'])('rejects %j', (text) => {
    expect(() => base64url.decode(text)).toThrow(expect.objectContaining({ code: 'invalidBase64url', statusCode: 1498 }));
    expect(base64url.isBase64url(text)).toBe(false);
  });
});

describe('base64 (lenient)', () => {
  it('decodes padded standard base64 and unpadded base64url alike', () => {
    const bytes = Uint8Array.from([0xfb, 0xff, 0xbf, 0x01]);
    expect(base64.decodeLenient('+/+/AQ==')).toEqual(bytes);
    expect(base64.decodeLenient('-_-_AQ')).toEqual(bytes);
    expect(base64.encode(bytes)).toBe('+/+/AQ==');
    expect(base64.encode(bytes, { pad: false })).toBe('+/+/AQ');
  });

  it.each(['AQ=', 'AQ===', 'A===', '=', 'AQ==AQ=='])('rejects %j', (text) => {
    expect(() => base64.decodeLenient(text)).toThrow(expect.objectContaining({ code: 'invalidBase64' }));
  });
});
