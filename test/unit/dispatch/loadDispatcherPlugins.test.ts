import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDispatchers } from '../../../dispatch/index.js';
import { loadDispatcherPlugins } from '../../../dispatch/loadDispatcherPlugins.js';

const received: unknown[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk)).on('end', () => {
    received.push(JSON.parse(body));
    res.writeHead(204).end();
  });
});
const context = { linkBaseUrl: 'http://localhost:3000/open', publicUrl: 'http://localhost:3000' };
const fixture = new URL('./fixtures/echoPlugin.ts', import.meta.url).pathname;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.env.ECHO_WEBHOOK_URL = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
});
afterAll(() => server.close());

it('loads a plug-in module named in DISPATCH_PLUGINS and dispatches through it', async () => {
  const registry = createDispatchers({ linkBaseUrl: context.linkBaseUrl, plugins: await loadDispatcherPlugins([fixture], context) });
  const outcome = await registry.dispatch('echo-webhook', { nmaData: { token: 't0ken', redeem_url: 'http://localhost:3000/nevisfido/token/redeem/authentication' } });
  expect(outcome).toMatchObject({ dispatchResult: 'dispatched', dispatcherInformation: { name: 'echo-webhook' } });
  expect(received).toEqual([
    expect.objectContaining({ payload: expect.objectContaining({ nma_data: { token: 't0ken', redeem_url: expect.any(String) } }) }),
  ]);
});

it.each([
  { name: 'a missing module', path: '/nonexistent/plugin.js', message: /cannot be loaded/ },
  { name: 'a module without a factory', path: new URL('./loadDispatcherPlugins.test.ts', import.meta.url).pathname, message: /no default export/ },
])('stops start-up naming $name', async ({ path, message }) => {
  await expect(loadDispatcherPlugins([path], context)).rejects.toThrow(message);
});
