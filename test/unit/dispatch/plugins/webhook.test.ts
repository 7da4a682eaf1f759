import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNmaPayload, parseDispatchPayload } from '../../../../device/oob/decodeNmaPayload.js';
import type { DispatchOutcome } from '../../../../dispatch/dispatcher.js';
import { createWebhook, type WebhookBody } from '../../../../dispatch/plugins/webhook.js';
import { nmaData, notification, phoneKeys } from '../dispatchFixtures.js';

// The example plug-in against a real HTTP server on loopback. The path picks the receiver's answer.

const received: { path: string; headers: IncomingMessage['headers']; body: WebhookBody }[] = [];
const answers: Record<string, number | 'hang'> = { '/ok': 202, '/gone': 410, '/broken': 503, '/forbidden': 403, '/hang': 'hang' };
const held: ServerResponse[] = [];

const server = createServer(async (req, res) => {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) as WebhookBody });
  const answer = answers[req.url ?? ''] ?? 404;
  if (answer === 'hang') held.push(res);
  else res.writeHead(answer).end();
});
let base: string;
beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const failureCode = (outcome: DispatchOutcome) => (outcome.dispatchResult === 'dispatchError' ? outcome.failure.code : outcome.dispatchResult);

describe('webhook plug-in', () => {
  it('POSTs the encrypted payload, target, notification and data; the phone decrypts the exact nma_data', async () => {
    const webhook = createWebhook({ url: `${base}/ok`, headers: { authorization: 'Bearer receiver-key' } });
    const outcome = await webhook.dispatch({
      nmaData,
      target: { target: 'phone-42', encryptionKey: phoneKeys.encryption.publicJwk },
      dispatchInformation: { notification, data: { origin: 'web' } },
    });
    expect(outcome).toEqual({ dispatchResult: 'dispatched', dispatcherInformation: { name: 'webhook' }, targetDead: false });
    const call = received.at(-1)!;
    expect(call.path).toBe('/ok');
    expect(call.headers).toMatchObject({ authorization: 'Bearer receiver-key', 'content-type': 'application/json' });
    expect(call.body).toMatchObject({ target: 'phone-42', notification, data: { origin: 'web' }, payload: { nma_data_content_type: 'application/jose', nma_data_version: '1' } });
    const payload = parseDispatchPayload(call.body.payload as unknown as Record<string, unknown>);
    expect(await decodeNmaPayload(payload, { decryptionKey: phoneKeys.encryption.privateKey })).toEqual(nmaData);
  });

  it('sends the clear payload to a target without an encryptionKey, under its own id', async () => {
    const outcome = await createWebhook({ url: `${base}/ok`, id: 'rp-gateway' }).dispatch({ nmaData });
    expect(outcome.dispatcherInformation).toEqual({ name: 'rp-gateway' });
    expect(received.at(-1)!.body).toEqual({ payload: { nma_data: nmaData, nma_data_content_type: 'application/json', nma_data_version: '1' } });
  });

  it.each([
    { path: '/gone', code: 'targetUnregistered', targetDead: true },
    { path: '/broken', code: 'providerUnavailable', targetDead: false },
    { path: '/forbidden', code: 'providerRejected', targetDead: false },
    { path: '/hang', code: 'providerTimeout', targetDead: false },
  ])('maps the receiver answering $path to dispatchError $code', async ({ path, code, targetDead }) => {
    const outcome = await createWebhook({ url: `${base}${path}`, timeoutMs: 300 }).dispatch({ nmaData });
    expect({ result: outcome.dispatchResult, code: failureCode(outcome), targetDead: outcome.targetDead }).toEqual({ result: 'dispatchError', code, targetDead });
  });

  it('maps an unreachable receiver to providerUnavailable', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(failureCode(await createWebhook({ url: `http://127.0.0.1:${port}/` }).dispatch({ nmaData }))).toBe('providerUnavailable');
  });

  it('refuses a URL that is not http(s) when built', () => {
    expect(() => createWebhook({ url: 'file:///etc/passwd' })).toThrow(RangeError);
  });
});
