import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAuthenticator,
  createDispatchTarget,
  createPhone,
  createPhoneKeys,
  createPushReceiver,
  parseDeepLink,
  readQrCode,
  readQrPayload,
  testAuthenticatorProfile,
  type Authenticator,
  type Phone,
  type PhoneKeys,
  type PushReceiver,
} from '../../device/index.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

// Issue 13 on the real stack with the simulated phone: what relying parties and apps written for
// nevisFIDO send (padded base64 transactions, `dispatchInformation.data`), the Device Service
// and the fetch channel for lost pushes, and the smaller shapes (docs/api.md marks each one).

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), { DISPATCH_MAX_PENDING: '20' });
});
afterAll(() => stack?.close());

type Json = Record<string, any>;
async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, application/fido+uaf', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
const asRp = () => ({ authorization: `Bearer ${stack.config.rpApiKeys[0]}` });
const dispatch = (operation: string, body: Json) => call(`/nevisfido/token/dispatch/${operation}`, body, asRp());
const status = async (sessionId: string) => (await call('/nevisfido/status', { sessionId })).body;
const ops = { registration: 'Reg', authentication: 'Auth', deregistration: 'Dereg' } as const;
const getUafRequest = (operation: keyof typeof ops, context: Json) => ({ op: ops[operation], context: JSON.stringify(context) });

interface Device {
  phone: Phone;
  authenticator: Authenticator;
  keys: PhoneKeys;
  push: PushReceiver;
  targetId: string;
  deviceToken: string;
}

/** Registration by QR code, then the phone's dispatch target (push token, keys, `deviceId`). */
async function enrol(username: string, deviceId = `device-of-${username}`): Promise<Device> {
  const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') });
  const keys = await createPhoneKeys();
  const phone = createPhone({ facetID: stack.config.uaf.trustedFacets[0]!, authenticators: [authenticator], keys });
  const push = await createPushReceiver({ emulatorUrl: stack.fcm.url });
  const started = await dispatch('registration', { dispatcher: 'link-png-qr-code', getUafRequest: getUafRequest('registration', { username }) });
  expect(started.body).toMatchObject({ dispatchResult: 'dispatched' });
  const { serverResponse } = await phone.redeem(parseDeepLink(readQrCode(started.body.dispatcherInformation.response)));
  const deviceToken = serverResponse!.additionalTokens![0]!.value;
  const created = await createDispatchTarget({ serverUrl: `${stack.url}/nevisfido`, deviceToken, name: `${username}'s phone`, pushToken: push.token, keys, deviceId });
  return { phone, authenticator, keys, push, targetId: created.id, deviceToken };
}

describe('transaction content as integrators send it (nevisFIDO compatibility)', () => {
  it('padded standard base64 (btoa) is shown and signed as the same text', async () => {
    const device = await enrol('compat-tx');
    // "?" and "~" make standard base64 differ from base64url ('/' and '+' appear), and the length needs padding.
    const text = 'Confirm: pay 12.00 EUR to Bäckerei? ~ok~';
    const content = btoa(String.fromCharCode(...new TextEncoder().encode(text)));
    expect(content).toMatch(/[+/].*=$|=$/);
    const transaction = [{ contentType: 'text/plain', content }];
    const started = await dispatch('authentication', { dispatchTargetId: device.targetId, getUafRequest: getUafRequest('authentication', { username: 'compat-tx', transaction }) });
    expect(started).toMatchObject({ status: 200, body: { dispatchResult: 'dispatched' } });
    await device.phone.redeem(await device.push.nextPayload());
    expect(device.authenticator.displayed.at(-1)).toMatchObject({ contentType: 'text/plain', text });
    expect(await status(started.body.sessionId)).toMatchObject({ status: 'succeeded', userId: 'compat-tx' });
  });

  it('content that is no base64 at all, or broken padding, is still 400', async () => {
    for (const content of ['not base64!', 'QUJD=', 'QU+_']) {
      const refused = await dispatch('authentication', { dispatcher: 'link', getUafRequest: getUafRequest('authentication', { username: 'compat-tx', transaction: [{ contentType: 'text/plain', content }] }) });
      expect(refused, content).toMatchObject({ status: 400, body: { error: 'invalidRequest' } });
    }
  });
});

describe('dispatchInformation.data reaches the phone (nevisFIDO compatibility)', () => {
  const data = { transactionId: 'T-4711', amount: { value: '12.00', currency: 'EUR' }, note: 'ünïcödé' };

  it('push: decrypted on the phone, equal to what the relying party sent', async () => {
    const device = await enrol('compat-data-push');
    const started = await dispatch('authentication', {
      dispatchTargetId: device.targetId,
      dispatchInformation: JSON.stringify({ data }),
      getUafRequest: getUafRequest('authentication', { username: 'compat-data-push' }),
    });
    expect(started.body).toMatchObject({ dispatchResult: 'dispatched' });
    const payload = await device.push.nextPayload();
    // Encrypted with the rest: the data is not readable in the push itself.
    expect(payload.nma_data_content_type).toBe('application/jose');
    expect(JSON.stringify(payload)).not.toContain('T-4711');
    const { nmaData } = await device.phone.redeem(payload);
    expect(nmaData!.data).toEqual(data);
  });

  it('QR code (png-qr-code) and link: the same data, plain text too', async () => {
    const device = await enrol('compat-data-qr');
    const qr = await dispatch('authentication', {
      dispatcher: 'png-qr-code',
      dispatchTargetId: device.targetId,
      dispatchInformation: { data },
      getUafRequest: getUafRequest('authentication', { username: 'compat-data-qr' }),
    });
    const qrPayload = readQrPayload(qr.body.dispatcherInformation.response);
    expect(qrPayload.nma_data_content_type).toBe('application/jose');
    expect((await device.phone.redeem(qrPayload)).nmaData!.data).toEqual(data);

    const link = await dispatch('authentication', {
      dispatcher: 'link',
      dispatchInformation: { data: 'plain text for the app' },
      getUafRequest: getUafRequest('authentication', { username: 'compat-data-qr' }),
    });
    expect((await device.phone.redeem(parseDeepLink(link.body.dispatcherInformation.response))).nmaData!.data).toBe('plain text for the app');
  });

  it('more than 4 KiB of data is 400', async () => {
    const refused = await dispatch('authentication', { dispatcher: 'link', dispatchInformation: { data: 'x'.repeat(4097) }, getUafRequest: getUafRequest('authentication', {}) });
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalidRequest', message: expect.stringContaining('dispatchInformation.data') } });
  });
});
