import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPhone } from '../../../device/createPhone.js';
import { decodeNmaPayload, parseDispatchPayload } from '../../../device/oob/decodeNmaPayload.js';
import { createPushReceiver, type PushReceiver } from '../../../device/oob/createPushReceiver.js';
import { createFirebaseMessaging, type FirebaseMessaging } from '../../../dispatch/createFirebaseMessaging.js';
import type { DispatchOutcome, DispatchRequest } from '../../../dispatch/dispatcher.js';
import { DispatchTimeout } from '../../../dispatch/errors.js';
import { createFirebaseCloudMessaging, identifyFcmError } from '../../../dispatch/firebaseCloudMessaging.js';
import { setFault, startFcmEmulator, type RunningFcmEmulator } from '../emulators/fcm/startFcmEmulator.js';
import { nmaData, notification, phoneKeys } from './dispatchFixtures.js';

// firebase-admin (real, emulator transport) → FCM emulator → push receiver → phone.

let fcm: RunningFcmEmulator;
let firebase: FirebaseMessaging;
let phone: PushReceiver;

beforeAll(async () => {
  fcm = await startFcmEmulator();
  firebase = createFirebaseMessaging({ emulatorHost: fcm.host });
});
afterAll(async () => {
  await firebase.close();
  await fcm.close();
});

/** A freshly installed app for each test, so faults and messages never cross tests. */
const install = async () => (phone = await createPushReceiver({ emulatorUrl: fcm.url }));
afterEach(async () => setFault(fcm.url, phone.token, undefined));

const request = (change: Partial<DispatchRequest> = {}): DispatchRequest => ({
  nmaData,
  target: { target: phone.token, encryptionKey: phoneKeys.encryption.publicJwk },
  dispatchInformation: { notification },
  ...change,
});

const dispatcher = (timeoutMs = 10_000) => createFirebaseCloudMessaging({ messaging: firebase.messaging, timeoutMs });

function failureOf(outcome: DispatchOutcome) {
  if (outcome.dispatchResult !== 'dispatchError') throw new Error(`Expected dispatchError, got ${outcome.dispatchResult}.`);
  return outcome.failure;
}

