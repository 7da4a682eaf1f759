/**
 * Finding 4 (issue 9): anonymous callers started durable work and learnt about users.
 * `request/authentication` started a 2-minute workflow for anyone, took 4 × 16 KiB of transaction
 * and told who exists (404 vs the user's keys); `/healthz/workflow` started a workflow per call;
 * event streams and requests were unbounded. Each attack below is refused by real API processes:
 * one with the defaults, one with ALLOW_APP_INITIATED_AUTHENTICATION (and low stream caps), one
 * with low rate limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createPhone, testAuthenticatorProfile } from '../../device/index.js';
import { startProcessStack, type ProcessStack } from './processStack.js';

type Api = 'defaults' | 'appInitiated' | 'limited';
let stack: ProcessStack<Api>;
const knownUser = 'anon-known';

beforeAll(async () => {
  stack = await startProcessStack('anonymous-work', {
    defaults: {},
    appInitiated: { ALLOW_APP_INITIATED_AUTHENTICATION: 'true', SSE_MAX_PER_SESSION: '2', SSE_MAX_CONNECTIONS: '3' },
    limited: { RATE_LIMIT_PER_ADDRESS: '30', RATE_LIMIT_PER_RP_KEY: '5', RATE_LIMIT_WINDOW_SECONDS: '600' },
  });
  // A user with a registered key, so "known" and "unknown" could differ.
  const phone = createPhone({
    facetID: `${stack.urls.defaults}/nevisfido/uaf/1.1/facets`,
    authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })],
    serverUrl: `${stack.urls.defaults}/nevisfido`,
  });
  const request = await post('defaults', '/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: knownUser } }, rp());
  expect(request.status).toBe(200);
  const registered = await phone.respond(request.body as never, `${stack.urls.defaults}/nevisfido`);
  expect(registered.serverResponse).toMatchObject({ statusCode: 1200 });
}, 180_000);
afterAll(() => stack?.close());

const rp = () => ({ authorization: `Bearer ${stack.rpKey}` });
type Json = Record<string, any>;

async function send(api: Api, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.urls[api]}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Json };
}
const post = (api: Api, path: string, body: unknown, headers: Record<string, string> = {}) => send(api, 'POST', path, body, headers);
const requestAuthentication = (api: Api, context: Json, headers: Record<string, string> = {}) =>
  post(api, '/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context }, headers);
const refusal = (error: string) => ({ error, message: expect.any(String) });

describe('request/authentication', () => {
  it('needs the relying-party key by default, and an anonymous caller cannot tell a known user from an unknown one', async () => {
    const known = await requestAuthentication('defaults', { username: knownUser });
    const unknown = await requestAuthentication('defaults', { username: 'anon-nobody' });
    const usernameLess = await requestAuthentication('defaults', {});
    for (const answer of [known, unknown, usernameLess]) expect(answer).toMatchObject({ status: 401, body: refusal('unauthorized') });
    expect(known.body).toEqual(unknown.body);
    // The relying party, and only it, learns who has keys.
    expect(await requestAuthentication('defaults', { username: knownUser }, rp())).toMatchObject({ status: 200, body: { op: 'Auth', statusCode: 1200 } });
    expect(await requestAuthentication('defaults', { username: 'anon-nobody' }, rp())).toMatchObject({ status: 404, body: refusal('noCredentials') });
  });

  it('with ALLOW_APP_INITIATED_AUTHENTICATION an anonymous app gets a username-less request only', async () => {
    expect(await requestAuthentication('appInitiated', {})).toMatchObject({ status: 200, body: { op: 'Auth', statusCode: 1200 } });
    const known = await requestAuthentication('appInitiated', { username: knownUser });
    const unknown = await requestAuthentication('appInitiated', { username: 'anon-nobody' });
    expect(known).toMatchObject({ status: 400, body: { ...refusal('invalidRequest'), statusCode: 1491 } });
    expect(unknown.body).toEqual(known.body);
    const transaction = [{ contentType: 'text/plain', content: Buffer.from('Pay 10 CHF').toString('base64url') }];
    expect(await requestAuthentication('appInitiated', { transaction })).toMatchObject({ status: 400, body: refusal('invalidRequest') });
    // A wrong key is not an anonymous call.
    expect(await requestAuthentication('appInitiated', {}, { authorization: 'Bearer not-a-key-of-this-server-at-all' })).toMatchObject({ status: 401, body: refusal('unauthorized') });
  });
});

describe('transactions are capped to what UAF allows', () => {
  const text = (value: string) => ({ contentType: 'text/plain', content: Buffer.from(value).toString('base64url') });
  const png = (bytes: Buffer) => ({ contentType: 'image/png', content: bytes.toString('base64url') });
  const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  it.each([
    { rule: 'text/plain over 200 characters', transaction: [text('x'.repeat(201))] },
    { rule: 'more than 2 entries', transaction: [text('a'), png(pngSignature), text('b')] },
    { rule: 'two entries of one content type', transaction: [text('a'), text('b')] },
    { rule: 'text/plain that is not UTF-8', transaction: [{ contentType: 'text/plain', content: Buffer.from([0xff, 0xfe]).toString('base64url') }] },
    { rule: 'image/png that is not a PNG', transaction: [png(Buffer.from('GIF89a'))] },
    { rule: 'PNG characteristics on a text', transaction: [{ ...text('a'), tcDisplayPNGCharacteristics: { width: 1, height: 1, bitDepth: 8, colorType: 2, compression: 0, filter: 0, interlace: 0 } }] },
  ])('refuses $rule, in-band and in a dispatch', async ({ transaction }) => {
    expect(await requestAuthentication('defaults', { username: knownUser, transaction }, rp())).toMatchObject({ status: 400, body: { ...refusal('invalidRequest'), statusCode: 1491 } });
    const dispatched = await post(
      'defaults',
      '/nevisfido/token/dispatch/authentication',
      { dispatcher: 'link', getUafRequest: { op: 'Auth', context: JSON.stringify({ username: knownUser, transaction }) } },
      rp(),
    );
    expect(dispatched).toMatchObject({ status: 400, body: refusal('invalidRequest') });
  });

  it('accepts 200 characters of text (counted as characters, not bytes) with one PNG', async () => {
    const transaction = [text('é'.repeat(200)), png(Buffer.concat([pngSignature, Buffer.alloc(1_000)]))];
    expect(await requestAuthentication('defaults', { username: knownUser, transaction }, rp())).toMatchObject({ status: 200, body: { op: 'Auth' } });
  });
});

it('/healthz/workflow starts its probe for a relying party only', async () => {
  expect(await send('defaults', 'GET', '/healthz/workflow')).toMatchObject({ status: 401, body: refusal('unauthorized') });
  expect(await send('defaults', 'GET', '/healthz/workflow', undefined, rp())).toMatchObject({ status: 200, body: { status: 'ok' } });
});

describe('status event streams are capped per session and per process', () => {
  const open: AbortController[] = [];
  afterAll(() => open.forEach((controller) => controller.abort()));

  async function stream(sessionId: string) {
    const controller = new AbortController();
    open.push(controller);
    const response = await fetch(`${stack.urls.appInitiated}/nevisfido/status/${sessionId}/events`, { signal: controller.signal });
    if (response.status !== 200) return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Json };
    return { status: 200 };
  }
  const openSession = async (username: string) =>
    (await post('defaults', '/nevisfido/token/dispatch/registration', { dispatcher: 'link', getUafRequest: { op: 'Reg', context: { username } } }, rp())).body.sessionId as string;

  it('429 tooManyEventStreams with Retry-After beyond SSE_MAX_PER_SESSION, then beyond SSE_MAX_CONNECTIONS', async () => {
    const [first, second, third] = [await openSession('sse-1'), await openSession('sse-2'), await openSession('sse-3')];
    expect((await stream(first)).status).toBe(200);
    expect((await stream(first)).status).toBe(200);
    expect(await stream(first)).toMatchObject({ status: 429, retryAfter: expect.stringMatching(/^\d+$/), body: refusal('tooManyEventStreams') });
    expect((await stream(second)).status).toBe(200);
    expect(await stream(third)).toMatchObject({ status: 429, body: refusal('tooManyEventStreams') });
    // A closed stream frees its place.
    open.shift()!.abort();
    await expect.poll(async () => (await stream(third)).status, { timeout: 5_000 }).toBe(200);
  });
});

describe('rate limits per relying-party key and per client address', () => {
  it('the sixth call with one key is refused while the address may go on; then the address limit refuses every endpoint', async () => {
    for (let call = 1; call <= 5; call++) expect((await send('limited', 'GET', '/healthz', undefined, rp())).status).toBe(200);
    const overKey = await send('limited', 'GET', '/healthz', undefined, rp());
    expect(overKey).toMatchObject({ status: 429, body: refusal('tooManyRequests') });
    expect(Number(overKey.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await send('limited', 'GET', '/healthz')).status).toBe(200);

    let answer = await send('limited', 'GET', '/healthz');
    for (let call = 0; call < 30 && answer.status === 200; call++) answer = await send('limited', 'GET', '/healthz');
    expect(answer).toMatchObject({ status: 429, body: refusal('tooManyRequests') });
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await post('limited', '/nevisfido/status', { sessionId: 'any' })).toMatchObject({ status: 429, body: refusal('tooManyRequests') });
    // Refused before any work, and not a crash.
    expect(stack.allRunning()).toBe(true);
  });
});
