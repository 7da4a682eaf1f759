import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../../../device/authenticator/createAuthenticator.js';
import { createUafClient } from '../../../../device/client/createUafClient.js';
import { testAuthenticatorProfile } from '../../../../device/testAuthenticators.js';
import { buildRegistrationPolicy } from '../../../../uaf/policy/buildRegistrationPolicy.js';
import { buildDeregistrationRequest } from '../../../../uaf/request/buildDeregistrationRequest.js';
import type { RegistrationRequest } from '../../../../uaf/protocolTypes.js';
import { appID, authenticationRound, createPhone, facetID, facetsFetch, registerPhone, registrationRound } from '../relyingParty.js';

const asRequest = (message: unknown): string => JSON.stringify([message]);

function twoAuthenticatorPhone() {
  const authenticators = ['4F42#0001', '4F42#0004'].map((aaid) => createAuthenticator({ profile: testAuthenticatorProfile(aaid) }));
  return { authenticators, client: createUafClient({ facetID, authenticators, fetch: facetsFetch }) };
}

describe('facets and fcParams', () => {
  it('checks the facet against the AppID list and puts appID, challenge, facetID and channelBinding in fcParams', async () => {
    const fetchSpy = vi.fn(facetsFetch);
    const channelBinding = { serverEndPoint: 'sha256-of-the-server-cert' };
    const { client } = createPhone('4F42#0001', {}, { fetch: fetchSpy, channelBinding });
    const round = registrationRound('alice', '4F42#0001');
    const [response] = JSON.parse(await client.register(round.uafRequest));
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(fetchSpy.mock.calls[0]?.[0]).toBe(appID);
    expect(JSON.parse(Buffer.from(response.fcParams, 'base64url').toString())).toEqual({
      appID,
      challenge: round.request.challenge,
      facetID,
      channelBinding,
    });
    expect(response.header).toEqual(round.request.header);
  });

  it('uses its own facet ID as AppID when the header has none, without fetching', async () => {
    const fetchSpy = vi.fn(facetsFetch);
    const { client } = createPhone('4F42#0001', {}, { fetch: fetchSpy });
    const { header, ...rest } = registrationRound('alice', '4F42#0001').request;
    const { appID: _dropped, ...headerWithoutAppId } = header;
    await client.register(asRequest({ ...rest, header: headerWithoutAppId }));
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(client.lastFinalChallengeParams?.appID).toBe(facetID);
  });
});

describe('client errors', () => {
  const registration = (): RegistrationRequest => registrationRound('alice', '4F42#0001').request;
  it.each([
    {
      case: 'a facet the AppID does not trust',
      phone: () => createPhone('4F42#0001', {}, { facetID: 'ios:bundle-id:com.example.intruder' }),
      request: () => asRequest(registration()),
      code: 'untrustedFacetId',
      clientErrorCode: 0x07,
    },
    {
      case: 'an unreadable facet list',
      phone: () => createPhone('4F42#0001', {}, { fetch: async () => new Response('gone', { status: 404 }) }),
      request: () => asRequest(registration()),
      code: 'untrustedFacetId',
      clientErrorCode: 0x07,
    },
    {
      case: 'no upv 1.1 message',
      phone: () => createPhone('4F42#0001'),
      request: () => asRequest({ ...registration(), header: { ...registration().header, upv: { major: 1, minor: 7 } } }),
      code: 'unsupportedVersion',
      clientErrorCode: 0x04,
    },
    {
      case: 'an Auth message given to register',
      phone: () => createPhone('4F42#0001'),
      request: () => asRequest({ ...registration(), header: { ...registration().header, op: 'Auth' } }),
      code: 'protocolError',
      clientErrorCode: 0x06,
    },
    {
      case: 'text that is not JSON',
      phone: () => createPhone('4F42#0001'),
      request: () => '[{',
      code: 'protocolError',
      clientErrorCode: 0x06,
    },
    {
      case: 'a policy no authenticator meets',
      phone: () => createPhone('4F42#0003'),
      request: () => asRequest(registration()),
      code: 'noSuitableAuthenticator',
      clientErrorCode: 0x05,
    },
  ])('$case: $code', async ({ phone, request, code, clientErrorCode }) => {
    await expect(phone().client.register(request())).rejects.toMatchObject({ name: 'DeviceError', code, clientErrorCode });
  });
});