describe('firebase-cloud-messaging through firebase-admin and the emulator', () => {
  it('delivers the nma_* data map and the notification; the phone decrypts the exact nma_data', async () => {
    await install();
    const outcome = await dispatcher().dispatch(request());
    const message = await phone.nextMessage({ timeoutMs: 5_000 });

    expect(outcome).toEqual({
      dispatchResult: 'dispatched',
      dispatcherInformation: { name: 'firebase-cloud-messaging', response: message.name },
      targetDead: false,
    });
    expect(message.name).toMatch(/^projects\/outband-dev\/messages\/[0-9a-f-]{36}$/);
    expect(message.notification).toEqual(notification);
    expect(Object.keys(message.data).sort()).toEqual(['nma_data', 'nma_data_content_type', 'nma_data_version']);
    expect(message.data).toMatchObject({ nma_data_content_type: 'application/jose', nma_data_version: '1' });
    expect(message.data.nma_data?.split('.')).toHaveLength(5);
    expect(await decodeNmaPayload(parseDispatchPayload(message.data), { decryptionKey: phoneKeys.encryption.privateKey })).toEqual(nmaData);
  });

  it('nextPayload gives the map decodeNmaPayload and phone.redeem take; no notification when none is asked', async () => {
    await install();
    await dispatcher().dispatch(request({ dispatchInformation: {} }));
    const message = await phone.nextMessage({ timeoutMs: 5_000 });
    expect(message).not.toHaveProperty('notification');

    await dispatcher().dispatch(request());
    const payload = await phone.nextPayload({ timeoutMs: 5_000 });
    expect(await decodeNmaPayload(payload, { decryptionKey: phoneKeys.encryption.privateKey })).toEqual(nmaData);
  });

  it('phone.redeem takes the pushed payload and redeems the token at redeem_url (user denies, so no UAF round)', async () => {
    await install();
    await dispatcher().dispatch(request());
    const redeemCalls: { url: string; body: unknown }[] = [];
    const serverFetch: typeof fetch = async (url, init) => {
      redeemCalls.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      return new Response(JSON.stringify({ statusCode: 1200, op: 'Auth' }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const device = createPhone({ facetID: 'android:apk-key-hash:test', authenticators: [], keys: phoneKeys, fetch: serverFetch });
    const result = await device.redeem(await phone.nextPayload({ timeoutMs: 5_000 }), { deny: true });
    expect(result.nmaData).toEqual(nmaData);
    expect(redeemCalls).toEqual([{ url: nmaData.redeem_url, body: { token: nmaData.token, deny: true } }]);
  });

  it('refuses a target without an encryptionKey (E2E is mandatory) and sends nothing', async () => {
    await install();
    const outcome = await dispatcher().dispatch(request({ target: { target: phone.token } }));
    expect(outcome).toMatchObject({ dispatchResult: 'dispatchError', dispatcherInformation: { name: 'firebase-cloud-messaging' }, targetDead: false });
    expect(failureOf(outcome).code).toBe('encryptionKeyMissing');
    await expect(phone.nextMessage({ timeoutMs: 300 })).rejects.toMatchObject({ name: 'PushReceiverError', code: 'pushTimeout' });
  });

  it('refuses a target without a registration token', async () => {
    await install();
    const outcome = await dispatcher().dispatch(request({ target: { encryptionKey: phoneKeys.encryption.publicJwk } }));
    expect(failureOf(outcome).code).toBe('targetMissing');
  });
});

describe('firebase-cloud-messaging error paths through real firebase-admin', () => {
  it.each([
    { case: 'an UNREGISTERED fault', fault: { fault: 'unregistered' }, code: 'targetUnregistered', targetDead: true, provider: 'messaging/registration-token-not-registered' },
    { case: 'a 500', fault: { fault: 'serverError', status: 500 }, code: 'providerUnavailable', targetDead: false, provider: 'messaging/internal-error' },
  ])('$case → dispatchError $code, targetDead $targetDead, cause $provider', async ({ fault, code, targetDead, provider }) => {
    await install();
    await setFault(fcm.url, phone.token, fault);
    const outcome = await dispatcher().dispatch(request());
    expect(outcome).toMatchObject({ dispatchResult: 'dispatchError', dispatcherInformation: { name: 'firebase-cloud-messaging' }, targetDead });
    expect(failureOf(outcome)).toMatchObject({ code, cause: { code: provider } });
  });

  it('an uninstalled app (device unregistered) → dispatchError targetUnregistered, targetDead', async () => {
    await install();
    await phone.unregister();
    const outcome = await dispatcher().dispatch(request());
    expect(outcome).toMatchObject({ dispatchResult: 'dispatchError', targetDead: true });
    expect(failureOf(outcome)).toMatchObject({ code: 'targetUnregistered', cause: { code: 'messaging/registration-token-not-registered' } });
  });

  it('a token no device ever had → dispatchError providerRejected (FCM INVALID_ARGUMENT), target not marked dead', async () => {
    await install();
    const outcome = await dispatcher().dispatch(request({ target: { target: 'never-registered-token-0001', encryptionKey: phoneKeys.encryption.publicJwk } }));
    expect(outcome).toMatchObject({ dispatchResult: 'dispatchError', targetDead: false });
    expect(failureOf(outcome)).toMatchObject({ code: 'providerRejected', cause: { code: 'messaging/invalid-argument' } });
  });

  it('a hang → dispatchError providerTimeout within the bound; the next send after the reset is delivered', async () => {
    await install();
    await setFault(fcm.url, phone.token, { fault: 'hang' });
    const outcome = await dispatcher(500).dispatch(request());
    expect(outcome).toMatchObject({ dispatchResult: 'dispatchError', targetDead: false });
    expect(failureOf(outcome)).toBeInstanceOf(DispatchTimeout);
    expect(failureOf(outcome)).toMatchObject({ code: 'providerTimeout', timeoutMs: 500 });

    await setFault(fcm.url, phone.token, undefined);
    expect((await dispatcher().dispatch(request())).dispatchResult).toBe('dispatched');
    expect((await phone.nextMessage({ timeoutMs: 5_000 })).data.nma_data_content_type).toBe('application/jose');
  });

  it('a 503 that firebase-admin keeps retrying → dispatchError providerTimeout within the bound', async () => {
    await install();
    await setFault(fcm.url, phone.token, { fault: 'serverError', status: 503 });
    const outcome = await dispatcher(500).dispatch(request());
    expect(failureOf(outcome)).toMatchObject({ code: 'providerTimeout' });
  });

  it('a fault on * applies to every token', async () => {
    await install();
    await setFault(fcm.url, '*', { fault: 'serverError', status: 500 });
    try {
      expect(failureOf(await dispatcher().dispatch(request())).code).toBe('providerUnavailable');
    } finally {
      await setFault(fcm.url, '*', undefined);
    }
  });
});

describe('identifyFcmError', () => {
  it.each([
    { provider: 'messaging/registration-token-not-registered', code: 'targetUnregistered', targetDead: true },
    { provider: 'messaging/invalid-registration-token', code: 'targetInvalid', targetDead: true },
    { provider: 'messaging/server-unavailable', code: 'providerUnavailable', targetDead: false },
    { provider: 'messaging/internal-error', code: 'providerUnavailable', targetDead: false },
    { provider: 'messaging/unknown-error', code: 'providerUnavailable', targetDead: false },
    { provider: 'app/network-error', code: 'providerUnavailable', targetDead: false },
    { provider: 'messaging/third-party-auth-error', code: 'providerRejected', targetDead: false },
    { provider: 'messaging/message-rate-exceeded', code: 'providerRejected', targetDead: false },
    { provider: 'messaging/mismatched-credential', code: 'providerRejected', targetDead: false },
    { provider: undefined, code: 'providerUnavailable', targetDead: false },
  ])('$provider → $code', ({ provider, code, targetDead }) => {
    const original = Object.assign(new Error('provider said no'), provider === undefined ? {} : { code: provider });
    const failure = identifyFcmError(original);
    expect({ name: failure.name, code: failure.code, targetDead: failure.targetDead, cause: failure.cause }).toEqual({ name: 'DispatchFailed', code, targetDead, cause: original });
  });
});
