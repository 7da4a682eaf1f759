import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createPhone, testAuthenticatorProfile, type Misbehaviour } from '../../device/index.js';
import { encodeServerData } from '../../uaf/index.js';
import { deriveKeys } from '../../config/deriveKeys.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

// Fixed, so the tables below (built before any hook runs) can use it.
const rpKey = 'refusals-relying-party-key-0123456789';
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), { RP_API_KEYS: rpKey });
});
afterAll(() => stack?.close());

const uaf = 'application/fido+uaf;charset=UTF-8';
type Json = Record<string, any>;

async function send(path: string, init: { body?: string; headers?: Record<string, string>; method?: string }) {
  const response = await fetch(`${stack.url}${path}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': uaf, accept: 'application/fido+uaf, application/json', ...init.headers },
    body: init.body,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  send(path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers });
const rp = () => ({ authorization: `Bearer ${rpKey}` });

const sessionIdOf = (ret: Json): string => JSON.parse(ret.uafRequest)[0].header.exts[0].data;
const statusOf = async (ret: Json) =>
  (await post('/nevisfido/status', { sessionId: sessionIdOf(ret) }, { 'content-type': 'application/json' })).body;
const credentialCount = () => stack.database.db.collection('credentials').countDocuments();
const counterOf = async (username: string) =>
  (await stack.database.db.collection('credentials').findOne({ username }))?.signCounter as number;

function phoneWith(misbehaviour?: Misbehaviour) {
  const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001'), ...(misbehaviour && { misbehaviour }) });
  return createPhone({ facetID: stack.config.uaf.trustedFacets[0]!, authenticators: [authenticator], serverUrl: `${stack.url}/nevisfido` });
}

interface Row {
  name: string;
  path: string;
  init: { body?: string; headers?: Record<string, string>; method?: string };
  status: number;
  error: string;
  statusCode?: number;
}

describe('request endpoints refuse bad input', () => {
  const registration = '/nevisfido/uaf/1.1/request/registration';
  const good = JSON.stringify({ op: 'Reg', context: { username: 'nobody' } });
  it.each<Row>([
    { name: 'no RP key', path: registration, init: { body: good, headers: {} }, status: 401, error: 'unauthorized' },
    { name: 'a wrong RP key', path: registration, init: { body: good, headers: { authorization: 'Bearer not-a-key-of-ours-at-all' } }, status: 401, error: 'unauthorized' },
    { name: 'a wrong content type', path: registration, init: { body: good, headers: { ...rp(), 'content-type': 'text/plain' } }, status: 415, error: 'unsupportedMediaType' },
    { name: 'malformed JSON', path: registration, init: { body: '{"op":"Reg",', headers: rp() }, status: 400, error: 'malformedJson' },
    { name: 'an unknown op', path: registration, init: { body: JSON.stringify({ op: 'REG', context: { username: 'x' } }), headers: rp() }, status: 400, error: 'invalidRequest', statusCode: 1491 },
    { name: 'a missing username', path: registration, init: { body: JSON.stringify({ op: 'Reg', context: '{}' }), headers: rp() }, status: 400, error: 'invalidRequest', statusCode: 1491 },
    { name: 'a context that is not JSON', path: registration, init: { body: JSON.stringify({ op: 'Reg', context: '{username' }), headers: rp() }, status: 400, error: 'invalidRequest', statusCode: 1491 },
    { name: 'an oversized body', path: registration, init: { body: JSON.stringify({ op: 'Reg', context: { username: 'x'.repeat(70_000) } }), headers: rp() }, status: 413, error: 'payloadTooLarge' },
    { name: 'an unacceptable Accept', path: registration, init: { body: good, headers: { ...rp(), accept: 'text/html' } }, status: 406, error: 'notAcceptable' },
    { name: 'GET', path: registration, init: { method: 'GET', headers: rp() }, status: 405, error: 'methodNotAllowed' },
    { name: 'a transaction of an unknown type', path: '/nevisfido/uaf/1.1/request/authentication', init: { body: JSON.stringify({ op: 'Auth', context: { transaction: [{ contentType: 'text/html', content: 'eA' }] } }), headers: rp() }, status: 400, error: 'invalidRequest', statusCode: 1491 },
    { name: 'deregistration without RP key', path: '/nevisfido/uaf/1.1/request/deregistration', init: { body: JSON.stringify({ op: 'Dereg', context: { mode: 'username', username: 'x' } }) }, status: 401, error: 'unauthorized' },
    { name: 'deregistration in an unknown mode', path: '/nevisfido/uaf/1.1/request/deregistration', init: { body: JSON.stringify({ op: 'Dereg', context: { mode: 'all', username: 'x' } }), headers: rp() }, status: 400, error: 'invalidRequest', statusCode: 1491 },
    { name: 'a status request without sessionId', path: '/nevisfido/status', init: { body: '{}', headers: { 'content-type': 'application/json' } }, status: 400, error: 'invalidRequest' },
  ])('$name → $status $error', async ({ path, init, status, error, statusCode }) => {
    const before = await credentialCount();
    const response = await send(path, init);
    expect(response).toEqual({ status, body: { error, message: expect.any(String), ...(statusCode ? { statusCode } : {}) } });
    expect(await credentialCount()).toBe(before);
  });

  it('answers status unknown for a session it never issued', async () => {
    expect((await post('/nevisfido/status', { sessionId: 'never-issued' }, { 'content-type': 'application/json' })).body).toEqual({
      status: 'unknown',
      timestamp: expect.any(String),
    });
  });
});

describe('response endpoints refuse bad responses and write nothing', () => {
  const responsePath = '/nevisfido/uaf/1.1/authentication';
  let username = 0;

  /** A fresh user registered with a phone; returns a pending authentication request for them. */
  async function registeredUser(misbehaviour?: Misbehaviour) {
    const name = `user-${++username}`;
    const phone = phoneWith(misbehaviour);
    const reg = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: name } }, rp());
    await phone.respond(reg.body as never, `${stack.url}/nevisfido`);
    const request = (await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: name } }, rp())).body;
    return { name, phone, request };
  }
  const submit = (uafResponse: string) => post(responsePath, { uafResponse });

  it.each([
    {
      name: 'a uafResponse that is not JSON',
      tamper: () => '[{"header":',
      status: 400, error: 'invalidJson', statusCode: 1498,
    },
    {
      name: 'tampered serverData',
      tamper: (r: Json[]) => ((r[0]!.header.serverData = `x${r[0]!.header.serverData.slice(1)}`), r),
      status: 400, error: 'serverDataInvalid', statusCode: 1491,
    },
    {
      name: 'upv 1.7',
      tamper: (r: Json[]) => ((r[0]!.header.upv = { major: 1, minor: 7 }), r),
      status: 400, error: 'unsupportedVersion', statusCode: 1498,
    },
    {
      name: 'a bad signature',
      tamper: (r: Json[]) => {
        const bytes = Buffer.from(r[0]!.assertions[0].assertion, 'base64url');
        bytes[bytes.length - 1]! ^= 0xff;
        r[0]!.assertions[0].assertion = bytes.toString('base64url');
        return r;
      },
      status: 422, error: 'signatureInvalid', statusCode: 1498,
    },
  ])('$name → $status $error', async ({ tamper, status, error, statusCode }) => {
    const { name, phone, request } = await registeredUser();
    const counter = await counterOf(name);
    const uafResponse = await phone.client.authenticate(request.uafRequest, { username: name });
    const tampered = tamper(JSON.parse(uafResponse));
    const response = await submit(typeof tampered === 'string' ? tampered : JSON.stringify(tampered));
    expect(response).toEqual({ status, body: { error, message: expect.any(String), statusCode } });
    expect(await counterOf(name)).toBe(counter);
  });

  it('a response to another request (wrong challenge) → 422 challengeMismatch, and that operation fails', async () => {
    const { name, phone, request } = await registeredUser();
    const other = (await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: name } }, rp())).body;
    const response = JSON.parse(await phone.client.authenticate(request.uafRequest, { username: name }));
    response[0].header.serverData = JSON.parse(other.uafRequest)[0].header.serverData;
    expect(await submit(JSON.stringify(response))).toEqual({ status: 422, body: { error: 'challengeMismatch', message: expect.any(String), statusCode: 1498 } });
    expect(await statusOf(other)).toMatchObject({ status: 'failed', failureReason: 'verificationFailed', uafStatusCode: 1498 });
  });

  it('a replayed response → 409 operationClosed; the counter moved once', async () => {
    const { name, phone, request } = await registeredUser();
    const counter = await counterOf(name);
    const uafResponse = await phone.client.authenticate(request.uafRequest, { username: name });
    expect((await submit(uafResponse)).status).toBe(200);
    expect(await submit(uafResponse)).toEqual({ status: 409, body: { error: 'operationClosed', message: expect.any(String) } });
    expect(await counterOf(name)).toBe(counter + 1);
  });

  it('a response after the request lifetime → 410 requestExpired', async () => {
    const { name, phone, request } = await registeredUser();
    const response = JSON.parse(await phone.client.authenticate(request.uafRequest, { username: name }));
    // The same serverData as issued, but with its expiry in the past (signed with the server's key).
    const claims = JSON.parse(Buffer.from(response[0].header.serverData.split('.')[0], 'base64url').toString());
    response[0].header.serverData = encodeServerData({ ...claims, exp: Date.now() - 1 }, deriveKeys(stack.config.serverSecret).serverData);
    expect(await submit(JSON.stringify(response))).toEqual({ status: 410, body: { error: 'requestExpired', message: expect.any(String), statusCode: 1491 } });
  });

  it('a counter regression (cloned authenticator) → 422 counterNotIncreased', async () => {
    const { name, request } = await registeredUser();
    // A clone: same key material as registered, but it repeats the stored counter.
    const registered = await stack.database.db.collection('credentials').findOne({ username: name });
    expect(registered).not.toBeNull();
    const clone = phoneWith({ staleCounter: true });
    const reg = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: `${name}-clone` } }, rp());
    await clone.respond(reg.body as never, `${stack.url}/nevisfido`);
    const cloneRequest = (await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: `${name}-clone` } }, rp())).body;
    const counter = await counterOf(`${name}-clone`);
    const response = await submit(await clone.client.authenticate(cloneRequest.uafRequest, { username: `${name}-clone` }));
    expect(response).toEqual({ status: 422, body: { error: 'counterNotIncreased', message: expect.any(String), statusCode: 1401 } });
    expect(await counterOf(`${name}-clone`)).toBe(counter);
    expect(request.statusCode).toBe(1200);
  });

  it('a tampered transaction text → 422 transactionHashMismatch', async () => {
    const { name, phone } = await registeredUser();
    const transaction = [{ contentType: 'text/plain', content: Buffer.from('Pay 10 CHF to Bob').toString('base64url') }];
    const request = (await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: name, transaction } }, rp())).body;
    // A man in the middle changes the text the phone shows and signs.
    const messages = JSON.parse(request.uafRequest);
    messages[0].transaction[0].content = Buffer.from('Pay 9999 CHF to Eve').toString('base64url');
    const counter = await counterOf(name);
    const response = await submit(await phone.client.authenticate(JSON.stringify(messages), { username: name }));
    expect(response).toEqual({ status: 422, body: { error: 'transactionHashMismatch', message: expect.any(String), statusCode: 1498 } });
    expect(await counterOf(name)).toBe(counter);
    expect(await statusOf(request)).toMatchObject({ status: 'failed', failureReason: 'verificationFailed' });
  });
});