describe('policy', () => {
  it('registers the authenticator the policy accepts, not the first one', async () => {
    const { authenticators, client } = twoAuthenticatorPhone();
    const round = registrationRound('alice', '4F42#0004');
    const [credential] = round.verify(await client.register(round.uafRequest)).credentials;
    expect(credential?.aaid).toBe('4F42#0004');
    expect(authenticators.map((authenticator) => authenticator.registrations().length)).toEqual([0, 1]);
  });

  it('skips an authenticator whose key is in disallowed, and finds none when it is the only one', async () => {
    const phone = createPhone('4F42#0001');
    const credential = await registerPhone(phone, 'alice');
    const request = registrationRound('alice', '4F42#0001').request;
    const policy = buildRegistrationPolicy({ accepted: request.policy.accepted, registered: [credential] });
    await expect(phone.client.register(asRequest({ ...request, policy }))).rejects.toMatchObject({ code: 'noSuitableAuthenticator' });
  });

  it('falls through to the next accepted alternative when the first authenticator is disallowed', async () => {
    const { authenticators, client } = twoAuthenticatorPhone();
    const first = registrationRound('alice', '4F42#0001');
    const [credential] = first.verify(await client.register(first.uafRequest)).credentials;
    const request = registrationRound('alice', '4F42#0001').request;
    const policy = buildRegistrationPolicy({ accepted: [[{ aaid: ['4F42#0001'] }], [{ aaid: ['4F42#0004'] }]], registered: [credential!] });
    const [response] = JSON.parse(await client.register(asRequest({ ...request, policy })));
    expect(response.assertions).toHaveLength(1);
    expect(authenticators.map((authenticator) => authenticator.registrations().length)).toEqual([1, 1]);
  });

  it("signs with the named user's key when several users registered at the AppID", async () => {
    const phone = createPhone('4F42#0001');
    const alice = await registerPhone(phone, 'alice');
    const bob = await registerPhone(phone, 'bob');
    const round = authenticationRound(bob);
    const anyKey = asRequest({ ...round.request, policy: { accepted: [[{ aaid: ['4F42#0001'] }]] } });
    expect(round.verify(await phone.client.authenticate(anyKey, { username: 'bob' }))).toMatchObject({ keyID: bob.keyID });
    expect(alice.keyID).not.toBe(bob.keyID);
  });
});

describe('deregistration', () => {
  it('drops one key, then every key of the AppID, after which authentication finds no key', async () => {
    const phone = createPhone('4F42#0001');
    const alice = await registerPhone(phone, 'alice');
    await registerPhone(phone, 'bob');
    const one = buildDeregistrationRequest({ appID, authenticators: [{ aaid: '4F42#0001', keyID: alice.keyID }] });
    expect(await phone.client.deregister(asRequest(one))).toBe(1);
    expect(phone.authenticator.registrations().map(({ username }) => username)).toEqual(['bob']);
    const all = buildDeregistrationRequest({ appID, authenticators: [{ aaid: '', keyID: '' }] });
    expect(await phone.client.deregister(asRequest(all))).toBe(1);
    expect(phone.authenticator.registrations()).toEqual([]);
    await expect(phone.client.authenticate(authenticationRound(alice).uafRequest)).rejects.toMatchObject({
      code: 'noSuitableAuthenticator',
      clientErrorCode: 0x05,
    });
  });

  it('leaves other AAIDs alone when the request names one', async () => {
    const { authenticators, client } = twoAuthenticatorPhone();
    for (const aaid of ['4F42#0001', '4F42#0004']) await client.register(registrationRound('alice', aaid).uafRequest);
    const byAaid = buildDeregistrationRequest({ appID, authenticators: [{ aaid: '4F42#0004', keyID: '' }] });
    expect(await client.deregister(asRequest(byAaid))).toBe(1);
    expect(authenticators.map((authenticator) => authenticator.registrations().length)).toEqual([1, 0]);
  });
});
