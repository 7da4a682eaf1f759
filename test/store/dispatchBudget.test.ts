import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDispatchBudget } from '../../store/dispatchBudget.js';
import { connectTestDatabase } from '../setup/harness.js';

let database: Awaited<ReturnType<typeof connectTestDatabase>>;
beforeAll(async () => {
  database = await connectTestDatabase();
});
afterAll(() => database?.close());

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 12, minute));

it('backs off after repeated unanswered dispatches, and lets go once the window has passed', async () => {
  const budget = createDispatchBudget(database.db, { maxPending: 5, backOffAfterUnanswered: 2, backOffSeconds: 600 });
  for (const [id, minute] of [['wf-1', 0], ['wf-2', 1]] as const) {
    expect(await budget.reserve(id, 'user-a', at(minute))).toEqual({ allowed: true });
    await budget.settle(id, 'user-a', false, at(minute + 1));
  }
  expect(await budget.reserve('wf-3', 'user-a', at(3))).toEqual({ allowed: false, reason: 'dispatchBackOff', retryAfterSeconds: 8 * 60 });
  // Another user is not affected; an answered dispatch does not count.
  expect(await budget.reserve('wf-4', 'user-b', at(3))).toEqual({ allowed: true });
  // wf-1's unanswered mark (minute 1) has left the window at minute 12: one remains, below the limit.
  expect(await budget.reserve('wf-5', 'user-a', at(12))).toEqual({ allowed: true });
  // Reserving again for the same workflow (a retried activity) is not a second dispatch.
  expect(await budget.reserve('wf-5', 'user-a', at(12))).toEqual({ allowed: true });
  const stored = await database.db.collection('dispatchBudget').findOne({ _id: 'user-a' as never });
  expect(Object.keys(stored!.pending)).toEqual(['wf-5']);
});
