/**
 * Finding 8 (part) against the real stack: a device token is bound to the credential it was issued
 * for, and one user's dispatch targets are capped (DISPATCH_MAX_TARGETS, default 10).
 */
import { describe, expect, it } from 'vitest';
import { createAuthenticator, createPhone, testAuthenticatorProfile } from '../../device/index.js';
import { useOutOfBandStack } from '../setup/outOfBandDevice.js';

const suite = useOutOfBandStack();

/** In-band registration: the device token of its ServerResponse. */
async function register(username: string): Promise<string> {
  const phone = createPhone({ facetID: suite.stack.config.uaf.trustedFacets[0]!, authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })] });
  const request = await suite.client.call('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: JSON.stringify({ username }) }, suite.client.rp);
  const { serverResponse } = await phone.respond(request.body as never, `${suite.stack.url}/nevisfido`);
  return serverResponse!.additionalTokens![0]!.value;
}

const createTarget = async (deviceToken: string, name: string) => {
  const response = await fetch(`${suite.stack.url}/nevisfido/token/dispatch/targets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${deviceToken}` },
    body: JSON.stringify({ name, dispatcher: 'png-qr-code' }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('finding 8: device token and targets', () => {
  it('a device token of a deregistered credential answers 401 (guard: the keys claim checked against live credentials)', async () => {
    const deviceToken = await register('lost-phone-owner');
    expect(await createTarget(deviceToken, 'before')).toMatchObject({ status: 201 });
    // The user removes the lost phone's key (deregistration removes it when the request is issued).
    const deregistered = await suite.client.call('/nevisfido/uaf/1.1/request/deregistration', { op: 'Dereg', context: { mode: 'username', username: 'lost-phone-owner' } }, suite.client.rp);
    expect(deregistered.status).toBe(200);
    expect(await createTarget(deviceToken, 'after')).toMatchObject({ status: 401, body: { error: 'deviceTokenInvalid' } });
    // A new registration of the user gives a new token that works: the user is not locked out.
    expect(await createTarget(await register('lost-phone-owner'), 'new phone')).toMatchObject({ status: 201 });
  });

  it('a user has at most DISPATCH_MAX_TARGETS targets: the next is 409 tooManyTargets (guard: the per-user cap)', async () => {
    const deviceToken = await register('many-targets-user');
    for (let i = 0; i < 10; i++) expect((await createTarget(deviceToken, `phone ${i}`)).status).toBe(201);
    expect(await createTarget(deviceToken, 'phone 10')).toMatchObject({ status: 409, body: { error: 'tooManyTargets' } });
  });
});
