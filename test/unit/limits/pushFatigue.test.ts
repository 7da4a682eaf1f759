import { describe, expect, it } from 'vitest';
import { backOffRetryAfterSeconds, decideDispatch, emptyLedger, ledgerWithinWindow, matchFallbackCap } from '../../../limits/pushFatigue.js';

const limits = { maxPending: 2, maxFallbacks: 3, backOffAfterUnanswered: 2, backOffSeconds: 600 };
const minute = 60_000;
const t0 = Date.UTC(2026, 10, 22, 12, 0);

describe('decideDispatch', () => {
  it('allows the first dispatch of a user, with nothing to prune', () => {
    expect(decideDispatch(emptyLedger, 'wf-1', 1, limits, t0)).toEqual({ allowed: true, alreadyReserved: false, stalePending: [], recentUnanswered: [] });
  });

  it('allows a dispatch the ledger counted already without a second entry, even at the limit', () => {
    const ledger = { pending: { 'wf-1': t0, 'wf-2': t0 }, unanswered: [] };
    expect(decideDispatch(ledger, 'wf-1', 1, limits, t0 + minute)).toEqual({ allowed: true, alreadyReserved: true });
    const withFallback = { pending: { 'wf-1': t0 }, dispatches: { 'wf-1': 2 }, unanswered: [] };
    expect(decideDispatch(withFallback, 'wf-1', 2, limits, t0 + minute)).toEqual({ allowed: true, alreadyReserved: true });
  });

  it('refuses when too many dispatches wait for the phone, retry after 30 s', () => {
    const ledger = { pending: { 'wf-1': t0, 'wf-2': t0 }, unanswered: [] };
    expect(decideDispatch(ledger, 'wf-3', 1, limits, t0 + minute)).toEqual({ allowed: false, reason: 'tooManyPendingDispatches', retryAfterSeconds: 30 });
  });

  it('counts a fallback as a dispatch of its own: the second of one operation fills the budget of two', () => {
    const ledger = { pending: { 'wf-1': t0 }, unanswered: [] };
    expect(decideDispatch(ledger, 'wf-1', 2, limits, t0 + minute)).toMatchObject({ allowed: true, alreadyReserved: false });
    const afterFallback = { pending: { 'wf-1': t0 + minute }, dispatches: { 'wf-1': 2 }, unanswered: [] };
    expect(decideDispatch(afterFallback, 'wf-1', 3, limits, t0 + minute)).toMatchObject({ allowed: false, reason: 'tooManyPendingDispatches' });
    expect(decideDispatch(afterFallback, 'wf-2', 1, limits, t0 + minute)).toMatchObject({ allowed: false, reason: 'tooManyPendingDispatches' });
  });

  it('backs off a fallback as well as a first dispatch', () => {
    const ledger = { pending: { 'wf-1': t0 + 2 * minute }, unanswered: [t0, t0 + minute] };
    expect(decideDispatch(ledger, 'wf-1', 2, { ...limits, maxPending: 5 }, t0 + 3 * minute)).toMatchObject({ allowed: false, reason: 'dispatchBackOff' });
  });

  it('backs off after unanswered dispatches until the oldest leaves the window', () => {
    const ledger = { pending: {}, unanswered: [t0, t0 + 2 * minute] };
    expect(decideDispatch(ledger, 'wf-3', 1, limits, t0 + 3 * minute)).toEqual({ allowed: false, reason: 'dispatchBackOff', retryAfterSeconds: 7 * 60 });
    // At minute 10 the first mark has left the window: allowed, and the old mark is dropped.
    expect(decideDispatch(ledger, 'wf-3', 1, limits, t0 + 10 * minute + 1)).toEqual({
      allowed: true,
      alreadyReserved: false,
      stalePending: [],
      recentUnanswered: [t0 + 2 * minute],
    });
  });

  it('a pending entry older than the window (its settle was lost) no longer blocks and is pruned', () => {
    const ledger = { pending: { 'wf-lost': t0, 'wf-open': t0 + 9 * minute }, unanswered: [] };
    expect(decideDispatch(ledger, 'wf-3', 1, limits, t0 + 11 * minute)).toEqual({
      allowed: true,
      alreadyReserved: false,
      stalePending: ['wf-lost'],
      recentUnanswered: [],
    });
  });
});

describe('matchFallbackCap', () => {
  it('allows the first dispatch and maxFallbacks fallbacks, refuses the next', () => {
    for (const dispatchNumber of [1, 2, 3, 4]) expect(matchFallbackCap(dispatchNumber, limits)).toBeUndefined();
    expect(matchFallbackCap(5, limits)).toEqual({ allowed: false, reason: 'tooManyFallbacks', retryAfterSeconds: 30 });
    expect(matchFallbackCap(2, { ...limits, maxFallbacks: 0 })).toMatchObject({ reason: 'tooManyFallbacks' });
  });
});

describe('window and Retry-After', () => {
  it('keeps entries at the window edge and drops older ones', () => {
    const now = t0 + 10 * minute;
    expect(ledgerWithinWindow({ pending: { a: t0, b: t0 - 1 }, dispatches: { a: 2, b: 3 }, unanswered: [t0, t0 - 1] }, limits, now)).toEqual({
      pending: { a: t0 },
      dispatches: { a: 2 },
      unanswered: [t0],
    });
  });

  it('never answers a Retry-After below one second', () => {
    expect(backOffRetryAfterSeconds([t0], limits, t0 + 10 * minute)).toBe(1);
    expect(backOffRetryAfterSeconds([t0 + minute, t0], limits, t0 + minute)).toBe(9 * 60);
  });
});
