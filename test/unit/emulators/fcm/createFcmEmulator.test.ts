import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFault, startFcmEmulator, type RunningFcmEmulator } from './startFcmEmulator.js';

// The emulator's HTTP API: FCM v1 send validation and error bodies, device delivery, faults.

const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});

let fcm: RunningFcmEmulator;
beforeAll(async () => {
  fcm = await startFcmEmulator(pino({ level: 'info' }, logSink));
});
afterAll(async () => fcm.close());

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function send(body: unknown, headers: Record<string, string> = { authorization: 'Bearer test-token' }) {
  const response = await fetch(`${fcm.url}/v1/projects/demo/messages:send`, { method: 'POST', ...json(body), headers: { ...headers, 'content-type': 'application/json' } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function register(token?: string): Promise<string> {
  const response = await fetch(`${fcm.url}/emulator/devices`, { method: 'POST', ...json(token === undefined ? {} : { token }) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

const next = (token: string, waitMs: number) => fetch(`${fcm.url}/emulator/devices/${encodeURIComponent(token)}/messages/next?waitMs=${waitMs}`);

/** FCM's error body: google.rpc.Status with the FCM error code in details. */
const fcmError = (code: number, status: string, errorCode: string) => ({
  error: {
    code,
    message: expect.any(String),
    status,
    details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }],
  },
});

describe('POST /v1/projects/{project}/messages:send', () => {
  it('delivers a token message to the registered device, which long-polls for it', async () => {
    const token = await register();
    const waiting = next(token, 5_000);
    const sent = await send({ message: { token, data: { a: '1' }, notification: { title: 'T', body: 'B' } } });
    expect(sent.status).toBe(200);
    expect(sent.body.name).toMatch(/^projects\/demo\/messages\/[0-9a-f-]{36}$/);
    const delivered = await waiting;
    expect(delivered.status).toBe(200);
    expect(await delivered.json()).toEqual({ name: sent.body.name, data: { a: '1' }, notification: { title: 'T', body: 'B' }, sentAt: expect.any(String) });
  });

  it('queues messages for a device that is not waiting, oldest first', async () => {
    const token = await register();
    await send({ message: { token, data: { n: '1' } } });
    await send({ message: { token, data: { n: '2' } } });
    expect(((await (await next(token, 0)).json()) as { data: unknown }).data).toEqual({ n: '1' });
    expect(((await (await next(token, 0)).json()) as { data: unknown }).data).toEqual({ n: '2' });
    expect((await next(token, 0)).status).toBe(204);
  });

  it('validate_only checks without delivering', async () => {
    const token = await register();
    expect(await send({ validate_only: true, message: { token, data: { a: '1' } } })).toEqual({ status: 200, body: { name: 'projects/demo/messages/fake_message_id' } });
    expect((await next(token, 0)).status).toBe(204);
  });

  it('answers 401 UNAUTHENTICATED without a bearer token', async () => {
    const token = await register();
    expect(await send({ message: { token } }, {})).toEqual({ status: 401, body: { error: { code: 401, message: expect.any(String), status: 'UNAUTHENTICATED' } } });
  });

  const token = 'registered-token-for-rules-0001';
  beforeAll(async () => void (await register(token)));
  it.each([
    { rule: 'a message', body: {} },
    { rule: 'a token (recipient)', body: { message: { data: { a: '1' } } } },
    { rule: 'a token, not a topic', body: { message: { topic: 'news' } } },
    { rule: 'string data values', body: { message: { token, data: { a: 1 } } } },
    { rule: 'a data object', body: { message: { token, data: ['a'] } } },
    { rule: 'unreserved data keys', body: { message: { token, data: { 'google.x': '1' } } } },
    { rule: 'string notification members', body: { message: { token, notification: { title: 7 } } } },
    { rule: 'the 4 KiB payload limit', body: { message: { token, data: { a: 'x'.repeat(4100) } } } },
    { rule: 'a token a device has', body: { message: { token: 'never-registered-token-0002', data: { a: '1' } } } },
  ])('answers 400 INVALID_ARGUMENT in FCM error shape for a message without $rule', async ({ body }) => {
    expect(await send(body)).toEqual({ status: 400, body: fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT') });
  });

  it('answers a body that is not JSON with FCM\'s 400 INVALID_ARGUMENT, not an HTML page', async () => {
    const response = await fetch(`${fcm.url}/v1/projects/demo/messages:send`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
      body: '{"message":',
    });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT') });
  });

  it('says "Recipient of the message is not set." for a missing token, as FCM does', async () => {
    expect((await send({ message: { data: { a: '1' } } })).body).toMatchObject({ error: { message: 'Recipient of the message is not set.' } });
  });
});

describe('faults and device lifecycle', () => {
  it.each([
    { fault: { fault: 'unregistered' }, status: 404, body: fcmError(404, 'NOT_FOUND', 'UNREGISTERED') },
    { fault: { fault: 'serverError' }, status: 500, body: fcmError(500, 'INTERNAL', 'INTERNAL') },
    { fault: { fault: 'serverError', status: 503 }, status: 503, body: fcmError(503, 'UNAVAILABLE', 'UNAVAILABLE') },
  ])('fault $fault.fault $fault.status answers $status with FCM\'s body, and clearing it restores delivery', async ({ fault, status, body }) => {
    const token = await register();
    await setFault(fcm.url, token, fault);
    expect(await send({ message: { token, data: { a: '1' } } })).toEqual({ status, body });
    await setFault(fcm.url, token, undefined);
    expect((await send({ message: { token, data: { a: '1' } } })).status).toBe(200);
  });

  it('a hang holds the send until the fault is cleared, then answers 500', async () => {
    const token = await register();
    await setFault(fcm.url, token, { fault: 'hang' });
    let settled = false;
    const held = send({ message: { token, data: { a: '1' } } }).finally(() => (settled = true));
    await expect(next(token, 200)).resolves.toMatchObject({ status: 204 });
    expect(settled).toBe(false);
    await setFault(fcm.url, token, undefined);
    expect(await held).toEqual({ status: 500, body: fcmError(500, 'INTERNAL', 'INTERNAL') });
  });

  it('an unregistered (uninstalled) device answers UNREGISTERED and can no longer poll', async () => {
    const token = await register();
    expect((await fetch(`${fcm.url}/emulator/devices/${encodeURIComponent(token)}`, { method: 'DELETE' })).status).toBe(204);
    expect(await send({ message: { token, data: { a: '1' } } })).toEqual({ status: 404, body: fcmError(404, 'NOT_FOUND', 'UNREGISTERED') });
    expect((await next(token, 0)).status).toBe(404);
  });

  it.each([
    { case: 'an unknown fault', body: { fault: 'explode' } },
    { case: 'a serverError status other than 500/503', body: { fault: 'serverError', status: 502 } },
  ])('refuses $case with 400 faultInvalid', async ({ body }) => {
    const response = await fetch(`${fcm.url}/emulator/devices/abc/fault`, { method: 'PUT', ...json(body) });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: { error: 'faultInvalid', message: expect.any(String) } });
  });

  it.each([
    { case: 'a malformed token on registration', call: () => fetch(`${fcm.url}/emulator/devices`, { method: 'POST', ...json({ token: 'short' }) }), status: 400, error: 'tokenInvalid' },
    { case: 'a poll for an unknown device', call: () => next('unknown-device-token-0003', 0), status: 404, error: 'deviceNotFound' },
    { case: 'a poll longer than 30 s', call: async () => next(await register(), 30_001), status: 400, error: 'waitInvalid' },
  ])('refuses $case with $status $error', async ({ call, status, error }) => {
    const response = await call();
    expect({ status: response.status, error: ((await response.json()) as { error: string }).error }).toEqual({ status, error });
  });

  it('registering a known token again answers 200 and keeps its messages', async () => {
    const token = await register();
    await send({ message: { token, data: { kept: 'yes' } } });
    const again = await fetch(`${fcm.url}/emulator/devices`, { method: 'POST', ...json({ token }) });
    expect({ status: again.status, body: await again.json() }).toEqual({ status: 200, body: { token } });
    expect(((await (await next(token, 0)).json()) as { data: unknown }).data).toEqual({ kept: 'yes' });
  });

  it('issues FCM-looking tokens and answers CORS preflights for the browser phone on a loopback page', async () => {
    expect(await register()).toMatch(/^[A-Za-z0-9_-]{22}:APA91b[A-Za-z0-9_-]{140}$/);
    const preflight = await fetch(`${fcm.url}/emulator/devices`, { method: 'OPTIONS', headers: { origin: 'http://localhost:3001' } });
    expect(preflight.status).toBe(204);
    // The page's own origin, never '*': no other site reads a device's messages (test/security/devServers.test.ts).
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3001');
  });
});

describe('logs', () => {
  it('never show a whole token or a data value', async () => {
    const token = await register();
    const secret = 'eyJhbGciOiJFQ0RILUVTK0EyNTZLVyJ9.secret-jwe-part';
    await send({ message: { token, data: { nma_data: secret } } });
    await setFault(fcm.url, token, { fault: 'unregistered' });
    await send({ message: { token, data: { nma_data: secret } } });
    const log = logLines.join('');
    expect(log).toContain('fcm message delivered');
    expect(log).toContain('nma_data');
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.slice(0, 22));
    expect(log).not.toContain(secret);
  });
});
