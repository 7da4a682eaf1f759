/**
 * Finding 3 (issue 9): the status of an out-of-band operation, polled or streamed, handed out the
 * dispatcher's `response`, which for `link`, `png-qr-code` and `link-png-qr-code` holds the
 * redeemable token: whoever learnt a session id could redeem it. Now both answer the dispatcher's
 * `name` only. Against real API and worker processes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProcessStack, type ProcessStack } from './processStack.js';

let stack: ProcessStack<'api'>;
beforeAll(async () => {
  stack = await startProcessStack('status-tokens', { api: {} });
}, 150_000);
afterAll(() => stack?.close());

async function dispatch(dispatcher: string, username: string) {
  const response = await fetch(`${stack.urls.api}/nevisfido/token/dispatch/registration`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.rpKey}` },
    body: JSON.stringify({ dispatcher, getUafRequest: { op: 'Reg', context: JSON.stringify({ username }) } }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { token: string; sessionId: string; dispatchResult: string; dispatcherInformation: { name: string; response: string } };
}

/** The first `status` event of the session's stream, as the raw text a browser receives. */
async function firstStatusEvent(sessionId: string): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${stack.urls.api}/nevisfido/status/${sessionId}/events`, { signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!/event: status\ndata: .*\n\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  controller.abort();
  return text;
}

it.each(['link', 'png-qr-code', 'link-png-qr-code'])('a %s dispatch: status and its event stream hold no token and no dispatcher response', async (dispatcher) => {
  const dispatched = await dispatch(dispatcher, `status-${dispatcher}`);
  expect(dispatched).toMatchObject({ dispatchResult: 'dispatched', dispatcherInformation: { name: dispatcher, response: expect.any(String) } });
  const secrets = [dispatched.token, dispatched.dispatcherInformation.response];

  const polled = await fetch(`${stack.urls.api}/nevisfido/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: dispatched.sessionId }),
  });
  const polledText = await polled.text();
  expect(polled.status).toBe(200);
  expect(JSON.parse(polledText)).toMatchObject({ status: 'tokenCreated', tokenInformation: { dispatcherInformation: { name: dispatcher } } });
  expect(JSON.parse(polledText).tokenInformation.dispatcherInformation).toEqual({ name: dispatcher });

  const streamed = await firstStatusEvent(dispatched.sessionId);
  expect(streamed).toContain('"status":"tokenCreated"');
  for (const secret of secrets) {
    expect(polledText).not.toContain(secret);
    expect(streamed).not.toContain(secret);
  }
  // The token still works for the phone that got it: the refusal is of the status reader only.
  const redeemed = await fetch(`${stack.urls.api}/nevisfido/token/redeem/registration`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: dispatched.token }),
  });
  expect(redeemed.status).toBe(200);
});
