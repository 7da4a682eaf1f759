import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushReceiver } from '../../../../device/oob/createPushReceiver.js';
import { startFcmEmulator, type RunningFcmEmulator } from './startFcmEmulator.js';

// The phone's push side against the emulator's device API (the FCM send side is in
// test/unit/dispatch/firebaseCloudMessaging.test.ts).

let fcm: RunningFcmEmulator;
beforeAll(async () => {
  fcm = await startFcmEmulator();
});
afterAll(async () => fcm.close());

async function sendTo(token: string, data: Record<string, string>): Promise<void> {
  const response = await fetch(`${fcm.url}/v1/projects/demo/messages:send`, {
    method: 'POST',
    headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
    body: JSON.stringify({ message: { token, data } }),
  });
  expect(response.status).toBe(200);
}

const payloadMap = { nma_data: '{"token":"t","redeem_url":"http://x/nevisfido/token/redeem/registration"}', nma_data_content_type: 'application/json', nma_data_version: '1' };

describe('createPushReceiver', () => {
  it('waits for a push sent after it started waiting and returns its nma_* map', async () => {
    const phone = await createPushReceiver({ emulatorUrl: `${fcm.url}/` });
    const waiting = phone.nextPayload({ timeoutMs: 5_000 });
    await sendTo(phone.token, payloadMap);
    expect(await waiting).toEqual(payloadMap);
  });

  it('keeps its token across a restart of the phone and gets what was queued meanwhile', async () => {
    const first = await createPushReceiver({ emulatorUrl: fcm.url });
    await sendTo(first.token, payloadMap);
    const restarted = await createPushReceiver({ emulatorUrl: fcm.url, token: first.token });
    expect(restarted.token).toBe(first.token);
    expect((await restarted.nextMessage({ timeoutMs: 1_000 })).data).toEqual(payloadMap);
  });

  it('gives up with pushTimeout when nothing comes', async () => {
    const phone = await createPushReceiver({ emulatorUrl: fcm.url });
    await expect(phone.nextMessage({ timeoutMs: 200 })).rejects.toMatchObject({ name: 'PushReceiverError', code: 'pushTimeout' });
  });

  it('after unregister, waiting is refused (404) and the message never names the token', async () => {
    const phone = await createPushReceiver({ emulatorUrl: fcm.url });
    await phone.unregister();
    const refusal: unknown = await phone.nextMessage({ timeoutMs: 200 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toMatchObject({ name: 'PushReceiverError', code: 'emulatorRefused', httpStatus: 404 });
    expect(String((refusal as Error).message)).not.toContain(phone.token);
  });

  it('refuses a malformed token at registration', async () => {
    await expect(createPushReceiver({ emulatorUrl: fcm.url, token: 'bad token' })).rejects.toMatchObject({ code: 'emulatorRefused', httpStatus: 400 });
  });
});
