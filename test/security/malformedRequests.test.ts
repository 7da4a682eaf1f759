/**
 * Finding 9 (issue 9), from a malformed-request corpus run against the stack: a dispatch target
 * created or changed with an unknown `dispatcher` was accepted; the facets answered `Accept:
 * image/png` and `text/html` with 200; a path parameter with broken percent-encoding answered
 * 500. Against real API and worker processes.
 */
import { randomUUID } from 'node:crypto';
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createPhone, createPhoneKeys, testAuthenticatorProfile, type PhoneKeys } from '../../device/index.js';
import { startProcessStack, type ProcessStack } from './processStack.js';

let stack: ProcessStack<'api'>;
let phoneKeys: PhoneKeys;
let deviceToken: string;
let url: string;

beforeAll(async () => {
  stack = await startProcessStack('malformed-requests', { api: {} });
  url = stack.urls.api;
  phoneKeys = await createPhoneKeys();
  const phone = createPhone({
    facetID: `${url}/nevisfido/uaf/1.1/facets`,
    authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })],
    serverUrl: `${url}/nevisfido`,
  });
  const request = await call('POST', '/nevisfido/uaf/1.1/request/registration', {
    headers: { 'content-type': 'application/json', ...rp() },
    body: JSON.stringify({ op: 'Reg', context: { username: 'malformed' } }),
  });
  expect(request.status).toBe(200);
  const registered = await phone.respond(request.body as never, `${url}/nevisfido`);
  deviceToken = registered.serverResponse!.additionalTokens![0]!.value;
}, 180_000);
afterAll(() => stack?.close());

const rp = () => ({ authorization: `Bearer ${stack.rpKey}` });
const targets = '/nevisfido/token/dispatch/targets';

async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${url}${path}`, { method, headers: init.headers ?? {}, ...(init.body !== undefined && { body: init.body }) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: the assertion below shows it as it came.
  }
  return { status: response.status, contentType: response.headers.get('content-type'), body: body as Record<string, any> };
}
const refusal = (error: string) => ({ error, message: expect.any(String) });

const createTarget = (dispatcher: string) =>
  call('POST', targets, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${deviceToken}` },
    body: JSON.stringify({ name: `phone-${randomUUID()}`, dispatcher, signatureKey: phoneKeys.signature.publicJwk }),
  });
const signedChange = (id: string, changes: Record<string, unknown>) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify({ dispatchTargetId: id, requestId: randomUUID(), creationTimeInEpochMillis: Date.now(), ...changes })))
    .setProtectedHeader({ alg: 'ES256' })
    .sign(phoneKeys.signature.privateKey);

describe('a dispatch target names a registered dispatcher', () => {
  it('creating one with an unknown dispatcher is 422 dispatcherNotFound', async () => {
    expect(await createTarget('carrier-pigeon')).toMatchObject({ status: 422, body: refusal('dispatcherNotFound') });
    expect((await call('GET', `${targets}?username=malformed`, { headers: rp() })).status).toBe(404);
  });

  it('changing one to an unknown dispatcher is 422 dispatcherNotFound, and the target keeps its dispatcher', async () => {
    const created = await createTarget('png-qr-code');
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const changed = await call('PATCH', `${targets}/${id}`, { headers: { 'content-type': 'application/jose' }, body: await signedChange(id, { dispatcher: 'carrier-pigeon' }) });
    expect(changed).toMatchObject({ status: 422, body: refusal('dispatcherNotFound') });
    expect(await call('GET', `${targets}/${id}`, { headers: rp() })).toMatchObject({ status: 200, body: { dispatcher: 'png-qr-code' } });
    // A registered one is still accepted.
    expect((await call('PATCH', `${targets}/${id}`, { headers: { 'content-type': 'application/jose' }, body: await signedChange(id, { dispatcher: 'link' }) })).status).toBe(204);
  });
});

describe('the facets honour Accept', () => {
  it.each(['image/png', 'text/html'])('Accept: %s → 406 notAcceptable', async (accept) => {
    expect(await call('GET', '/nevisfido/uaf/1.1/facets', { headers: { accept } })).toMatchObject({ status: 406, body: refusal('notAcceptable') });
  });
  it.each(['application/fido.trusted-apps+json', 'application/json', '*/*'])('Accept: %s → 200', async (accept) => {
    expect(await call('GET', '/nevisfido/uaf/1.1/facets', { headers: { accept } })).toMatchObject({ status: 200, contentType: expect.stringContaining('application/fido.trusted-apps+json') });
  });
});

describe('a path parameter with broken percent-encoding is 400, not 500', () => {
  it.each([
    { method: 'GET', path: `${targets}/%E0%A4%A`, headers: () => rp() },
    { method: 'DELETE', path: `${targets}/%E0%A4%A`, headers: () => rp() },
    { method: 'PATCH', path: `${targets}/%FF`, headers: () => ({ 'content-type': 'application/jose' }) },
    { method: 'GET', path: '/nevisfido/status/%C0%AF/events', headers: () => ({}) },
  ])('$method $path', async ({ method, path, headers }) => {
    expect(await call(method, path, { headers: headers(), ...(method === 'PATCH' && { body: 'x.y.z' }) })).toMatchObject({
      status: 400,
      contentType: expect.stringContaining('application/json'),
      body: refusal('invalidRequest'),
    });
    expect(stack.allRunning()).toBe(true);
  });
});
