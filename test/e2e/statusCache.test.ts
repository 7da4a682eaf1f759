/**
 * The API's status cache (api/temporal/statusCache.ts) on the real stack, with a freshness window
 * of a minute: any status newer than the one first read can only come from the refresh that the
 * changing call itself starts. Each step of a flow must show at the very next poll after the
 * step's answer (no stale answer once the call returned), fallback sessions must still lead to
 * their operation, and a session nobody issued stays `unknown`.
 */
import { describe, expect, it } from 'vitest';
import { decodeNmaPayload, parseDeepLink } from '../../device/index.js';
import { useOutOfBandStack, type Json } from '../setup/outOfBandDevice.js';

const suite = useOutOfBandStack({ STATUS_CACHE_FRESH_MS: '60000', STATUS_CACHE_MAX_STALE_MS: '600000' });

const status = async (sessionId: string) => {
  const answer = await suite.client.call('/nevisfido/status', { sessionId });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

/** A link dispatch of an authentication of `username` (optionally a fallback of `fallbackFor`). */
async function dispatchLink(username: string, fallbackFor?: string): Promise<{ sessionId: string; link: string; redeemUrl: string; token: string }> {
  const { client } = suite;
  const answer = await client.dispatch('authentication', {
    dispatcher: 'link',
    getUafRequest: client.getUafRequest('authentication', { username }),
    ...(fallbackFor && { fallbackFor }),
  });
  expect(answer.body, JSON.stringify(answer.body)).toMatchObject({ dispatchResult: 'dispatched' });
  const link = answer.body.dispatcherInformation.response as string;
  const nma = await decodeNmaPayload(parseDeepLink(link));
  return { sessionId: answer.body.sessionId, link, redeemUrl: nma.redeem_url, token: nma.token };
}

const redeem = (redeemUrl: string, body: Json) => suite.client.call(new URL(redeemUrl).pathname, body);

describe('status cache', () => {
  it('each step of a flow is seen by the first poll after its answer, though the freshness window is a minute', async () => {
    const device = await suite.client.enrol('cache-alice');
    const flow = await dispatchLink('cache-alice');
    expect(await status(flow.sessionId)).toMatchObject({ status: 'tokenCreated' });
    expect(await status(flow.sessionId)).toMatchObject({ status: 'tokenCreated' });

    const redeemed = await redeem(flow.redeemUrl, { token: flow.token });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
    expect(await status(flow.sessionId)).toMatchObject({ status: 'clientAuthenticating' });

    const uafResponse = await device.phone.client.authenticate(redeemed.body.uafRequest);
    const answered = await suite.client.call('/nevisfido/uaf/1.1/authentication', { uafResponse }, { 'content-type': 'application/fido+uaf;charset=UTF-8' });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(await status(flow.sessionId)).toMatchObject({ status: 'succeeded', userId: 'cache-alice', finalSessionId: flow.sessionId });
  });

  it('a deny is seen by the next poll', async () => {
    await suite.client.enrol('cache-bob');
    const flow = await dispatchLink('cache-bob');
    expect(await status(flow.sessionId)).toMatchObject({ status: 'tokenCreated' });
    expect((await redeem(flow.redeemUrl, { token: flow.token, deny: true })).status).toBe(204);
    expect(await status(flow.sessionId)).toMatchObject({ status: 'failed', failureReason: 'denied', clientErrorCode: 3 });
  });

  it('a fallback session reads its operation, and both sessions see the end at once; another session is not theirs', async () => {
    const device = await suite.client.enrol('cache-carol');
    const first = await dispatchLink('cache-carol');
    expect(await status(first.sessionId)).toMatchObject({ status: 'tokenCreated' });
    const fallback = await dispatchLink('cache-carol', first.sessionId);
    expect(await status(fallback.sessionId)).toMatchObject({ status: 'tokenCreated' });

    const { serverResponse } = await device.phone.redeem(parseDeepLink(fallback.link));
    expect(serverResponse).toMatchObject({ statusCode: 1200 });
    expect(await status(fallback.sessionId)).toMatchObject({ status: 'succeeded', finalSessionId: fallback.sessionId });
    expect(await status(first.sessionId)).toMatchObject({ status: 'succeeded', finalSessionId: fallback.sessionId });
    expect(await status(`${fallback.sessionId}x`)).toMatchObject({ status: 'unknown' });
  });

  it('a session nobody issued is unknown, every time', async () => {
    expect(await status('never-issued-session')).toMatchObject({ status: 'unknown' });
    expect(await status('never-issued-session')).toMatchObject({ status: 'unknown' });
  });
});
