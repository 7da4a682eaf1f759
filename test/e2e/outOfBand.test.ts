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
import { createCredentials } from '../../store/credentials.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

const rpKey = 'out-of-band-relying-party-key-0123456789';
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), { RP_API_KEYS: rpKey });
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
const asRp = { authorization: `Bearer ${rpKey}` };
const dispatch = (operation: string, body: Json) => call(`/nevisfido/token/dispatch/${operation}`, body, asRp);
const status = async (sessionId: string) => (await call('/nevisfido/status', { sessionId })).body;
const ops = { registration: 'Reg', authentication: 'Auth', deregistration: 'Dereg' } as const;
const getUafRequest = (operation: keyof typeof ops, context: Json) => ({ op: ops[operation], context: JSON.stringify(context) });

interface Device {
  phone: Phone;
  authenticator: Authenticator;
  keys: PhoneKeys;
  push: PushReceiver;
  targetId: string;
}

/**
 * Seed scenario 1, as a helper for the others: out-of-band registration by a QR code (the PNG is
 * decoded), then the phone creates its dispatch target with its push token and keys.
 */
async function enrol(username: string): Promise<Device> {
  const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') });
  const keys = await createPhoneKeys();
  const phone = createPhone({ facetID: stack.config.uaf.trustedFacets[0]!, authenticators: [authenticator], keys });
  const push = await createPushReceiver({ emulatorUrl: stack.fcm.url });

  const started = await dispatch('registration', { dispatcher: 'link-png-qr-code', getUafRequest: getUafRequest('registration', { username }) });
  expect(started.body).toMatchObject({ dispatchResult: 'dispatched', dispatcherInformation: { name: 'link-png-qr-code' } });
  expect(await status(started.body.sessionId)).toMatchObject({ status: 'tokenCreated' });

  // The QR code of link-png-qr-code holds the deep link: read the PNG's pixels, then the link.
  const payload = parseDeepLink(readQrCode(started.body.dispatcherInformation.response));
  const { serverResponse } = await phone.redeem(payload);
  expect(await status(started.body.sessionId)).toMatchObject({ status: 'succeeded', userId: username, tokenInformation: { tokenResult: 'tokenRedeemed' } });

  const deviceToken = serverResponse!.additionalTokens![0]!.value;
  const created = await createDispatchTarget({ serverUrl: `${stack.url}/nevisfido`, deviceToken, name: `${username}'s phone`, pushToken: push.token, keys });
  return { phone, authenticator, keys, push, targetId: created.id };
}

const pushAuthentication = (device: Device, username: string, extra: Json = {}) =>
  dispatch('authentication', { dispatchTargetId: device.targetId, getUafRequest: getUafRequest('authentication', { username }), ...extra });

