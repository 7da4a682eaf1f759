/**
 * Finding 6 (raw tokens in workflow history) and the self-routing token, against the real stack.
 * Whoever decodes a history (an operator with the codec key, or a thief of it) finds no token and
 * no link or QR response to redeem; a token names its workflow, but only the secret the server
 * derived redeems it.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../../config/deriveKeys.js';
import { parseDeepLink } from '../../device/index.js';
import { workflowIdOf } from '../../store/sessionKeys.js';
import { decodedHistoryText } from '../setup/decodedHistory.js';
import { useOutOfBandStack } from '../setup/outOfBandDevice.js';

const suite = useOutOfBandStack();

const redeem = (token: string) => suite.client.call('/nevisfido/token/redeem/registration', { token });
const workflowOf = (sessionId: string) => workflowIdOf(sessionId, deriveKeys(suite.stack.config.serverSecret).sessionId);

describe('finding 6: tokens in workflow history', () => {
  it('the decoded history of a link dispatch holds neither the token nor the link (guard: the activity withholds a response that carries the token)', async () => {
    const started = await suite.client.dispatch('registration', { dispatcher: 'link', getUafRequest: suite.client.getUafRequest('registration', { username: 'history-reader-victim' }) });
    expect(started.body).toMatchObject({ dispatchResult: 'dispatched', dispatcherInformation: { response: expect.stringContaining('dispatchTokenResponse=') } });
    const decoded = await decodedHistoryText(suite.stack.client, suite.stack.config.payloadCodecKey, workflowOf(started.body.sessionId));
    expect(decoded).toContain('history-reader-victim'); // decoding worked

    // The attacker's harvest: every token-shaped string and every deep link in the decoded history.
    const candidates = [
      ...(decoded.match(/[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{32}/g) ?? []),
      ...(decoded.match(/https?:\/\/[^\s"]*dispatchTokenResponse=[A-Za-z0-9_-]+/g) ?? []).map((link) => (parseDeepLink(link).nma_data as { token: string }).token),
    ];
    expect(candidates).toEqual([]);
    expect(decoded.includes(started.body.token)).toBe(false);
    expect(decoded.includes(started.body.dispatcherInformation.response)).toBe(false);
  });

  it('a token with the right workflow reference and a guessed secret is 404 and spends nothing (guard: the redeem validator matches the hash)', async () => {
    const started = await suite.client.dispatch('registration', { dispatcher: 'link', getUafRequest: suite.client.getUafRequest('registration', { username: 'forged-token-victim' }) });
    const [reference] = (started.body.token as string).split('.');
    const forged = `${reference}.${randomBytes(24).toString('base64url')}`;
    expect(await redeem(forged)).toMatchObject({ status: 404, body: { error: 'tokenNotFound' } });
    expect(await redeem(`${'A'.repeat(32)}.${randomBytes(24).toString('base64url')}`)).toMatchObject({ status: 404, body: { error: 'tokenNotFound' } });
    expect(await redeem('not-a-token-at-all-but-long-enough')).toMatchObject({ status: 404, body: { error: 'tokenNotFound' } });
    // The real token still redeems: the forgery reached no history and spent nothing.
    expect(await redeem(started.body.token)).toMatchObject({ status: 200, body: { op: 'Reg' } });
  });
});
