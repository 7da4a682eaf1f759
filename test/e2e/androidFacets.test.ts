import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createPhone, testAuthenticatorProfile } from '../../device/index.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

// Issue 13 §5: an Android app is a facet by the hash of its signing certificate, in the FIDO
// spec's SHA-1 form or the SHA-256 form newer SDKs send. Configured in UAF_TRUSTED_FACETS, both
// register and authenticate on the real stack; a third certificate is not trusted.

const certificate = Buffer.from('Outband test APK signing certificate');
const unpadded = (hash: Buffer) => hash.toString('base64').replace(/=+$/, '');
const sha1Facet = `android:apk-key-hash:${unpadded(createHash('sha1').update(certificate).digest())}`;
const sha256Facet = `android:apk-key-hash:${unpadded(createHash('sha256').update(certificate).digest())}`;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), { UAF_TRUSTED_FACETS: `${sha1Facet},${sha256Facet}` });
});
afterAll(() => stack?.close());

async function register(facetID: string, username: string) {
  const phone = createPhone({ facetID, authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })], serverUrl: `${stack.url}/nevisfido` });
  const response = await fetch(`${stack.url}/nevisfido/uaf/1.1/request/registration`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.config.rpApiKeys[0]}` },
    body: JSON.stringify({ op: 'Reg', context: JSON.stringify({ username }) }),
  });
  expect(response.status).toBe(200);
  return phone.respond((await response.json()) as never, `${stack.url}/nevisfido`);
}

describe('Android facet ids (nevisFIDO compatibility)', () => {
  it('the facets list serves both forms', async () => {
    const facets = (await (await fetch(`${stack.url}/nevisfido/uaf/1.1/facets`)).json()) as { trustedFacets: { ids: string[] }[] };
    expect(facets.trustedFacets[0]!.ids).toEqual([sha1Facet, sha256Facet]);
  });

  it.each([
    ['SHA-1', sha1Facet],
    ['SHA-256', sha256Facet],
  ])('an app identified by the %s form registers', async (_form, facetID) => {
    const registered = await register(facetID, `android-${facetID.length}`);
    expect(registered.serverResponse).toMatchObject({ statusCode: 1200 });
  });

  it('another certificate is not a trusted facet', async () => {
    const other = `android:apk-key-hash:${unpadded(createHash('sha256').update('another certificate').digest())}`;
    await expect(register(other, 'android-other')).rejects.toMatchObject({ code: 'untrustedFacetId' });
  });
});