describe('out-of-band', () => {
  it('registration by QR code: tokenCreated → succeeded, then the phone creates its dispatch target', async () => {
    const device = await enrol('oob-alice');
    const query = await fetch(`${stack.url}/nevisfido/token/dispatch/targets?username=oob-alice`, { headers: asRp });
    expect(await query.json()).toEqual({ dispatchTargets: [{ id: device.targetId, name: "oob-alice's phone", dispatcher: 'firebase-cloud-messaging' }] });
  });

  it('push authentication with visual-string channel linking: browser and phone show the same string', async () => {
    const device = await enrol('oob-bob');
    const started = await pushAuthentication(device, 'oob-bob', {
      channelLinking: { mode: 'visual-string' },
      dispatchInformation: { notification: { title: 'Login', body: 'Confirm your login' } },
    });
    expect(started.body).toMatchObject({ dispatchResult: 'dispatched', channelLinking: { mode: 'visual-string', string: expect.stringMatching(/^[A-Z2-9]{6}$/) } });
    const message = await device.push.nextMessage();
    expect(message.notification).toEqual({ title: 'Login', body: 'Confirm your login' });
    const { nmaData } = await device.phone.redeem(message.data as never);
    expect(nmaData!.channel_linking).toBe(started.body.channelLinking.string);
    expect(await status(started.body.sessionId)).toMatchObject({ status: 'succeeded', userId: 'oob-bob', finalSessionId: started.body.sessionId });
  });

  it('push fails (UNREGISTERED, then a hang) → fallback to QR; latest-only: the old token is superseded', async () => {
    const device = await enrol('oob-carol');
    const fault = (body: Json) =>
      fetch(`${stack.fcm.url}/emulator/devices/${device.push.token}/fault`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    await fault({ fault: 'unregistered' });
    const first = await pushAuthentication(device, 'oob-carol');
    expect(first.body.dispatchResult).toBe('dispatchError');
    // The dead push token is remembered: the next push to that target is refused up front.
    expect((await pushAuthentication(device, 'oob-carol')).body.dispatchResult).toBe('dispatchTargetExpired');

    const qr = await dispatch('authentication', { dispatcher: 'png-qr-code', fallbackFor: first.body.sessionId, getUafRequest: getUafRequest('authentication', { username: 'oob-carol' }) });
    expect(qr.body).toMatchObject({ dispatchResult: 'dispatched', sessionId: expect.any(String) });
    expect(qr.body.sessionId).not.toBe(first.body.sessionId);

    const oldToken = await call('/nevisfido/token/redeem/authentication', { token: first.body.token });
    expect(oldToken).toMatchObject({ status: 410, body: { error: 'tokenSuperseded' } });

    await device.phone.redeem(readQrPayload(qr.body.dispatcherInformation.response));
    for (const sessionId of [first.body.sessionId, qr.body.sessionId]) {
      expect(await status(sessionId)).toMatchObject({ status: 'succeeded', userId: 'oob-carol', finalSessionId: qr.body.sessionId });
    }
  });

  it('a hanging push provider yields dispatchError within the bound, never a blocked call', async () => {
    const device = await enrol('oob-hang');
    await fetch(`${stack.fcm.url}/emulator/devices/${device.push.token}/fault`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"fault":"hang"}' });
    const started = await pushAuthentication(device, 'oob-hang');
    expect(started).toMatchObject({ status: 200, body: { dispatchResult: 'dispatchError' } });
    await fetch(`${stack.fcm.url}/emulator/devices/${device.push.token}/fault`, { method: 'DELETE' });
  });

  it('any policy: both tokens valid, the first completion wins, the second is refused, one success', async () => {
    const device = await enrol('oob-dave');
    const push = await pushAuthentication(device, 'oob-dave', { sessionPolicy: 'any' });
    const link = await dispatch('authentication', { dispatcher: 'link', fallbackFor: push.body.sessionId, getUafRequest: getUafRequest('authentication', { username: 'oob-dave' }) });
    const counter = async () => (await stack.database.db.collection('credentials').findOne({ username: 'oob-dave' }))!.signCounter;
    const before = await counter();

    await device.phone.redeem(parseDeepLink(link.body.dispatcherInformation.response));
    const late = await call('/nevisfido/token/redeem/authentication', { token: push.body.token });
    expect(late).toMatchObject({ status: 409, body: { error: 'tokenAlreadyRedeemed' } });
    expect(await counter()).toBe(before + 1);
    expect(await status(push.body.sessionId)).toMatchObject({ status: 'succeeded', finalSessionId: link.body.sessionId });
  });

  it('mobile-only: a deep link opened on the phone itself', async () => {
    const device = await enrol('oob-erin');
    const started = await dispatch('authentication', { dispatcher: 'link', getUafRequest: getUafRequest('authentication', { username: 'oob-erin' }) });
    expect(started.body.dispatcherInformation.response).toMatch(new RegExp(`^${stack.config.linkBaseUrl}\\?dispatchTokenResponse=`));
    await device.phone.redeem(parseDeepLink(started.body.dispatcherInformation.response));
    expect(await status(started.body.sessionId)).toMatchObject({ status: 'succeeded', userId: 'oob-erin' });
  });

  it('transaction confirmation by push: the phone shows the text and signs it', async () => {
    const device = await enrol('oob-frank');
    const text = 'Pay 250.00 EUR to ACME Ltd';
    const transaction = [{ contentType: 'text/plain', content: Buffer.from(text).toString('base64url') }];
    const started = await dispatch('authentication', { dispatchTargetId: device.targetId, getUafRequest: getUafRequest('authentication', { username: 'oob-frank', transaction }) });
    await device.phone.redeem(await device.push.nextPayload());
    expect(device.authenticator.displayed.at(-1)).toMatchObject({ contentType: 'text/plain', text });
    expect(await status(started.body.sessionId)).toMatchObject({ status: 'succeeded', userId: 'oob-frank' });
  });

  it('double redeem → 409; unknown token → 404 without touching any workflow', async () => {
    const device = await enrol('oob-grace');
    const started = await pushAuthentication(device, 'oob-grace');
    await device.phone.redeem(await device.push.nextPayload());
    expect(await call('/nevisfido/token/redeem/authentication', { token: started.body.token })).toMatchObject({ status: 409, body: { error: 'tokenAlreadyRedeemed' } });
    expect(await call('/nevisfido/token/redeem/authentication', { token: 'x'.repeat(22) })).toMatchObject({ status: 404, body: { error: 'tokenNotFound' } });
    // A token of another operation type is just as unknown here.
    expect(await call('/nevisfido/token/redeem/registration', { token: started.body.token })).toMatchObject({ status: 404, body: { error: 'tokenNotFound' } });
  });

  it('the same redeem sent again (a retry after a 503) gets the same UAF request until the operation ends; another redeem of the spent token is 409', async () => {
    const device = await enrol('oob-retry');
    const started = await pushAuthentication(device, 'oob-retry');
    const redeem = (body: Json) => call('/nevisfido/token/redeem/authentication', { token: started.body.token, ...body });
    const first = await redeem({});
    expect(first).toMatchObject({ status: 200, body: { uafRequest: expect.any(String) } });
    // The same update id: Temporal answers the completed update, the validator is not asked again.
    expect(await redeem({})).toEqual(first);
    // A different request is another update: the validator refuses the spent token.
    expect(await redeem({ deny: true })).toMatchObject({ status: 409, body: { error: 'tokenAlreadyRedeemed' } });
    const uafResponse = await device.phone.client.authenticate(first.body.uafRequest);
    const response = await fetch(`${stack.url}/nevisfido/uaf/1.1/authentication`, {
      method: 'POST',
      headers: { 'content-type': 'application/fido+uaf;charset=UTF-8', accept: 'application/fido+uaf, application/json' },
      body: JSON.stringify({ uafResponse }),
    });
    expect(response.status).toBe(200);
    expect(await status(started.body.sessionId)).toMatchObject({ status: 'succeeded' });
    // Past the end, the same redeem is a second redeem: Temporal would still return the old result.
    expect(await redeem({})).toMatchObject({ status: 409, body: { error: 'tokenAlreadyRedeemed' } });
  });

  it('the redeem offers the keys the dispatch read (no read of its own); a key revoked meanwhile is refused by the live check of the answer', async () => {
    const device = await enrol('oob-revoked');
    const started = await pushAuthentication(device, 'oob-revoked');
    await createCredentials(stack.database.db).removeForUser('oob-revoked');
    // Read at redeem, the keys would be none (noCredentials); carried from the dispatch, the request names the revoked key.
    const redeemed = await call('/nevisfido/token/redeem/authentication', { token: started.body.token });
    expect(redeemed).toMatchObject({ status: 200, body: { uafRequest: expect.any(String) } });
    const uafResponse = await device.phone.client.authenticate(redeemed.body.uafRequest);
    const answered = await call('/nevisfido/uaf/1.1/authentication', { uafResponse });
    expect(answered).toMatchObject({ status: 422, body: { error: 'unknownKeyId', statusCode: 1481 } });
    expect(await status(started.body.sessionId)).toMatchObject({ status: 'failed', failureReason: 'verificationFailed' });
  });

  it('deny ends the operation at once: failed, clientErrorCode 3, the token spent', async () => {
    const device = await enrol('oob-heidi');
    const started = await pushAuthentication(device, 'oob-heidi');
    const result = await device.phone.redeem(await device.push.nextPayload(), { deny: true });
    expect(result.serverResponse).toBeUndefined();
    expect(await status(started.body.sessionId)).toMatchObject({ status: 'failed', clientErrorCode: 3, failureReason: 'denied' });
    expect(await call('/nevisfido/token/redeem/authentication', { token: started.body.token })).toMatchObject({ status: 409 });
  });

  it('number match: a wrong pick releases no UAF request and fails the operation; the right pick succeeds', async () => {
    const device = await enrol('oob-ivan');
    const wrong = await pushAuthentication(device, 'oob-ivan', { channelLinking: { mode: 'number-match' } });
    const shown = wrong.body.channelLinking.string as string;
    const pushed = await device.push.nextPayload();
    await expect(device.phone.redeem(pushed, { channelLinkingAnswer: shown === '10' ? '11' : '10' })).rejects.toMatchObject({ httpStatus: 422, code: 'channelLinkingMismatch' });
    expect(await status(wrong.body.sessionId)).toMatchObject({ status: 'failed', failureReason: 'channelLinkingMismatch' });

    const right = await pushAuthentication(device, 'oob-ivan', { channelLinking: { mode: 'number-match' } });
    const { nmaData } = await device.phone.redeem(await device.push.nextPayload(), { channelLinkingAnswer: right.body.channelLinking.string });
    expect(nmaData!.channel_linking).toHaveLength(3);
    expect(nmaData!.channel_linking).toContain(right.body.channelLinking.string);
    expect(await status(right.body.sessionId)).toMatchObject({ status: 'succeeded' });
  });

  it('a fallback for an in-band session, or for no session, is refused', async () => {
    const inBand = await call('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: '{}' }, asRp);
    const sessionId = JSON.parse(inBand.body.uafRequest)[0].header.exts[0].data;
    const fallback = (fallbackFor: string) =>
      dispatch('authentication', { dispatcher: 'link', fallbackFor, getUafRequest: getUafRequest('authentication', {}) });
    expect(await fallback(sessionId)).toMatchObject({ status: 400, body: { error: 'invalidRequest' } });
    expect(await fallback('no-such-session')).toMatchObject({ status: 404, body: { error: 'operationNotFound' } });
  });

  it('every documented dispatchResult the RP can cause is reachable', async () => {
    const device = await enrol('oob-judy');
    const auth = (extra: Json, username = 'oob-judy') => dispatch('authentication', { getUafRequest: getUafRequest('authentication', { username }), ...extra });
    expect((await auth({ dispatcher: 'carrier-pigeon' })).body.dispatchResult).toBe('dispatcherNotFound');
    expect((await auth({ dispatchTargetId: 'no-such-target' })).body.dispatchResult).toBe('dispatchTargetNotFound');
    expect((await auth({ dispatcher: 'link' }, 'nobody-at-all')).body.dispatchResult).toBe('userNotFound');
    expect((await auth({ dispatchTargetId: device.targetId }, 'oob-alice')).body.dispatchResult).toBe('dispatchTargetNotFound');
  });
});

describe('push fatigue', () => {
  it('at most DISPATCH_MAX_PENDING (3) open dispatches per user: the next is 429 with Retry-After, none is sent', async () => {
    const device = await enrol('oob-fatigue');
    const pending = [];
    for (let i = 0; i < 3; i++) pending.push(await pushAuthentication(device, 'oob-fatigue'));
    expect(pending.map((p) => p.body.dispatchResult)).toEqual(['dispatched', 'dispatched', 'dispatched']);
    for (let i = 0; i < 3; i++) await device.push.nextMessage();

    const response = await fetch(`${stack.url}/nevisfido/token/dispatch/authentication`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asRp },
      body: JSON.stringify({ dispatchTargetId: device.targetId, getUafRequest: getUafRequest('authentication', { username: 'oob-fatigue' }) }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ error: 'tooManyPendingDispatches' });
    await expect(device.push.nextMessage({ timeoutMs: 500 })).rejects.toMatchObject({ code: 'pushTimeout' });

    // Answering one (here: the user denies it) frees a place.
    expect(await call('/nevisfido/token/redeem/authentication', { token: pending[0]!.body.token, deny: true })).toMatchObject({ status: 204 });
    await expect.poll(async () => (await pushAuthentication(device, 'oob-fatigue')).body.dispatchResult, { timeout: 10_000 }).toBe('dispatched');
  });
});

describe('status stream (SSE)', () => {
  /**
   * Follows an event stream until it ends (with the operation): `connected` resolves at its first
   * event, `statuses` with every status value seen.
   */
  function followStatusEvents(sessionId: string): { connected: Promise<void>; statuses: Promise<string[]> } {
    let connect!: () => void;
    const connected = new Promise<void>((resolve) => (connect = resolve));
    const statuses = (async () => {
      const response = await fetch(`${stack.url}/nevisfido/status/${sessionId}/events`, { headers: { accept: 'text/event-stream' } });
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body!) {
        text += decoder.decode(chunk, { stream: true });
        if (text.includes('data: ')) connect();
      }
      return [...text.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1]!).status);
    })();
    return { connected, statuses };
  }
  const readStatusEvents = (sessionId: string) => followStatusEvents(sessionId).statuses;

  // 10: the most streams one session may have (SSE_MAX_PER_SESSION's default, issue 9).
  it('10 browsers on one session each see tokenCreated → clientAuthenticating → succeeded, from one watcher', async () => {
    const device = await enrol('oob-sse');
    const started = await pushAuthentication(device, 'oob-sse');
    const browsers = Array.from({ length: 10 }, () => followStatusEvents(started.body.sessionId));
    // Every browser has its first event before the phone answers.
    await Promise.all(browsers.map((browser) => browser.connected));
    await device.phone.redeem(await device.push.nextPayload());

    for (const events of await Promise.all(browsers.map((browser) => browser.statuses))) {
      expect(events).toEqual(['tokenCreated', 'clientAuthenticating', 'succeeded']);
    }
    // The workflow was asked once per change, not once per browser (nor per second).
    const { executions } = await stack.client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query: `TaskQueue = "${stack.config.temporal.taskQueue}" AND OutbandStatus = "succeeded" AND WorkflowType = "authentication"`,
    });
    const histories = await Promise.all(
      executions.map(async (execution) => (await stack.client.workflow.getHandle(execution.execution!.workflowId!).fetchHistory()).events ?? []),
    );
    const watchCounts = histories.map((events) => events.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'watch').length);
    expect(Math.max(...watchCounts)).toBeGreaterThan(0);
    expect(Math.max(...watchCounts)).toBeLessThanOrEqual(3);
  });

  it('an unknown session streams one unknown status and ends', async () => {
    expect(await readStatusEvents('never-issued-session')).toEqual(['unknown']);
  });
});
