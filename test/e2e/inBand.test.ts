import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createPhone, testAuthenticatorProfile, type Phone } from '../../device/index.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows());
});
afterAll(() => stack?.close());

const uaf = 'application/fido+uaf;charset=UTF-8';

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': uaf, accept: 'application/fido+uaf, application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}
const asRelyingParty = () => ({ authorization: `Bearer ${stack.config.rpApiKeys[0]}` });

function newPhone(aaids = ['4F42#0001']): Phone {
  return createPhone({
    facetID: stack.config.uaf.trustedFacets[0]!,
    authenticators: aaids.map((aaid) => createAuthenticator({ profile: testAuthenticatorProfile(aaid) })),
    serverUrl: `${stack.url}/nevisfido`,
  });
}

/** The session id a ReturnUAFRequest carries in its header extension. */
function sessionIdOf(returnUafRequest: { uafRequest: string }): string {
  const [request] = JSON.parse(returnUafRequest.uafRequest);
  return request.header.exts.find((ext: { id: string }) => ext.id === 'fidoUafSessionId').data;
}

const status = async (sessionId: string) => (await post('/nevisfido/status', { sessionId }, { 'content-type': 'application/json' })).body;

describe('in-band operations', () => {
  it('register → authenticate → confirm a transaction → deregister → authenticate again fails', async () => {
    const phone = newPhone();

    const registrationRequest = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: JSON.stringify({ username: 'alice' }) }, asRelyingParty());
    expect(registrationRequest).toMatchObject({ status: 200, body: { statusCode: 1200, op: 'Reg', lifetimeMillis: 120_000 } });
    const registrationSession = sessionIdOf(registrationRequest.body as never);
    expect(await status(registrationSession)).toMatchObject({ status: 'clientRegistering' });

    const registered = await phone.respond(registrationRequest.body as never, `${stack.url}/nevisfido`);
    expect(registered.serverResponse).toMatchObject({ statusCode: 1200, additionalTokens: [{ type: 'JWT', value: expect.any(String) }] });
    expect(await status(registrationSession)).toMatchObject({
      status: 'succeeded',
      userId: 'alice',
      uafStatusCode: 1200,
      authenticators: [{ aaid: '4F42#0001', keyId: expect.any(String) }],
      finalSessionId: registrationSession,
    });

    const authenticationRequest = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: 'alice' } }, asRelyingParty());
    const authenticationSession = sessionIdOf(authenticationRequest.body as never);
    expect(await status(authenticationSession)).toMatchObject({ status: 'clientAuthenticating' });
    await phone.respond(authenticationRequest.body as never, `${stack.url}/nevisfido`);
    expect(await status(authenticationSession)).toMatchObject({ status: 'succeeded', userId: 'alice' });

    const text = 'Pay 100.00 CHF to Bob';
    const transaction = [{ contentType: 'text/plain', content: Buffer.from(text).toString('base64url') }];
    const confirmationRequest = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: JSON.stringify({ username: 'alice', transaction }) }, asRelyingParty());
    expect(confirmationRequest.status).toBe(200);
    await phone.respond(confirmationRequest.body as never, `${stack.url}/nevisfido`);
    expect(await status(sessionIdOf(confirmationRequest.body as never))).toMatchObject({ status: 'succeeded', userId: 'alice' });

    const deregistration = await post('/nevisfido/uaf/1.1/request/deregistration', { op: 'Dereg', context: { mode: 'username', username: 'alice' } }, asRelyingParty());
    expect(deregistration).toMatchObject({ status: 200, body: { op: 'Dereg', statusCode: 1200 } });
    await phone.respond(deregistration.body as never, `${stack.url}/nevisfido`);
    expect(await status(sessionIdOf(deregistration.body as never))).toMatchObject({ status: 'succeeded' });

    const afterwards = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: 'alice' } }, asRelyingParty());
    expect(afterwards).toMatchObject({ status: 404, body: { error: 'noCredentials', statusCode: 1481 } });
  });
});

describe('two users on one phone', () => {
  it('step-up with a username offers only that user\'s keys and signs with them', async () => {
    const phone = newPhone();
    const credentials = stack.database.db.collection('credentials');
    for (const username of ['carol', 'dave']) {
      const request = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username } }, asRelyingParty());
      await phone.respond(request.body as never, `${stack.url}/nevisfido`);
    }
    const keyOf = async (username: string) => (await credentials.findOne({ username }))!.keyId as string;
    const [carolKey, daveKey] = [await keyOf('carol'), await keyOf('dave')];
    expect(carolKey).not.toBe(daveKey);

    const request = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: 'dave' } }, asRelyingParty());
    const [message] = JSON.parse(request.body.uafRequest);
    expect(message.policy.accepted).toEqual([[{ aaid: ['4F42#0001'], keyIDs: [daveKey] }]]);

    await phone.respond(request.body as never, `${stack.url}/nevisfido`, { username: 'dave' });
    expect(await status(sessionIdOf(request.body as never))).toMatchObject({
      status: 'succeeded',
      userId: 'dave',
      authenticators: [{ aaid: '4F42#0001', keyId: daveKey }],
    });
  });

  it('a username-less authentication offers every known authenticator and finds the user by key', async () => {
    const phone = newPhone(['4F42#0002']);
    const registration = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: 'erin' } }, asRelyingParty());
    await phone.respond(registration.body as never, `${stack.url}/nevisfido`);

    const request = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: '{}' }, asRelyingParty());
    const [message] = JSON.parse(request.body.uafRequest);
    expect(message.policy.accepted).toContainEqual([{ aaid: ['4F42#0002'] }]);
    await phone.respond(request.body as never, `${stack.url}/nevisfido`);
    expect(await status(sessionIdOf(request.body as never))).toMatchObject({ status: 'succeeded', userId: 'erin' });
  });

  it('registering a key the user already has is refused by policy, and nothing is written', async () => {
    const phone = newPhone(['4F42#0003']);
    const first = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: 'frank' } }, asRelyingParty());
    await phone.respond(first.body as never, `${stack.url}/nevisfido`);
    const second = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: 'frank' } }, asRelyingParty());
    const [message] = JSON.parse(second.body.uafRequest);
    const frankKey = (await stack.database.db.collection('credentials').findOne({ username: 'frank' }))!.keyId;
    expect(message.policy.disallowed).toEqual([{ aaid: ['4F42#0003'], keyIDs: [frankKey] }]);
  });
});

describe('GET /nevisfido/uaf/1.1/facets', () => {
  it('serves the trusted facets of UAF 1.1 as application/fido.trusted-apps+json', async () => {
    const response = await fetch(`${stack.url}/nevisfido/uaf/1.1/facets/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/fido\.trusted-apps\+json/);
    expect(await response.json()).toEqual({
      trustedFacets: [{ version: { major: 1, minor: 1 }, ids: stack.config.uaf.trustedFacets }],
    });
  });
});
