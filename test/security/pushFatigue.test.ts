/**
 * Finding 5 (push-fatigue budget bypassed) against the real stack: the budget of the defaults
 * (DISPATCH_MAX_PENDING 3, DISPATCH_MAX_FALLBACKS 3, DISPATCH_BACKOFF_AFTER_UNANSWERED 3) holds
 * for fallbacks, for dispatches naming only a target, and for pushes the user keeps refusing.
 * Each refusal is 429 with the reason as `error`, `dispatchResult` and `Retry-After`.
 */
import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../../config/deriveKeys.js';
import { workflowIdOf } from '../../store/sessionKeys.js';
import { useOutOfBandStack, type EnrolledDevice } from '../setup/outOfBandDevice.js';

const suite = useOutOfBandStack();

const refused = (reason: string) => ({ status: 429, retryAfter: expect.stringMatching(/^[1-9]\d*$/), body: { error: reason, dispatchResult: 'dispatchError' } });

const pushTo = (device: EnrolledDevice, context: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  suite.client.dispatch('authentication', { dispatchTargetId: device.targetId, getUafRequest: suite.client.getUafRequest('authentication', context), ...extra });

/** Waits for the operation's workflow to end, its push-fatigue settle included. */
const ended = (sessionId: string) => suite.stack.client.workflow.getHandle(workflowIdOf(sessionId, deriveKeys(suite.stack.config.serverSecret).sessionId)).result();

describe('finding 5: push fatigue', () => {
  it('5 fallbacks to a user whose budget is exhausted are all refused (guard: every dispatch reserves, fallbacks too)', async () => {
    const device = await suite.client.enrol('fatigue-fallbacks');
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await pushTo(device, { username: 'fatigue-fallbacks' }));
    for (const started of open) expect(started.body.dispatchResult).toBe('dispatched');
    expect(await pushTo(device, { username: 'fatigue-fallbacks' })).toMatchObject(refused('tooManyPendingDispatches'));

    for (let i = 0; i < 5; i++) {
      const fallback = await pushTo(device, { username: 'fatigue-fallbacks' }, { fallbackFor: open[0]!.body.sessionId });
      expect(fallback).toMatchObject(refused('tooManyPendingDispatches'));
    }
    // A refused fallback leaves its operation as it was: the first push still completes it.
    const pushed = [];
    for (let i = 0; i < 3; i++) pushed.push(await device.push.nextPayload());
    await device.phone.redeem(pushed[0]!);
    expect((await suite.client.call('/nevisfido/status', { sessionId: open[0]!.body.sessionId })).body).toMatchObject({ status: 'succeeded' });
  });

  it('an operation takes at most DISPATCH_MAX_FALLBACKS fallbacks, even with no user to budget (guard: the fallback cap)', async () => {
    const qr = { dispatcher: 'png-qr-code', getUafRequest: suite.client.getUafRequest('authentication', {}) };
    const first = await suite.client.dispatch('authentication', qr);
    expect(first.body.dispatchResult).toBe('dispatched');
    for (let i = 0; i < 3; i++) expect((await suite.client.dispatch('authentication', { ...qr, fallbackFor: first.body.sessionId })).body.dispatchResult).toBe('dispatched');
    for (let i = 0; i < 2; i++) expect(await suite.client.dispatch('authentication', { ...qr, fallbackFor: first.body.sessionId })).toMatchObject(refused('tooManyFallbacks'));
  });

  it('a dispatch naming only dispatchTargetId counts against the target owner (guard: the owner is the target user)', async () => {
    const device = await suite.client.enrol('fatigue-target-only');
    for (let i = 0; i < 3; i++) expect((await pushTo(device, {})).body.dispatchResult).toBe('dispatched');
    expect(await pushTo(device, {})).toMatchObject(refused('tooManyPendingDispatches'));
    // The owner's budget is one: a dispatch naming the user is refused as well.
    expect(await pushTo(device, { username: 'fatigue-target-only' })).toMatchObject(refused('tooManyPendingDispatches'));
  });

  it('denials and wrong number picks bring the back-off, as unanswered pushes do (guard: refused on the phone is not answered)', async () => {
    const device = await suite.client.enrol('fatigue-denied');
    const context = { username: 'fatigue-denied' };
    for (let i = 0; i < 2; i++) {
      const started = await pushTo(device, context);
      await device.phone.redeem(await device.push.nextPayload(), { deny: true });
      await ended(started.body.sessionId);
    }
    const picked = await pushTo(device, context, { channelLinking: { mode: 'number-match' } });
    const wrong = picked.body.channelLinking.string === '10' ? '11' : '10';
    await expect(device.phone.redeem(await device.push.nextPayload(), { channelLinkingAnswer: wrong })).rejects.toMatchObject({ code: 'channelLinkingMismatch' });
    await ended(picked.body.sessionId);

    expect(await pushTo(device, context)).toMatchObject(refused('dispatchBackOff'));
    expect(await pushTo(device, {})).toMatchObject(refused('dispatchBackOff'));
  });
});
