import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDrillStack, type DrillStack } from './drillStack.js';

// Fault drill of the API's status cache (api/temporal/statusCache.ts): the Temporal server is
// stopped while an operation is open. Polls of that session go on being answered from memory up to
// the hard staleness bound (STATUS_CACHE_MAX_STALE_MS), and past it with 503 + Retry-After, as
// every status call was answered before the cache; after the restart the session reads again.
const maxStaleMs = 20_000;
let stack: DrillStack;
beforeAll(async () => {
  stack = await startDrillStack('status-cache-outage', { STATUS_CACHE_FRESH_MS: '1000', STATUS_CACHE_MAX_STALE_MS: String(maxStaleMs) });
}, 300_000);
afterAll(() => stack?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function poll(sessionId: string) {
  const started = Date.now();
  const response = await fetch(`${stack.url}/nevisfido/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body, ms: Date.now() - started };
}

it('with Temporal stopped, a known open session is answered from memory within the staleness bound, with 503 past it', async () => {
  // An open operation (a registration by link, never redeemed), read through this API: every
  // status it caches of it was read at or after `known`.
  const known = Date.now();
  const dispatched = await fetch(`${stack.url}/nevisfido/token/dispatch/registration`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.env.RP_API_KEYS}` },
    body: JSON.stringify({ dispatcher: 'link', getUafRequest: { op: 'Reg', context: JSON.stringify({ username: 'outage-alice' }) } }),
  });
  expect(dispatched.status).toBe(200);
  const { sessionId } = (await dispatched.json()) as { sessionId: string };
  expect(await poll(sessionId)).toMatchObject({ status: 200, body: { status: 'tokenCreated' } });

  await stack.stopTemporal();
  const stopped = Date.now();
  expect(stopped - known, 'the drill needs time left within the bound').toBeLessThan(maxStaleMs - 5_000);

  // Within the bound (counted from a read no earlier than `known`): answered, without waiting for
  // the describe's 5 s deadline.
  const withinBound: Awaited<ReturnType<typeof poll>>[] = [];
  while (Date.now() < known + maxStaleMs - 2_000) {
    withinBound.push(await poll(sessionId));
    await sleep(500);
  }
  expect(withinBound.length).toBeGreaterThan(3);
  for (const answer of withinBound) expect(answer).toMatchObject({ status: 200, body: { status: 'tokenCreated' } });
  expect(Math.max(...withinBound.map((answer) => answer.ms))).toBeLessThan(1_000);

  // Past it (counted from the last read Temporal could have answered): the call waits for the
  // describe, which cannot answer: 503 with Retry-After, within the 10 s every call is held to.
  await sleep(Math.max(0, stopped + maxStaleMs + 500 - Date.now()));
  expect(await poll(sessionId)).toMatchObject({ status: 503, retryAfter: '1', body: { error: 'serviceUnavailable' } });

  await stack.startTemporal();
  await stack.ready();
  expect(await poll(sessionId)).toMatchObject({ status: 200, body: { status: 'tokenCreated' } });
}, 180_000);
