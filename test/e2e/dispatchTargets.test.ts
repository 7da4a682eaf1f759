import { randomUUID } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceToken } from '../../deviceAuth/deviceToken.js';
import { deriveKeys } from '../../config/deriveKeys.js';
import { createAuthenticator, createPhone, createPhoneKeys, testAuthenticatorProfile, type PhoneKeys } from '../../device/index.js';
import { createCredentials } from '../../store/credentials.js';
import { createDispatchTargets } from '../../store/dispatchTargets.js';
import { createRequestIds } from '../../store/requestIds.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

// Dispatch Target Service (API.md endpoints 7–11) on the real stack. A phone registers in-band,
// takes its device token and manages its target; the relying party reads and deletes targets.
// A signed change naming another dispatchTargetId than the path is 401 `dispatchTargetIdMismatch`:
// the JWS is authentic but authorizes a change to another target.

let stack: TestStack;
let phoneKeys: PhoneKeys;
/** Device token of `alice` from a real in-band registration. */
let aliceToken: string;

const targetsPath = '/nevisfido/token/dispatch/targets';
const json = 'application/json';

beforeAll(async () => {
  // alice creates a target per case here: far more than the per-user cap of production (10).
  stack = await startTestStack(await bundleWorkflows(), { DISPATCH_MAX_TARGETS: '1000' });
  phoneKeys = await createPhoneKeys();
  const phone = createPhone({
    facetID: stack.config.uaf.trustedFacets[0]!,
    authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })],
    serverUrl: `${stack.url}/nevisfido`,
  });
  const request = await call('POST', '/nevisfido/uaf/1.1/request/registration', {
    headers: { 'content-type': json, ...asRelyingParty() },
    body: JSON.stringify({ op: 'Reg', context: JSON.stringify({ username: 'alice' }) }),
  });
  expect(request.status).toBe(200);
  const registered = await phone.respond(request.body as never, `${stack.url}/nevisfido`);
  expect(registered.serverResponse).toMatchObject({ statusCode: 1200, additionalTokens: [{ type: 'JWT' }] });
  aliceToken = registered.serverResponse!.additionalTokens![0]!.value;
});
afterAll(() => stack?.close());

async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${stack.url}${path}`, { method, headers: init.headers ?? {}, ...(init.body !== undefined && { body: init.body }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}
const asRelyingParty = () => ({ authorization: `Bearer ${stack.config.rpApiKeys[0]}` });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A device token as the server would issue it for `username` at `now` (for users beyond the real
 * registration), for a key registered to that user: a device token is bound to live credentials.
 */
async function deviceTokenFor(username: string, now = new Date(), key = deriveKeys(stack.config.serverSecret).deviceToken): Promise<string> {
  const keyId = `key-of-${username}`;
  // Seeded once per user: the same createdBy again is the same insert, not a conflict.
  await createCredentials(stack.database.db).add({ username, appId: stack.config.uaf.appId, aaid: '4F42#0001', keyId, publicKey: '', publicKeyAlgAndEncoding: 0, authenticationAlgorithm: 0, signCounter: 0, attestationType: 'test', createdAt: now, createdBy: `seed-${username}` });
  return createDeviceToken({ username, keys: [`4F42#0001/${keyId}`] }, key, now);
}

