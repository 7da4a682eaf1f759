import { CompactEncrypt, importJWK } from 'jose';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../device/authenticator/createAuthenticator.js';
import { createPhone } from '../../../device/createPhone.js';
import { createPhoneKeys } from '../../../device/oob/createPhoneKeys.js';
import type { DispatchPayload } from '../../../device/oob/decodeNmaPayload.js';
import { parseDeepLink } from '../../../device/oob/parseDeepLink.js';
import { readQrPayload } from '../../../device/oob/readQrCode.js';
import { testAuthenticatorProfile } from '../../../device/testAuthenticators.js';
import * as base64url from '../../../uaf/encoding/base64url.js';
import * as utf8 from '../../../uaf/encoding/utf8.js';
import { isUafError } from '../../../uaf/errors.js';
import type { ReturnUAFRequest, SendUAFResponse } from '../../../uaf/protocolTypes.js';
import { authenticationRound, facetID, facetsFetch, registerPhone } from './relyingParty.js';

// A small in-memory stand-in for the API's redeem and response endpoints (API.md #13 and #5),
// built on the relying-party helper, so the phone's HTTP behaviour is tested against the contract.
const serverUrl = 'https://outband.test/nevisfido';
const redeemUrl = `${serverUrl}/token/redeem/authentication`;

async function setUp(transactionText?: string) {
  const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') });
  const keys = await createPhoneKeys();
  const calls: { path: string; body: Record<string, unknown> }[] = [];
  let round: ReturnType<typeof authenticationRound> | undefined;
  const token = 'tok-7e0e5b1c';
  const json = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const serverFetch: typeof fetch = async (input, init) => {
    const url = String(input);
    if (init?.method !== 'POST') return facetsFetch(input, init);
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    calls.push({ path: new URL(url).pathname, body });
    if (url === redeemUrl) {
      if (body.token !== token) return json(404, { error: 'tokenNotFound', message: 'No such token.' });
      if (body.deny === true) return new Response(null, { status: 204 });
      const returned: ReturnUAFRequest = { statusCode: 1200, op: 'Auth', uafRequest: round!.uafRequest, lifetimeMillis: 120_000 };
      return json(200, returned);
    }
    if (url === `${serverUrl}/uaf/1.1/authentication`) {
      try {
        round!.verify((body as unknown as SendUAFResponse).uafResponse);
        return json(200, { statusCode: 1200 });
      } catch (error) {
        if (!isUafError(error)) throw error;
        return json(422, { error: error.code, statusCode: error.statusCode, message: 'refused' });
      }
    }
    return json(404, { error: 'notFound' });
  };
  const phone = createPhone({ facetID, authenticators: [authenticator], keys, fetch: serverFetch });
  // Registration in-band, through the same client.
  const credential = await registerPhone({ authenticator, client: phone.client }, 'alice');
  round = authenticationRound(credential, transactionText);
  const nmaData = { token, redeem_url: redeemUrl };
  const clearPayload: DispatchPayload = { nma_data: nmaData, nma_data_content_type: 'application/json', nma_data_version: '1' };
  return { phone, authenticator, keys, calls, clearPayload, nmaData };
}

const encoded = (payload: DispatchPayload): string => base64url.encode(utf8.encode(JSON.stringify(payload)));

describe('createPhone', () => {
  it('redeems an encrypted push, confirms the transaction and gets 1200', async () => {
    const { phone, authenticator, keys, calls, nmaData } = await setUp('Pay CHF 42.00 to Dave');
    const jwe = await new CompactEncrypt(utf8.encode(JSON.stringify(nmaData)))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' })
      .encrypt(await importJWK(keys.encryption.publicJwk, 'ECDH-ES+A256KW'));
    const result = await phone.redeem({ nma_data: jwe, nma_data_content_type: 'application/jose', nma_data_version: '1' });
    expect(result).toEqual({ op: 'Auth', nmaData, serverResponse: { statusCode: 1200 } });
    expect(calls.map(({ path }) => path)).toEqual(['/nevisfido/token/redeem/authentication', '/nevisfido/uaf/1.1/authentication']);
    expect(authenticator.displayed.map(({ text }) => text)).toEqual(['Pay CHF 42.00 to Dave']);
  });

  it('scans a QR code PNG and completes the authentication', async () => {
    const { phone, clearPayload } = await setUp();
    const png = (await QRCode.toBuffer(encoded(clearPayload), { type: 'png' })).toString('base64');
    expect(await phone.redeem(readQrPayload(png))).toMatchObject({ op: 'Auth', serverResponse: { statusCode: 1200 } });
  });

  it('opens a deep link and completes the authentication', async () => {
    const { phone, clearPayload } = await setUp();
    const link = `https://outband.test/open?dispatchTokenResponse=${encoded(clearPayload)}`;
    expect(await phone.redeem(parseDeepLink(link))).toMatchObject({ op: 'Auth', serverResponse: { statusCode: 1200 } });
  });

  it('deny: tells the server in the redeem call and runs no UAF request', async () => {
    const { phone, calls, clearPayload, authenticator } = await setUp();
    expect(await phone.redeem(clearPayload, { deny: true })).toEqual({ op: undefined, nmaData: clearPayload.nma_data });
    expect(calls).toEqual([{ path: '/nevisfido/token/redeem/authentication', body: { token: 'tok-7e0e5b1c', deny: true } }]);
    expect(authenticator.registrations()[0]?.signCounter).toBe(1);
  });

  it('surfaces the refusal of an unknown token as ServerRefused tokenNotFound (404)', async () => {
    const { phone, clearPayload, nmaData } = await setUp();
    await expect(phone.redeem({ ...clearPayload, nma_data: { ...nmaData, token: 'tok-unknown' } })).rejects.toMatchObject({
      name: 'ServerRefused',
      code: 'tokenNotFound',
      httpStatus: 404,
    });
  });

  it('reports the server refusal of a stale counter (counterNotIncreased, 1401)', async () => {
    const { phone, authenticator, clearPayload } = await setUp();
    authenticator.misbehaviour = { staleCounter: true };
    await expect(phone.redeem(clearPayload)).rejects.toMatchObject({ name: 'ServerRefused', code: 'counterNotIncreased', statusCode: 1401 });
  });
});
