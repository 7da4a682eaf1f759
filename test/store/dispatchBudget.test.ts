import { afterAll, beforeAll, expect, it } from 'vitest';
import { reserveDispatch } from '../../activities/sendDispatch.js';
import { createDispatchBudget } from '../../store/dispatchBudget.js';
import { connectTestDatabase } from '../setup/harness.js';

let database: Awaited<ReturnType<typeof connectTestDatabase>>;
beforeAll(async () => {
  database = await connectTestDatabase();
});
afterAll(() => database?.close());

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 12, minute));

it('backs off after repeated unanswered dispatches, and lets go once the window has passed', async () => {
  const budget = createDispatchBudget(database.db);
  const deps = { budget, dispatchLimits: { maxPending: 5, maxFallbacks: 3, backOffAfterUnanswered: 2, backOffSeconds: 600 } };
  for (const [id, minute] of [['wf-1', 0], ['wf-2', 1]] as const) {
    expect(await reserveDispatch(deps, id, 'user-a', 1, at(minute))).toEqual({ allowed: true });
    await budget.savePendingClosed('user-a', id, 1, at(minute + 1));
  }
  expect(await reserveDispatch(deps, 'wf-3', 'user-a', 1, at(3))).toEqual({ allowed: false, reason: 'dispatchBackOff', retryAfterSeconds: 8 * 60 });
  // Another user is not affected; an answered dispatch does not count.
  expect(await reserveDispatch(deps, 'wf-4', 'user-b', 1, at(3))).toEqual({ allowed: true });
  // wf-1's unanswered mark (minute 1) has left the window at minute 12: one remains, below the limit.
  expect(await reserveDispatch(deps, 'wf-5', 'user-a', 1, at(12))).toEqual({ allowed: true });
  // Reserving again for the same workflow (a retried activity) is not a second dispatch.
  expect(await reserveDispatch(deps, 'wf-5', 'user-a', 1, at(12))).toEqual({ allowed: true });
  expect(await budget.load('user-a')).toEqual({ pending: { 'wf-5': at(12).getTime() }, dispatches: { 'wf-5': 1 }, unanswered: [at(2).getTime()] });
});

it('drops a pending entry whose settle was lost once it leaves the window, and keeps the others', async () => {
  const budget = createDispatchBudget(database.db);
  await budget.savePending('user-c', 'wf-old', 1, at(0), { stalePending: [], unanswered: [] });
  await budget.savePending('user-c', 'wf-new', 1, at(20), { stalePending: ['wf-old'], unanswered: [] });
  expect(await budget.load('user-c')).toEqual({ pending: { 'wf-new': at(20).getTime() }, dispatches: { 'wf-new': 1 }, unanswered: [] });
});

it('a settle run twice records one unanswered dispatch', async () => {
  const budget = createDispatchBudget(database.db);
  await budget.savePending('user-d', 'wf-1', 1, at(0), { stalePending: [], unanswered: [] });
  await budget.savePendingClosed('user-d', 'wf-1', 1, at(1));
  await budget.savePendingClosed('user-d', 'wf-1', 1, at(2));
  expect(await budget.load('user-d')).toEqual({ pending: {}, dispatches: {}, unanswered: [at(1).getTime()] });
});

it('a retried reservation is allowed although it took the last place', async () => {
  const budget = createDispatchBudget(database.db);
  const deps = { budget, dispatchLimits: { maxPending: 1, maxFallbacks: 3, backOffAfterUnanswered: 2, backOffSeconds: 600 } };
  expect(await reserveDispatch(deps, 'wf-1', 'user-e', 1, at(0))).toEqual({ allowed: true });
  expect(await reserveDispatch(deps, 'wf-1', 'user-e', 1, at(1))).toEqual({ allowed: true });
  expect(await reserveDispatch(deps, 'wf-2', 'user-e', 1, at(1))).toMatchObject({ allowed: false, reason: 'tooManyPendingDispatches' });
  expect(await budget.load('user-e')).toEqual({ pending: { 'wf-1': at(0).getTime() }, dispatches: { 'wf-1': 1 }, unanswered: [] });
});

it('a settle of an operation with fallbacks records each of its dispatches unanswered, once', async () => {
  const budget = createDispatchBudget(database.db);
  await budget.savePending('user-f', 'wf-1', 1, at(0), { stalePending: [], unanswered: [] });
  await budget.savePending('user-f', 'wf-1', 3, at(1), { stalePending: [], unanswered: [] });
  await budget.savePendingClosed('user-f', 'wf-1', 3, at(2));
  await budget.savePendingClosed('user-f', 'wf-1', 3, at(3));
  expect(await budget.load('user-f')).toEqual({ pending: {}, dispatches: {}, unanswered: [at(2).getTime(), at(2).getTime(), at(2).getTime()] });
});
