import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAuthenticator,
  createDeviceService,
  createDispatchTarget,
  decodeNmaPayload,
  ServerRefused,
  createPhone,
  createPhoneKeys,
  createPushReceiver,
  parseDeepLink,
  readQrCode,
  readQrPayload,
  testAuthenticatorProfile,
  type Authenticator,
  type CreatePhoneKeysOptions,
  type Phone,
  type PhoneKeys,
  type PushReceiver,
} from '../../device/index.js';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { credentialExtIdOf } from '../../contract/credentialExtId.js';
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
  deviceId: string;
}

/** Registration by QR code, then the phone's dispatch target (push token, keys, `deviceId`). */
async function enrol(username: string, keyOptions: CreatePhoneKeysOptions = {}, deviceId = `device-of-${username}`): Promise<Device> {
  const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') });
  const keys = await createPhoneKeys(keyOptions);
  const phone = createPhone({ facetID: stack.config.uaf.trustedFacets[0]!, authenticators: [authenticator], keys });
  const push = await createPushReceiver({ emulatorUrl: stack.fcm.url });
  const started = await dispatch('registration', { dispatcher: 'link-png-qr-code', getUafRequest: getUafRequest('registration', { username }) });
  expect(started.body).toMatchObject({ dispatchResult: 'dispatched' });
  const { serverResponse } = await phone.redeem(parseDeepLink(readQrCode(started.body.dispatcherInformation.response)));
  const deviceToken = serverResponse!.additionalTokens![0]!.value;
  const created = await createDispatchTarget({ serverUrl: `${stack.url}/nevisfido`, deviceToken, name: `${username}'s phone`, pushToken: push.token, keys, deviceId });
  return { phone, authenticator, keys, push, targetId: created.id, deviceToken, deviceId };
}

/** The Device Service as this device calls it (signed by its own target's key unless told otherwise). */
const deviceService = (device: Device, signer: Pick<Device, 'keys' | 'targetId'> = device) =>
  createDeviceService({ serverUrl: `${stack.url}/nevisfido`, keys: signer.keys, dispatchTargetId: signer.targetId });

