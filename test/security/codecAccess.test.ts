/**
 * Finding 6, codec part (issue 9): any RP key used to decode every history's secrets and mint
 * ciphertexts. Against the real API process: `/codec/decode` needs an operator key
 * (CODEC_API_KEYS), `/codec/encode` is gone, a plain payload is refused (strict decode), CORS
 * answers only CODEC_CORS_ORIGINS, and each call leaves one audit line without payloads or keys.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { freePort } from '../../scripts/services.js';
import { AesGcmPayloadCodec } from '../../codec/payloadCodec.js';
import { testEnvironment } from '../setup/testConfig.js';
import { killEntries, startEntry, waitUntil, type Spawned } from './entryPoints.js';

const secret = 'alice-secret-user-name';
const operatorKey = randomBytes(32).toString('hex');
const uiOrigin = 'https://temporal-ui.example.com';
let env: Record<string, string>;
let api: Spawned;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  env = testEnvironment({
    PORT: String(port),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    MONGODB_URI: `${inject('mongoUri')}codec_access`,
    CODEC_API_KEYS: operatorKey,
    CODEC_CORS_ORIGINS: uiOrigin,
  });
  api = startEntry('api/main.ts', env);
  await waitUntil('the API', () => api.output().includes('api listening'), 60_000);
}, 90_000);

afterAll(() => killEntries());

const wire = (payloads: { metadata?: Record<string, Uint8Array | null | undefined> | null; data?: Uint8Array | null }[]) => ({
  payloads: payloads.map(({ metadata, data }) => ({
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
    data: Buffer.from(data ?? []).toString('base64'),
  })),
});
const plain = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(secret)) };
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

it('decodes for an operator key only, never for a relying-party key', async () => {
  const encrypted = wire(await new AesGcmPayloadCodec(Buffer.from(env.PAYLOAD_CODEC_KEY!, 'base64')).encode([plain]));
  expect((await post('/codec/decode', encrypted)).status).toBe(401);
  expect((await post('/codec/decode', encrypted, { authorization: `Bearer ${env.RP_API_KEYS}` })).status).toBe(401);
  const decoded = await post('/codec/decode', encrypted, { authorization: `Bearer ${operatorKey}` });
  expect(decoded.status).toBe(200);
  const { payloads } = (await decoded.json()) as { payloads: { data: string }[] };
  expect(Buffer.from(payloads[0]!.data, 'base64').toString()).toBe(JSON.stringify(secret));
});

it('mints no ciphertext: /codec/encode is not served', async () => {
  const response = await post('/codec/encode', wire([plain]), { authorization: `Bearer ${operatorKey}` });
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
});

it('refuses a payload that is not encrypted with the key (strict decode)', async () => {
  const response = await post('/codec/decode', wire([plain]), { authorization: `Bearer ${operatorKey}` });
  expect(response.status).toBe(400);
  expect(JSON.stringify(await response.json())).not.toContain(secret);
});

it('answers CORS for the configured UI origin only', async () => {
  const preflight = (origin: string) =>
    fetch(`${url}/codec/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
  expect((await preflight(uiOrigin)).headers.get('access-control-allow-origin')).toBe(uiOrigin);
  for (const origin of ['http://localhost:8233', 'https://evil.example.com']) {
    expect((await preflight(origin)).headers.get('access-control-allow-origin')).toBeNull();
  }
});

it('logs each call as an audit line without payloads or keys', async () => {
  // The API's audit trail (api/auditTrail.ts) logs each event and stores it.
  const auditLines = () => api.output().split('\n').filter((line) => line.includes('"action":"codecDecode"'));
  await waitUntil('audit lines', () => auditLines().length >= 4, 10_000, api);
  const audit = auditLines().map((line) => (JSON.parse(line) as { audit: Record<string, unknown> }).audit);
  expect(audit.map(({ outcome }) => outcome)).toEqual(expect.arrayContaining(['failed', 'succeeded', 'refused']));
  expect(audit.find(({ outcome }) => outcome === 'succeeded')).toMatchObject({ details: { payloads: 1 }, operatorKeyId: expect.stringMatching(/^[0-9a-f]{12}$/) });
  expect(api.output()).not.toContain(secret);
  expect(api.output()).not.toContain(Buffer.from(JSON.stringify(secret)).toString('base64'));
  expect(api.output()).not.toContain(operatorKey);
  expect(api.output()).not.toContain(env.RP_API_KEYS);
});
