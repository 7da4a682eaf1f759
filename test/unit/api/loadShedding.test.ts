import type { Server } from 'node:http';
import express from 'express';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { errorHandler } from '../../../api/errorHandler.js';
import { createLoadShedding } from '../../../api/loadShedding.js';

// The shedding middleware in front of handlers that hold every request until released: the slots
// are filled on purpose, then each kind of call is tried at the edge of its room.
const maxInFlight = 8;
const shedding = createLoadShedding({ maxInFlight });
const held: (() => void)[] = [];
let server: Server;
let url: string;
beforeAll(async () => {
  const app = express()
    .use(shedding)
    .use((_req, res) => held.push(() => res.json({ ok: true })))
    .use(errorHandler);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(async () => {
  for (const release of held.splice(0)) release();
  await until(() => shedding.inFlight() === 0);
});
afterAll(() => server?.close());

const paths = {
  dispatch: '/nevisfido/token/dispatch/authentication',
  inBandRequest: '/nevisfido/uaf/1.1/request/authentication',
  redeem: '/nevisfido/token/redeem/authentication',
  uafResponse: '/nevisfido/uaf/1.1/authentication',
} as const;

async function until(check: () => boolean): Promise<void> {
  for (let tries = 0; !check(); tries++) {
    if (tries > 200) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Sends `count` calls that stay in flight (their answers are held), and waits until all are counted. */
async function occupy(path: string, count: number): Promise<Promise<Response>[]> {
  const before = shedding.inFlight();
  const calls = Array.from({ length: count }, () => fetch(`${url}${path}`, { method: 'POST' }));
  await until(() => shedding.inFlight() === before + count);
  return calls;
}

/** One more call, answered at once if shed; if admitted, released right away. */
async function tryOne(path: string): Promise<number> {
  const before = held.length;
  const answer = fetch(`${url}${path}`, { method: 'POST' });
  const shed = await Promise.race([answer.then((response) => response.status === 503), until(() => held.length > before).then(() => false)]);
  if (!shed) held.pop()!();
  const response = await answer;
  if (shed) {
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: 'serviceUnavailable' });
  }
  return response.status;
}

it('new work (dispatch, in-band request) is shed at maxInFlight; a redeem and a UAF response still get in', async () => {
  await occupy(paths.dispatch, maxInFlight);
  expect(await tryOne(paths.dispatch)).toBe(503);
  expect(await tryOne(paths.inBandRequest)).toBe(503);
  expect(await tryOne(paths.redeem)).toBe(200);
  expect(await tryOne(paths.uafResponse)).toBe(200);
});

it('a redeem is shed at maxInFlight + 25 %; a UAF response still gets in', async () => {
  await occupy(paths.dispatch, maxInFlight);
  await occupy(paths.redeem, 2);
  expect(await tryOne(paths.redeem)).toBe(503);
  expect(await tryOne(paths.uafResponse)).toBe(200);
});

it('a UAF response is shed at maxInFlight + 50 %', async () => {
  await occupy(paths.uafResponse, maxInFlight + 4);
  expect(await tryOne(paths.uafResponse)).toBe(503);
  expect(await tryOne(paths.redeem)).toBe(503);
  expect(await tryOne(paths.dispatch)).toBe(503);
});

it('status calls, streams and health checks are never shed', async () => {
  await occupy(paths.uafResponse, maxInFlight + 4);
  for (const path of ['/nevisfido/status', '/healthz/workflow']) expect(await tryOne(path)).toBe(200);
  expect(shedding.inFlight()).toBe(maxInFlight + 4);
});

it('a slot is given back when the call is answered', async () => {
  const calls = await occupy(paths.dispatch, maxInFlight);
  expect(await tryOne(paths.dispatch)).toBe(503);
  held.shift()!();
  await calls[0];
  await until(() => shedding.inFlight() === maxInFlight - 1);
  expect(await tryOne(paths.dispatch)).toBe(200);
});
