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

    const authenticationRequest = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: 'alice' } });
    const authenticationSession = sessionIdOf(authenticationRequest.body as never);
    expect(await status(authenticationSession)).toMatchObject({ status: 'clientAuthenticating' });
    await phone.respond(authenticationRequest.body as never, `${stack.url}/nevisfido`);
    expect(await status(authenticationSession)).toMatchObject({ status: 'succeeded', userId: 'alice' });

    const text = 'Pay 100.00 CHF to Bob';
    const transaction = [{ contentType: 'text/plain', content: Buffer.from(text).toString('base64url') }];
    const confirmationRequest = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: JSON.stringify({ username: 'alice', transaction }) });
    expect(confirmationRequest.status).toBe(200);
    await phone.respond(confirmationRequest.body as never, `${stack.url}/nevisfido`);
    expect(await status(sessionIdOf(confirmationRequest.body as never))).toMatchObject({ status: 'succeeded', userId: 'alice' });

    const deregistration = await post('/nevisfido/uaf/1.1/request/deregistration', { op: 'Dereg', context: { mode: 'username', username: 'alice' } }, asRelyingParty());
    expect(deregistration).toMatchObject({ status: 200, body: { op: 'Dereg', statusCode: 1200 } });
    await phone.respond(deregistration.body as never, `${stack.url}/nevisfido`);
    expect(await status(sessionIdOf(deregistration.body as never))).toMatchObject({ status: 'succeeded' });

    const afterwards = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: 'alice' } });
    expect(afterwards).toMatchObject({ status: 404, body: { error: 'noCredentials', statusCode: 1481 } });
  });
});