const createTarget = (body: unknown, token = aliceToken) =>
  call('POST', targetsPath, { headers: { 'content-type': json, ...bearer(token) }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const validTarget = (overrides: Record<string, unknown> = {}) => ({
  name: `phone-${randomUUID()}`,
  dispatcher: 'firebase-cloud-messaging',
  target: `fcm-${randomUUID()}`,
  deviceId: 'ch.example.app.device-1',
  encryptionKey: phoneKeys.encryption.publicJwk,
  signatureKey: phoneKeys.signature.publicJwk,
  ...overrides,
});

async function newTarget(overrides: Record<string, unknown> = {}, token = aliceToken): Promise<string> {
  const created = await createTarget(validTarget(overrides), token);
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const claimsFor = (id: string, changes: Record<string, unknown> = {}) => ({
  dispatchTargetId: id,
  requestId: randomUUID(),
  creationTimeInEpochMillis: Date.now(),
  ...changes,
});

async function sign(claims: unknown, key: CryptoKey = phoneKeys.signature.privateKey, alg = 'ES256'): Promise<string> {
  const payload = typeof claims === 'string' ? claims : JSON.stringify(claims);
  return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg }).sign(key);
}

const patch = (id: string, jws: string, contentType = 'application/jose') =>
  call('PATCH', `${targetsPath}/${id}`, { headers: { 'content-type': contentType }, body: jws });

const stored = (id: string) => stack.database.db.collection('dispatchTargets').findOne({ _id: id as never });

describe('the phone creates its target, the relying party reads it', () => {
  it('creates with keys, lists by username and reads by id without keys or push token', async () => {
    const body = validTarget({ name: "Alice's Pixel" });
    const created = await createTarget(body);
    expect(created).toMatchObject({ status: 201, body: { id: expect.any(String), extId: expect.any(String) } });
    const { id, extId } = created.body;
    expect(id).not.toBe(extId);

    const listed = await call('GET', `${targetsPath}?username=alice`, { headers: asRelyingParty() });
    expect(listed.status).toBe(200);
    expect(listed.body.dispatchTargets).toContainEqual({ id, name: "Alice's Pixel", dispatcher: 'firebase-cloud-messaging' });

    const one = await call('GET', `${targetsPath}/${id}/`, { headers: asRelyingParty() });
    expect(one).toEqual({
      status: 200,
      body: {
        id,
        extId,
        name: "Alice's Pixel",
        dispatcher: 'firebase-cloud-messaging',
        deviceId: 'ch.example.app.device-1',
        username: 'alice',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });

    expect(await stored(id)).toMatchObject({
      username: 'alice',
      target: body.target,
      encryptionKey: phoneKeys.encryption.publicJwk,
      signatureKey: phoneKeys.signature.publicJwk,
    });
  });

  it('accepts keys as stringified JSON and takes the user from the token, never the body', async () => {
    const created = await createTarget(
      validTarget({ encryptionKey: JSON.stringify(phoneKeys.encryption.publicJwk), signatureKey: JSON.stringify(phoneKeys.signature.publicJwk), username: 'alice' }),
    );
    expect(created.status).toBe(201);
    expect(await stored(created.body.id)).toMatchObject({ username: 'alice', signatureKey: phoneKeys.signature.publicJwk });
  });

  it('refuses a name the user already uses (422) and writes nothing; another user may use it', async () => {
    const name = `dup-${randomUUID()}`;
    await newTarget({ name });
    expect(await createTarget(validTarget({ name }))).toMatchObject({ status: 422, body: { error: 'dispatchTargetNameTaken' } });
    expect(await stack.database.db.collection('dispatchTargets').countDocuments({ username: 'alice', name })).toBe(1);
    expect((await createTarget(validTarget({ name }), await deviceTokenFor('bob'))).status).toBe(201);
  });

  it('defaults the dispatcher: push with a push token, else a QR code', async () => {
    const withPush = await newTarget({ dispatcher: undefined });
    const withoutPush = await newTarget({ dispatcher: undefined, target: undefined });
    expect(await stored(withPush)).toMatchObject({ dispatcher: 'firebase-cloud-messaging' });
    expect(await stored(withoutPush)).toMatchObject({ dispatcher: 'png-qr-code' });
  });
});

describe('creation needs a valid device token', () => {
  const otherKey = new Uint8Array(32).fill(7);
  const cases: { rule: string; headers: () => Promise<Record<string, string>>; code: string }[] = [
    { rule: 'no Authorization', headers: async () => ({}), code: 'unauthorized' },
    { rule: 'a Basic scheme', headers: async () => ({ authorization: `Basic ${aliceToken}` }), code: 'unauthorized' },
    { rule: 'garbage', headers: async () => bearer('not-a-jwt'), code: 'deviceTokenInvalid' },
    { rule: 'a token signed by another key', headers: async () => bearer(await deviceTokenFor('alice', new Date(), otherKey)), code: 'deviceTokenInvalid' },
    { rule: 'an expired token', headers: async () => bearer(await deviceTokenFor('alice', new Date(Date.now() - 11 * 60_000))), code: 'deviceTokenExpired' },
    { rule: 'a relying-party key', headers: async () => asRelyingParty(), code: 'deviceTokenInvalid' },
    {
      rule: 'an unsigned token',
      headers: async () => {
        const [, payload] = aliceToken.split('.');
        return bearer(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`);
      },
      code: 'deviceTokenInvalid',
    },
  ];
  it('checks the token before the body, with a Bearer challenge', async () => {
    const response = await fetch(`${stack.url}${targetsPath}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({ error: 'unauthorized' });
  });

  it.each(cases)('401 for $rule', async ({ headers, code }) => {
    const name = `refused-${randomUUID()}`;
    const response = await call('POST', targetsPath, { headers: { 'content-type': json, ...(await headers()) }, body: JSON.stringify(validTarget({ name })) });
    expect(response).toMatchObject({ status: 401, body: { error: code, message: expect.any(String) } });
    expect(await stack.database.db.collection('dispatchTargets').countDocuments({ name })).toBe(0);
  });
});

describe('malformed creation bodies', () => {
  const ec = () => phoneKeys.signature.publicJwk as JWK & { x: string };
  const rows: { rule: string; body: () => unknown; contentType?: string; status: number; code: string }[] = [
    { rule: 'not JSON', body: () => '{"name":', status: 400, code: 'malformedJson' },
    { rule: 'text/plain', body: () => JSON.stringify(validTarget()), contentType: 'text/plain', status: 415, code: 'unsupportedMediaType' },
    { rule: 'an array', body: () => [validTarget()], status: 400, code: 'invalidRequest' },
    { rule: 'no name', body: () => ({ ...validTarget(), name: undefined }), status: 400, code: 'invalidRequest' },
    { rule: 'an empty name', body: () => validTarget({ name: '  ' }), status: 400, code: 'invalidRequest' },
    { rule: 'a numeric name', body: () => validTarget({ name: 42 }), status: 400, code: 'invalidRequest' },
    { rule: 'a dispatcher with spaces', body: () => validTarget({ dispatcher: 'fire base' }), status: 400, code: 'invalidRequest' },
    { rule: 'an empty target', body: () => validTarget({ target: '' }), status: 400, code: 'invalidRequest' },
    { rule: 'a private signature key', body: () => validTarget({ signatureKey: phoneKeys.signature.privateJwk }), status: 400, code: 'invalidRequest' },
    { rule: 'a private encryption key', body: () => validTarget({ encryptionKey: JSON.stringify(phoneKeys.encryption.privateJwk) }), status: 400, code: 'invalidRequest' },
    { rule: 'a key that is not JSON', body: () => validTarget({ signatureKey: '{kty:EC' }), status: 400, code: 'invalidRequest' },
    { rule: 'a P-384 key', body: () => validTarget({ signatureKey: { ...ec(), crv: 'P-384' } }), status: 400, code: 'invalidRequest' },
    { rule: 'a symmetric key', body: () => validTarget({ signatureKey: { kty: 'oct', k: 'AAAA' } }), status: 400, code: 'invalidRequest' },
    { rule: 'a signature key with alg RS256 on EC', body: () => validTarget({ signatureKey: { ...ec(), alg: 'RS256' } }), status: 400, code: 'invalidRequest' },
    { rule: 'a signature key with use enc', body: () => validTarget({ signatureKey: { ...ec(), use: 'enc' } }), status: 400, code: 'invalidRequest' },
    { rule: 'an encryption key with use sig', body: () => validTarget({ encryptionKey: { ...phoneKeys.encryption.publicJwk, use: 'sig' } }), status: 400, code: 'invalidRequest' },
    { rule: 'a short EC coordinate', body: () => validTarget({ signatureKey: { ...ec(), x: ec().x.slice(4) } }), status: 400, code: 'invalidRequest' },
    {
      rule: 'an EC point off the curve',
      body: () => validTarget({ signatureKey: { ...ec(), x: Buffer.alloc(32, 1).toString('base64url') } }),
      status: 400,
      code: 'invalidRequest',
    },
    {
      rule: 'a 1024-bit RSA key',
      body: () => validTarget({ signatureKey: { kty: 'RSA', n: Buffer.alloc(128, 0xc3).toString('base64url'), e: 'AQAB' } }),
      status: 400,
      code: 'invalidRequest',
    },
    { rule: 'another username', body: () => validTarget({ username: 'mallory' }), status: 403, code: 'usernameMismatch' },
  ];
  it.each(rows)('$status $code for $rule', async ({ body, contentType, status, code }) => {
    const value = body();
    const response = await call('POST', targetsPath, {
      headers: { 'content-type': contentType ?? json, ...bearer(aliceToken) },
      body: typeof value === 'string' ? value : JSON.stringify(value),
    });
    expect(response).toMatchObject({ status, body: { error: code, message: expect.any(String) } });
  });

  it('405 with Allow for PUT', async () => {
    const response = await fetch(`${stack.url}${targetsPath}`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('POST');
  });
});

describe('the relying party queries', () => {
  it('404 for a user without targets, 400 without username, 401 without its key', async () => {
    expect(await call('GET', `${targetsPath}?username=nobody-${randomUUID()}`, { headers: asRelyingParty() })).toMatchObject({ status: 404, body: { error: 'noDispatchTargets' } });
    expect(await call('GET', targetsPath, { headers: asRelyingParty() })).toMatchObject({ status: 400, body: { error: 'invalidRequest' } });
    expect(await call('GET', `${targetsPath}?username=alice`, { headers: bearer(aliceToken) })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await call('GET', `${targetsPath}/${randomUUID()}`, { headers: asRelyingParty() })).toMatchObject({ status: 404, body: { error: 'dispatchTargetNotFound' } });
    expect(await call('GET', `${targetsPath}/${randomUUID()}`)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });
});

describe('the phone modifies its target with a signed request', () => {
  it('rotates the push token (204), clearing a dead mark; the same requestId again is a replay', async () => {
    const id = await newTarget();
    await createDispatchTargets(stack.database.db).markTargetDead(id);
    expect(await stored(id)).toMatchObject({ pushTokenDead: true });

    const jws = await sign(claimsFor(id, { target: 'fcm-rotated', name: 'renamed' }));
    expect(await patch(id, jws)).toEqual({ status: 204, body: undefined });
    const after = await stored(id);
    expect(after).toMatchObject({ target: 'fcm-rotated', name: 'renamed' });
    expect(after).not.toHaveProperty('pushTokenDead');
    expect(after!.updatedAt.getTime()).toBeGreaterThan(after!.createdAt.getTime());

    expect(await patch(id, jws)).toMatchObject({ status: 401, body: { error: 'requestIdReplayed' } });
  });

  it('verifies an RSA signature key (PS256)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('PS256', { extractable: true });
    const id = await newTarget({ signatureKey: await exportJWK(publicKey) });
    expect((await patch(id, await sign(claimsFor(id, { dispatcher: 'link' }), privateKey, 'PS256'))).status).toBe(204);
    expect(await stored(id)).toMatchObject({ dispatcher: 'link' });
  });

  it('refuses a name the user already uses (422) and changes nothing', async () => {
    const taken = `taken-${randomUUID()}`;
    await newTarget({ name: taken });
    const id = await newTarget();
    const before = await stored(id);
    expect(await patch(id, await sign(claimsFor(id, { name: taken, target: 'fcm-new' })))).toMatchObject({ status: 422, body: { error: 'dispatchTargetNameTaken' } });
    expect(await stored(id)).toEqual(before);
  });

  it('422 for a target without signatureKey, 404 for an unknown id', async () => {
    const id = await newTarget({ signatureKey: undefined });
    expect(await patch(id, await sign(claimsFor(id, { target: 'x' })))).toMatchObject({ status: 422, body: { error: 'signatureKeyMissing' } });
    const unknown = randomUUID();
    expect(await patch(unknown, await sign(claimsFor(unknown, { target: 'x' })))).toMatchObject({ status: 404, body: { error: 'dispatchTargetNotFound' } });
  });

  const otherKey = async () => (await createPhoneKeys()).signature.privateKey;
  const refusals: { rule: string; jws: (id: string) => Promise<string>; contentType?: string; status: number; code: string }[] = [
    { rule: 'a JWS signed by another key', jws: async (id) => sign(claimsFor(id, { target: 't' }), await otherKey()), status: 401, code: 'requestSignatureInvalid' },
    {
      rule: 'a JWS with another algorithm (HS256)',
      jws: (id) => new CompactSign(new TextEncoder().encode(JSON.stringify(claimsFor(id, { target: 't' })))).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32)),
      status: 401,
      code: 'requestSignatureInvalid',
    },
    { rule: 'a stale creation time', jws: (id) => sign(claimsFor(id, { target: 't', creationTimeInEpochMillis: Date.now() - 6 * 60_000 })), status: 401, code: 'requestTimeOutOfWindow' },
    { rule: 'a creation time in the future', jws: (id) => sign(claimsFor(id, { target: 't', creationTimeInEpochMillis: Date.now() + 6 * 60_000 })), status: 401, code: 'requestTimeOutOfWindow' },
    { rule: 'another dispatchTargetId', jws: () => sign(claimsFor(randomUUID(), { target: 't' })), status: 401, code: 'dispatchTargetIdMismatch' },
    // JSON bodies are parsed before any route (api/jsonBody.ts), so the JWS goes as a JSON string.
    { rule: 'application/json', jws: async (id) => JSON.stringify(await sign(claimsFor(id, { target: 't' }))), contentType: json, status: 415, code: 'unsupportedMediaType' },
    { rule: 'a body that is no JWS', jws: async () => 'hello', status: 400, code: 'malformedJws' },
    { rule: 'an empty body', jws: async () => '', status: 400, code: 'malformedJws' },
    { rule: 'a JWS whose payload is not JSON', jws: () => sign('not json'), status: 400, code: 'malformedJws' },
    { rule: 'a JWS with a broken header', jws: async () => `e30x.${Buffer.from('{}').toString('base64url')}.AAAA`, status: 400, code: 'malformedJws' },
    { rule: 'no requestId', jws: (id) => sign({ ...claimsFor(id, { target: 't' }), requestId: undefined }), status: 400, code: 'invalidRequest' },
    { rule: 'a requestId over 64 characters', jws: (id) => sign(claimsFor(id, { target: 't', requestId: 'r'.repeat(65) })), status: 400, code: 'invalidRequest' },
    { rule: 'a creation time as text', jws: (id) => sign(claimsFor(id, { target: 't', creationTimeInEpochMillis: String(Date.now()) })), status: 400, code: 'invalidRequest' },
    { rule: 'no change', jws: (id) => sign(claimsFor(id)), status: 400, code: 'invalidRequest' },
    { rule: 'an empty name', jws: (id) => sign(claimsFor(id, { name: '' })), status: 400, code: 'invalidRequest' },
  ];
  it.each(refusals)('$status $code for $rule, and changes nothing', async ({ jws, contentType, status, code }) => {
    const id = await newTarget();
    const before = await stored(id);
    expect(await patch(id, await jws(id), contentType)).toMatchObject({ status, body: { error: code, message: expect.any(String) } });
    expect(await stored(id)).toEqual(before);
  });
});

describe('deletion', () => {
  it('by the owning phone: 204, then GET is 404', async () => {
    const id = await newTarget();
    expect(await call('DELETE', `${targetsPath}/${id}`, { headers: bearer(aliceToken) })).toEqual({ status: 204, body: undefined });
    expect(await call('GET', `${targetsPath}/${id}`, { headers: asRelyingParty() })).toMatchObject({ status: 404, body: { error: 'dispatchTargetNotFound' } });
    expect(await call('DELETE', `${targetsPath}/${id}`, { headers: bearer(aliceToken) })).toMatchObject({ status: 404, body: { error: 'dispatchTargetNotFound' } });
  });

  it('by the relying party: 204, then GET is 404', async () => {
    const id = await newTarget();
    expect((await call('DELETE', `${targetsPath}/${id}`, { headers: asRelyingParty() })).status).toBe(204);
    expect((await call('GET', `${targetsPath}/${id}`, { headers: asRelyingParty() })).status).toBe(404);
  });

  it('refused to another user (403), to no one (401) and to a bad token (401); the target stays', async () => {
    const id = await newTarget();
    expect(await call('DELETE', `${targetsPath}/${id}`, { headers: bearer(await deviceTokenFor('mallory')) })).toMatchObject({ status: 403, body: { error: 'dispatchTargetNotOwned' } });
    expect(await call('DELETE', `${targetsPath}/${id}`)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await call('DELETE', `${targetsPath}/${id}`, { headers: bearer('wrong-key-wrong-key') })).toMatchObject({ status: 401, body: { error: 'deviceTokenInvalid' } });
    expect(await stored(id)).not.toBeNull();
  });
});

describe('the store, as the out-of-band dispatch uses it', () => {
  it('get returns the push token and keys; markTargetDead spares a token rotated in meanwhile', async () => {
    const targets = createDispatchTargets(stack.database.db);
    const id = await newTarget({ target: 'fcm-old' });
    expect(await targets.get(id)).toMatchObject({ id, username: 'alice', target: 'fcm-old', encryptionKey: phoneKeys.encryption.publicJwk });
    expect(await targets.get(randomUUID())).toBeUndefined();

    expect((await patch(id, await sign(claimsFor(id, { target: 'fcm-new' })))).status).toBe(204);
    expect(await targets.markTargetDead(id, 'fcm-old')).toBe(false);
    expect(await targets.get(id)).not.toHaveProperty('pushTokenDead');
    expect(await targets.markTargetDead(id, 'fcm-new')).toBe(true);
    expect(await targets.get(id)).toMatchObject({ target: 'fcm-new', pushTokenDead: true });
  });

  it('request ids are single use per scope and can be expired', async () => {
    const requestIds = createRequestIds(stack.database.db);
    const [scope, other, requestId] = [randomUUID(), randomUUID(), randomUUID()];
    const usedAt = new Date('2026-01-01T00:00:00Z');
    expect(await requestIds.recordFirstUse(scope, requestId, usedAt)).toBe(true);
    expect(await requestIds.recordFirstUse(scope, requestId, usedAt)).toBe(false);
    expect(await requestIds.recordFirstUse(other, requestId, usedAt)).toBe(true);
    expect(await requestIds.removeUsedBefore(new Date('2026-01-01T00:00:01Z'))).toBe(2);
    expect(await requestIds.recordFirstUse(scope, requestId, usedAt)).toBe(true);
  });
});
