import { describe, expect, it } from 'vitest';
import { buildTrustedFacets } from '../../../../uaf/index.js';

describe('buildTrustedFacets', () => {
  it('lists the ids under version 1.1', () => {
    const ids = ['https://login.example.com', 'android:apk-key-hash:bE0f1WtRJrZv/C0y9CM73bAUqiI', 'ios:bundle-id:com.example.app'];
    expect(buildTrustedFacets({ ids })).toEqual({ trustedFacets: [{ version: { major: 1, minor: 1 }, ids }] });
  });

  it.each(['http://login.example.com', 'https://login.example.com/path', 'com.noknok.android.sampleapp', 'android:apk-key-hash:'])('refuses %s', (id) => {
    expect(() => buildTrustedFacets({ ids: [id] })).toThrow(expect.objectContaining({ code: 'invalidArgument' }));
  });

  it('allows a bare id when asked (the spec example facet)', () => {
    expect(buildTrustedFacets({ ids: ['com.noknok.android.sampleapp'], allowAnyId: true }).trustedFacets[0]!.ids).toEqual(['com.noknok.android.sampleapp']);
  });
});
