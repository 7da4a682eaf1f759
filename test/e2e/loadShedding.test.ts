/**
 * Load shedding against the real stack (Temporal dev server, FerretDB, worker, api): a flood past
 * API_MAX_IN_FLIGHT is answered 503 + Retry-After at once, and every dispatch that was answered
 * 200 is a live operation (none lost); the operations the flood started complete.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthenticator, createPhone, parseDeepLink, testAuthenticatorProfile } from '../../device/index.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

const rpKey = 'load-shedding-relying-party-key-0123456789';
const maxInFlight = 4;
const flood = 60;
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), { RP_API_KEYS: rpKey, API_MAX_IN_FLIGHT: String(maxInFlight) });
});
afterAll(() => stack?.close());

type Json = Record<string, any>;
async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  const started = performance.now();
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ms: performance.now() - started, body: (text ? JSON.parse(text) : undefined) as Json };
}
const asRp = { authorization: `Bearer ${rpKey}` };
// A registration by link: no phone needed to start it, no QR code to render; one user per dispatch
// (push-fatigue limits are per user).
const dispatchRegistration = (index: number) =>
  call('/nevisfido/token/dispatch/registration', { dispatcher: 'link', getUafRequest: { op: 'Reg', context: JSON.stringify({ username: `shed-${index}` }) } }, asRp);

it(`a flood of ${flood} dispatches past ${maxInFlight} in flight: fast 503s with Retry-After, no accepted flow lost`, async () => {
  const answers = await Promise.all(Array.from({ length: flood }, (_, index) => dispatchRegistration(index)));
  const accepted = answers.filter((answer) => answer.status === 200);
  const shed = answers.filter((answer) => answer.status === 503);
  // Nothing else: every call either started its operation or was told to come back.
  expect(accepted.length + shed.length).toBe(flood);
  expect(accepted.length).toBeGreaterThanOrEqual(maxInFlight);
  expect(shed.length).toBeGreaterThan(0);
  const shedMs = shed.map((answer) => answer.ms).sort((a, b) => a - b);
  const acceptedMs = accepted.map((answer) => answer.ms).sort((a, b) => a - b);
  console.log(`load shedding: ${accepted.length} accepted (slowest ${acceptedMs.at(-1)!.toFixed(0)} ms), ${shed.length} shed (median ${shedMs[shedMs.length >> 1]!.toFixed(0)} ms, slowest ${shedMs.at(-1)!.toFixed(0)} ms)`);
  for (const answer of shed) {
    expect(answer.body).toMatchObject({ error: 'serviceUnavailable' });
    expect(answer.retryAfter).toBe('1');
  }
  // Answered without waiting for a slot: the median refusal comes back before the median accepted
  // call (which holds its slot through Temporal and the worker). The absolute 1 s bound is the
  // goal, but these are client-side times in the process that also runs the worker and 60 fetches
  // at once, so on a saturated machine they measure CPU starvation; the line above logs them.
  expect(shedMs[shedMs.length >> 1]!).toBeLessThan(acceptedMs[acceptedMs.length >> 1]!);
  // Every accepted dispatch is an open operation the phone can finish.
  for (const answer of accepted) expect(answer.body.dispatchResult).toBe('dispatched');
  const statuses = await Promise.all(accepted.map((answer) => call('/nevisfido/status', { sessionId: answer.body.sessionId })));
  for (const status of statuses) expect(status.body.status).toBe('tokenCreated');

  // Each one completes: a phone opens the link and registers (one at a time, under the bound).
  const phone = createPhone({ facetID: stack.config.uaf.trustedFacets[0]!, authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })] });
  for (const answer of accepted) {
    const { serverResponse } = await phone.redeem(parseDeepLink(answer.body.dispatcherInformation.response));
    expect(serverResponse?.statusCode).toBe(1200);
    expect((await call('/nevisfido/status', { sessionId: answer.body.sessionId })).body.status).toBe('succeeded');
  }
}, 180_000);

it('a shed request frees nothing it did not take: once the flood is over, calls are answered again', async () => {
  const answer = await dispatchRegistration(flood + 1);
  expect(answer.status).toBe(200);
});
