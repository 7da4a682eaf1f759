/**
 * Finding 8, server part (issue 9): the webhook dispatcher follows no redirect (the token and its
 * headers would go to a host nobody configured), and the unauthenticated development servers (FCM
 * emulator, codec server) answer loopback Host names only (DNS rebinding) and never
 * `Access-Control-Allow-Origin: *`.
 */
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook } from '../../dispatch/plugins/webhook.js';
import { createFcmEmulator } from '../../emulators/fcm/createFcmEmulator.js';
import { freePort } from '../../scripts/services.js';
import { nmaData } from '../unit/dispatch/dispatchFixtures.js';
import { testEnvironment } from '../setup/testConfig.js';
import { killEntries, startEntry, waitUntil } from './entryPoints.js';

const servers: Server[] = [];
async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(async () => {
  killEntries();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A raw request with a Host header of our choice (fetch does not let us set it). */
function withHost(address: string, path: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
  const [hostname, port] = address.split(':');
  return new Promise((resolve, reject) => {
    request({ hostname, port: Number(port), path, method: 'OPTIONS', headers: { host, ...headers } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    })
      .on('error', reject)
      .end();
  });
}

describe('webhook dispatcher', () => {
  it('does not follow a redirect: the redirected-to host receives nothing and the dispatch fails', async () => {
    const hits: string[] = [];
    const elsewhere = await listen(createServer((req, res) => (hits.push(req.url ?? ''), res.writeHead(202).end())));
    const receiver = await listen(createServer((req, res) => res.writeHead(307, { location: `http://${elsewhere}/stolen` }).end()));
    const outcome = await createWebhook({ url: `http://${receiver}/hook`, headers: { authorization: 'Bearer receiver-key' } }).dispatch({ nmaData });
    expect(outcome.dispatchResult).toBe('dispatchError');
    expect(hits).toEqual([]);
  });
});

describe('FCM emulator', () => {
  let address: string;
  beforeAll(async () => {
    address = await listen(createServer(createFcmEmulator({ logger: pino({ level: 'silent' }) }).app));
  });

  it('refuses a Host that is not a loopback name (DNS rebinding)', async () => {
    expect((await withHost(address, '/emulator/reset', 'attacker.example.com')).status).toBe(421);
    expect((await withHost(address, '/emulator/reset', `localhost:${address.split(':')[1]}`)).status).toBe(204);
  });

  it('echoes a loopback page origin, never *, and nothing for another site', async () => {
    const from = async (origin: string) => (await withHost(address, '/emulator/devices', address, { origin })).headers['access-control-allow-origin'];
    expect(await from('http://localhost:3001')).toBe('http://localhost:3001');
    expect(await from('https://evil.example.com')).toBeUndefined();
  });
});

describe('development codec server (npm start)', () => {
  it('answers loopback Host names only, CORS for the local Temporal UI only', async () => {
    const port = await freePort();
    const codec = startEntry('scripts/codecServer.ts', testEnvironment({ CODEC_SERVER_PORT: String(port), TEMPORAL_UI_PORT: '8233' }));
    await waitUntil('the codec server', () => codec.output().includes('codec server on'), 60_000);
    const address = `127.0.0.1:${port}`;
    expect((await withHost(address, '/codec/decode', 'rebound.example.com')).status).toBe(421);
    const preflight = (origin: string) => withHost(address, '/codec/decode', address, { origin, 'access-control-request-method': 'POST' });
    expect((await preflight('http://localhost:8233')).headers['access-control-allow-origin']).toBe('http://localhost:8233');
    expect((await preflight('https://evil.example.com')).headers['access-control-allow-origin']).toBeUndefined();
  }, 90_000);
});
