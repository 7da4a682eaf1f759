import { describe, expect, it } from 'vitest';
import { decodeNmaPayload, type DispatchPayload } from '../../../device/oob/decodeNmaPayload.js';
import { parseDeepLink } from '../../../device/oob/parseDeepLink.js';
import { readQrCode, readQrPayload } from '../../../device/oob/readQrCode.js';
import type { Dispatcher } from '../../../dispatch/dispatcher.js';
import { createLink } from '../../../dispatch/link.js';
import { createLinkPngQrCode } from '../../../dispatch/linkPngQrCode.js';
import { createPngQrCode } from '../../../dispatch/pngQrCode.js';
import { linkBaseUrl, nmaData, phoneKeys } from './dispatchFixtures.js';

// Each dispatcher's response read back the way the phone reads it (real PNG pixels, real URL parsing).

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const dispatchers: { id: string; dispatcher: Dispatcher; read: (response: string) => DispatchPayload }[] = [
  { id: 'png-qr-code', dispatcher: createPngQrCode(), read: readQrPayload },
  { id: 'link', dispatcher: createLink({ linkBaseUrl }), read: parseDeepLink },
  { id: 'link-png-qr-code', dispatcher: createLinkPngQrCode({ linkBaseUrl }), read: (png) => parseDeepLink(readQrCode(png)) },
];

async function responseOf(dispatcher: Dispatcher, target?: Parameters<Dispatcher['dispatch']>[0]['target']): Promise<string> {
  const outcome = await dispatcher.dispatch({ nmaData, ...(target && { target }) });
  expect(outcome).toMatchObject({ dispatchResult: 'dispatched', dispatcherInformation: { name: dispatcher.id }, targetDead: false });
  const { response } = outcome.dispatcherInformation;
  if (response === undefined) throw new Error('The dispatcher gave no response.');
  return response;
}

describe.each(dispatchers)('$id', ({ id, dispatcher, read }) => {
  it('has its API id', () => expect(dispatcher.id).toBe(id));

  it('without an encryptionKey carries the clear payload the phone reads back', async () => {
    const response = await responseOf(dispatcher);
    expect(read(response)).toEqual({ nma_data: nmaData, nma_data_content_type: 'application/json', nma_data_version: '1' });
  });

  it('with an encryptionKey carries a JWE only that phone decrypts to the exact nma_data', async () => {
    const payload = read(await responseOf(dispatcher, { encryptionKey: phoneKeys.encryption.publicJwk }));
    expect(payload).toMatchObject({ nma_data_content_type: 'application/jose', nma_data_version: '1' });
    expect(typeof payload.nma_data).toBe('string');
    expect(await decodeNmaPayload(payload, { decryptionKey: phoneKeys.encryption.privateKey })).toEqual(nmaData);
  });

  it('answers dispatchError encryptionKeyInvalid for an unusable key', async () => {
    const outcome = await dispatcher.dispatch({ nmaData, target: { encryptionKey: { kty: 'oct', k: 'AAAA' } } });
    expect(outcome).toMatchObject({ dispatchResult: 'dispatchError', dispatcherInformation: { name: id }, targetDead: false, failure: { code: 'encryptionKeyInvalid' } });
  });
});

describe('response formats (API.md "Precise shapes")', () => {
  it.each(['png-qr-code', 'link-png-qr-code'])('%s answers a PNG as plain base64, no data: prefix', async (id) => {
    const response = await responseOf(dispatchers.find((row) => row.id === id)!.dispatcher);
    expect(response).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect([...Buffer.from(response, 'base64').subarray(0, 8)]).toEqual(pngSignature);
  });

  it('png-qr-code: the QR text is base64url (no padding) of the payload JSON', async () => {
    const text = readQrCode(await responseOf(createPngQrCode()));
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))).toEqual({
      nma_data: nmaData,
      nma_data_content_type: 'application/json',
      nma_data_version: '1',
    });
  });

  it('link: <LINK_BASE_URL>?dispatchTokenResponse=<base64url JSON>', async () => {
    const link = await responseOf(createLink({ linkBaseUrl }));
    const encoded = Buffer.from(JSON.stringify({ nma_data: nmaData, nma_data_content_type: 'application/json', nma_data_version: '1' })).toString('base64url');
    expect(link).toBe(`${linkBaseUrl}?dispatchTokenResponse=${encoded}`);
  });

  it('link-png-qr-code: the QR text is exactly the link the link dispatcher gives', async () => {
    expect(readQrCode(await responseOf(createLinkPngQrCode({ linkBaseUrl })))).toBe(await responseOf(createLink({ linkBaseUrl })));
  });

  it('link: a query already in LINK_BASE_URL is kept', async () => {
    const link = new URL(await responseOf(createLink({ linkBaseUrl: 'https://app.example.com/open?tenant=acme' })));
    expect(link.searchParams.get('tenant')).toBe('acme');
    expect(parseDeepLink(link.href).nma_data).toEqual(nmaData);
  });

  it('png-qr-code: a payload beyond QR capacity is dispatchError payloadTooLarge', async () => {
    const outcome = await createPngQrCode().dispatch({ nmaData: { ...nmaData, token: 'x'.repeat(4000) } });
    expect(outcome).toMatchObject({ dispatchResult: 'dispatchError', failure: { code: 'payloadTooLarge' } });
  });
});
