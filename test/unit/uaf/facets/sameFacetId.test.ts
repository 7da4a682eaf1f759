import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sameFacetId } from '../../../../uaf/facets/sameFacetId.js';

const certificate = Buffer.from('an APK signing certificate');
const sha1 = createHash('sha1').update(certificate).digest();
const sha256 = createHash('sha256').update(certificate).digest();
const android = (hash: Buffer, encoding: 'base64' | 'base64url', padded: boolean) =>
  `android:apk-key-hash:${padded ? hash.toString(encoding === 'base64' ? 'base64' : 'base64url').padEnd(Math.ceil(hash.length / 3) * 4, '=') : hash.toString(encoding).replace(/=+$/, '')}`;

describe('sameFacetId', () => {
  it.each([sha1, sha256])('an Android facet id of a %#-th hash matches in every base64 spelling', (hash) => {
    const spellings = [android(hash, 'base64', true), android(hash, 'base64', false), android(hash, 'base64url', false), android(hash, 'base64url', true)];
    for (const seen of spellings) for (const trusted of spellings) expect(sameFacetId(seen, trusted), `${seen} vs ${trusted}`).toBe(true);
  });

  it('the SHA-1 and the SHA-256 form of one certificate are two facets (each must be configured)', () => {
    expect(sameFacetId(android(sha1, 'base64', false), android(sha256, 'base64', false))).toBe(false);
  });

  it('other hashes, other lengths and other facet kinds compare exactly', () => {
    const other = createHash('sha256').update('another certificate').digest();
    expect(sameFacetId(android(sha256, 'base64', false), android(other, 'base64', false))).toBe(false);
    expect(sameFacetId('android:apk-key-hash:abc', 'android:apk-key-hash:abc=')).toBe(false);
    expect(sameFacetId('https://login.example.com', 'https://login.example.com')).toBe(true);
    expect(sameFacetId('https://login.example.com', 'https://LOGIN.example.com')).toBe(false);
    expect(sameFacetId('ios:bundle-id:com.example', 'ios:bundle-id:com.example')).toBe(true);
  });
});