/** The coded refusal of a Device Service call. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ServerRefused);
  return { status: (error as ServerRefused).httpStatus, code: (error as ServerRefused).code };
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

describe('Device Service (nevisFIDO compatibility, §4.6)', () => {
  it('lists the device credentials with a valid Device-Signature, and refuses a replay, a foreign key, an old time, another device (401)', async () => {
    const alice = await enrol('compat-dev-alice');
    const bob = await enrol('compat-dev-bob');
    const service = deviceService(alice);
    const listed = await service.listCredentials(alice.deviceId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ username: 'compat-dev-alice', aaid: '4F42#0001', keyId: alice.authenticator.registrations()[0]!.keyID, createdAt: expect.any(String) });

    const requestId = 'replayed-request-id';
    await service.listCredentials(alice.deviceId, { requestId });
    expect(await refusal(service.listCredentials(alice.deviceId, { requestId }))).toEqual({ status: 401, code: 'requestIdReplayed' });
    // Bob's key signing for alice's target.
    expect(await refusal(deviceService(alice, { keys: bob.keys, targetId: alice.targetId }).listCredentials(alice.deviceId))).toEqual({ status: 401, code: 'requestSignatureInvalid' });
    expect(await refusal(service.listCredentials(alice.deviceId, { creationTimeInEpochMillis: Date.now() - 6 * 60_000 }))).toEqual({ status: 401, code: 'requestTimeOutOfWindow' });
    // Bob's own valid signature does not open alice's device.
    expect(await refusal(deviceService(bob).listCredentials(alice.deviceId))).toEqual({ status: 401, code: 'dispatchTargetIdMismatch' });
    expect(await refusal(deviceService(bob).deleteDevice(alice.deviceId))).toEqual({ status: 401, code: 'dispatchTargetIdMismatch' });
    // Without the header at all.
    const bare = await fetch(`${stack.url}/nevisfido/devices/credentials/${alice.deviceId}`);
    expect(bare.status).toBe(401);
    expect(await deviceService(alice).listCredentials(alice.deviceId)).toHaveLength(1);
  });

  it("a phone that claims another user's deviceId for its own target reaches nothing of that user", async () => {
    const victim = await enrol('compat-dev-victim');
    // The attacker's own registration, its target naming the victim's deviceId.
    const attacker = await enrol('compat-dev-attacker', {}, victim.deviceId);
    expect(await deviceService(attacker).listCredentials(victim.deviceId)).toEqual([
      expect.objectContaining({ username: 'compat-dev-attacker' }),
    ]);
    await dispatch('authentication', { dispatcher: 'link', dispatchTargetId: victim.targetId, getUafRequest: getUafRequest('authentication', { username: 'compat-dev-victim' }) });
    expect(await deviceService(attacker).pendingOperations()).toEqual([]);
    await deviceService(attacker).deleteDevice(victim.deviceId);
    expect(await deviceService(victim).listCredentials(victim.deviceId)).toEqual([expect.objectContaining({ username: 'compat-dev-victim' })]);
    expect(await deviceService(victim).pendingOperations()).toHaveLength(1);
  });

  it('DELETE removes the device credentials and dispatch targets (a phone sold or lost)', async () => {
    const carol = await enrol('compat-dev-carol');
    await deviceService(carol).deleteDevice(carol.deviceId);
    const targets = await fetch(`${stack.url}/nevisfido/token/dispatch/targets?username=compat-dev-carol`, { headers: asRp() });
    expect(targets.status).toBe(404);
    expect(await stack.database.db.collection('credentials').countDocuments({ username: 'compat-dev-carol' })).toBe(0);
    const refused = await dispatch('authentication', { dispatcher: 'link', getUafRequest: getUafRequest('authentication', { username: 'compat-dev-carol' }) });
    expect(refused.body).toMatchObject({ dispatchResult: 'userNotFound' });
    // Its key is gone with its target: nothing more is signed by it.
    expect(await refusal(deviceService(carol).listCredentials(carol.deviceId))).toEqual({ status: 401, code: 'requestSignatureInvalid' });
  });
});

describe('fetch channel for lost pushes (nevisFIDO compatibility: pending out-of-band operations)', () => {
  it('a push swallowed by FCM: the phone fetches its pending operation, redeems and succeeds; the token stays single use', async () => {
    const dave = await enrol('compat-fetch-dave');
    const swallow = await fetch(`${stack.fcm.url}/emulator/devices/${dave.push.token}/fault`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"fault":"swallow"}' });
    expect(swallow.status).toBe(204);
    const before = Date.now();
    const started = await dispatch('authentication', {
      dispatchTargetId: dave.targetId,
      dispatchInformation: { data: { order: 42 } },
      getUafRequest: getUafRequest('authentication', { username: 'compat-fetch-dave' }),
    });
    expect(started.body).toMatchObject({ dispatchResult: 'dispatched' });
    await expect(dave.push.nextPayload({ timeoutMs: 1_000 })).rejects.toThrow();

    const pending = await deviceService(dave).pendingOperations();
    expect(pending).toEqual([
      {
        creationTimeInEpochMillis: expect.any(Number),
        dispatcher: 'firebase-cloud-messaging',
        dispatchTargetId: dave.targetId,
        outOfBandPayload: { nma_data: expect.any(String), nma_data_content_type: 'application/jose', nma_data_version: '1' },
      },
    ]);
    expect(pending[0]!.creationTimeInEpochMillis).toBeGreaterThanOrEqual(before - 1_000);
    // The token never travels in clear: the fetched payload is a JWE to the phone's key, holding the same token the RP got.
    expect(JSON.stringify(pending)).not.toContain(started.body.token);
    const nmaData = await decodeNmaPayload(pending[0]!.outOfBandPayload, { decryptionKey: dave.keys.encryption.privateKey });
    expect(nmaData).toMatchObject({ token: started.body.token, data: { order: 42 } });

    await dave.phone.redeem(pending[0]!.outOfBandPayload);
    expect(await status(started.body.sessionId)).toMatchObject({ status: 'succeeded', userId: 'compat-fetch-dave' });
    expect(await call('/nevisfido/token/redeem/authentication', { token: nmaData.token })).toMatchObject({ status: 409, body: { error: 'tokenAlreadyRedeemed' } });
    expect(await deviceService(dave).pendingOperations()).toEqual([]);
    // No token, session id or data in clear in the database.
    const rows = await stack.database.db.collection('pendingDispatches').find({ dispatchTargetId: dave.targetId }).toArray();
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    for (const secret of [nmaData.token, started.body.sessionId, '"order"']) expect(stored).not.toContain(secret);
  });

  it('another device sees none of them', async () => {
    const erin = await enrol('compat-fetch-erin');
    const frank = await enrol('compat-fetch-frank');
    await dispatch('authentication', { dispatcher: 'link', dispatchTargetId: erin.targetId, getUafRequest: getUafRequest('authentication', { username: 'compat-fetch-erin' }) });
    expect(await deviceService(erin).pendingOperations()).toHaveLength(1);
    expect(await deviceService(frank).pendingOperations()).toEqual([]);
  });
});

describe('smaller shapes', () => {
  it('status authenticators[] items carry extId (nevisFIDO compatibility)', async () => {
    const device = await enrol('compat-extid');
    const started = await dispatch('authentication', { dispatchTargetId: device.targetId, getUafRequest: getUafRequest('authentication', { username: 'compat-extid' }) });
    await device.phone.redeem(await device.push.nextPayload());
    const keyId = device.authenticator.registrations()[0]!.keyID;
    const finished = await status(started.body.sessionId);
    expect(finished).toMatchObject({ status: 'succeeded', authenticators: [{ aaid: '4F42#0001', keyId, extId: credentialExtIdOf('4F42#0001', keyId) }] });
    expect(finished.authenticators[0].extId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('PATCH with target: null disables push: the target stays, listed as disabled, a push answers dispatchError at once; a new target enables it again', async () => {
    const device = await enrol('compat-push-off');
    const patch = async (claims: Json) => {
      const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify({ dispatchTargetId: device.targetId, requestId: crypto.randomUUID(), creationTimeInEpochMillis: Date.now(), ...claims })))
        .setProtectedHeader({ alg: 'ES256' })
        .sign(device.keys.signature.privateKey);
      return fetch(`${stack.url}/nevisfido/token/dispatch/targets/${device.targetId}`, { method: 'PATCH', headers: { 'content-type': 'application/jose' }, body: jws });
    };
    expect((await patch({ target: null })).status).toBe(204);
    const listed = (await (await fetch(`${stack.url}/nevisfido/token/dispatch/targets?username=compat-push-off`, { headers: asRp() })).json()) as Json;
    expect(listed.dispatchTargets).toEqual([{ id: device.targetId, name: "compat-push-off's phone", dispatcher: 'firebase-cloud-messaging', disabled: true }]);
    const one = (await (await fetch(`${stack.url}/nevisfido/token/dispatch/targets/${device.targetId}`, { headers: asRp() })).json()) as Json;
    expect(one).toMatchObject({ id: device.targetId, disabled: true });

    const startedAt = Date.now();
    const refused = await dispatch('authentication', { dispatchTargetId: device.targetId, getUafRequest: getUafRequest('authentication', { username: 'compat-push-off' }) });
    expect(refused.body).toMatchObject({ dispatchResult: 'dispatchError' });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    // The relying party falls back (here: a link the phone opens) within the same operation.
    const fallback = await dispatch('authentication', { fallbackFor: refused.body.sessionId, dispatcher: 'link', getUafRequest: getUafRequest('authentication', { username: 'compat-push-off' }) });
    await device.phone.redeem(parseDeepLink(fallback.body.dispatcherInformation.response));
    expect(await status(refused.body.sessionId)).toMatchObject({ status: 'succeeded' });

    expect((await patch({ target: device.push.token })).status).toBe(204);
    const enabled = (await (await fetch(`${stack.url}/nevisfido/token/dispatch/targets/${device.targetId}`, { headers: asRp() })).json()) as Json;
    expect(enabled.disabled).toBeUndefined();
    const pushed = await dispatch('authentication', { dispatchTargetId: device.targetId, getUafRequest: getUafRequest('authentication', { username: 'compat-push-off' }) });
    expect(pushed.body).toMatchObject({ dispatchResult: 'dispatched' });
    await device.phone.redeem(await device.push.nextPayload());
  });

  it.each([
    ['EC P-384', { encryptionKeyType: 'P-384', signatureKeyType: 'P-384' }],
    ['EC P-521', { encryptionKeyType: 'P-521', signatureKeyType: 'P-521' }],
    ['RSA 2048', { encryptionKeyType: 'RSA', signatureKeyType: 'RSA' }],
    ['OKP X25519 + Ed25519', { encryptionKeyType: 'X25519', signatureKeyType: 'Ed25519' }],
  ] as const)('%s keys: the push is encrypted to it and the Device-Signature verifies', async (label, keyOptions) => {
    const username = `compat-keys-${label.replace(/\W+/g, '-').toLowerCase()}`;
    const device = await enrol(username, keyOptions);
    await dispatch('authentication', { dispatchTargetId: device.targetId, dispatchInformation: { data: label }, getUafRequest: getUafRequest('authentication', { username }) });
    const payload = await device.push.nextPayload();
    expect(payload.nma_data_content_type).toBe('application/jose');
    expect((await device.phone.redeem(payload)).nmaData!.data).toBe(label);
    expect(await deviceService(device).listCredentials(device.deviceId)).toHaveLength(1);
  });

  it('other keys are still refused at creation (400)', async () => {
    const device = await enrol('compat-keys-refused');
    const publicOf = async (alg: string, options: Json) => {
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = await exportJWK((await generateKeyPair(alg, { ...options, extractable: true })).privateKey);
      return rest;
    };
    const create = (body: Json) =>
      fetch(`${stack.url}/nevisfido/token/dispatch/targets`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${device.deviceToken}` }, body: JSON.stringify({ name: `refused-${crypto.randomUUID()}`, ...body }) });
    const cases: Json[] = [
      // jose will not make an RSA key under 2048 bits; node:crypto will.
      { encryptionKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) },
      { encryptionKey: await publicOf('EdDSA', { crv: 'Ed25519' }) },
      { signatureKey: await publicOf('ECDH-ES+A256KW', { crv: 'X25519' }) },
      { signatureKey: { ...(await publicOf('ES256', { crv: 'P-256' })), crv: 'secp256k1' } },
      { signatureKey: { ...(await publicOf('ES384', { crv: 'P-384' })), alg: 'ES256' } },
    ];
    for (const body of cases) expect((await create(body)).status, JSON.stringify(body).slice(0, 80)).toBe(400);
  });
});
