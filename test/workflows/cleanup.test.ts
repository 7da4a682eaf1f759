import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanupScheduleId, ensureCleanupSchedule } from '../../worker/ensureCleanupSchedule.js';
import { createRequestIds } from '../../store/requestIds.js';
import { createDispatchRecords } from '../../store/dispatches.js';
import { createPendingDispatches } from '../../store/pendingDispatches.js';
import { createSessions } from '../../store/sessions.js';
import { bundleWorkflows, uniqueName } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows());
});
afterAll(() => stack?.close());

it('the cleanup workflow removes index rows past their retention and keeps the rest', async () => {
  const { db } = stack.database;
  const [records, sessions, requestIds] = [createDispatchRecords<{ dispatchResult: string }>(db), createSessions(db), createRequestIds(db)];
  const now = Date.now();
  const daysAgo = (days: number) => new Date(now - days * 24 * 3_600_000);
  await records.record('wf-1', 'old-token-hash', { dispatchResult: 'dispatched' }, daysAgo(2));
  await records.record('wf-2', 'fresh-token-hash', { dispatchResult: 'dispatched' }, daysAgo(0));
  await sessions.add('old-session', 'wf-1', daysAgo(8));
  await sessions.add('fresh-session', 'wf-2', daysAgo(1));
  await requestIds.recordFirstUse('target', 'old-request', new Date(now - 2 * 3_600_000));
  await requestIds.recordFirstUse('target', 'fresh-request', new Date(now));
  // Fetch-channel rows: one whose token expired a minute ago, one still redeemable.
  const pending = createPendingDispatches(db, new Uint8Array(32));
  const row = (workflowId: string, expiresAt: Date) => ({ workflowId, dispatchTargetId: 'target-1', operation: 'authentication' as const, dispatcher: 'link', sessionId: 's', createdAt: daysAgo(0), expiresAt });
  await pending.record('expired-token-hash', row('wf-1', new Date(now - 60_000)));
  await pending.record('open-token-hash', row('wf-2', new Date(now + 600_000)));

  const removed = await stack.client.workflow.execute('cleanup', { taskQueue: stack.config.temporal.taskQueue, workflowId: uniqueName('cleanup') });
  expect(removed).toEqual({ sessions: 1, requestIds: 1, dispatches: 1, deregistrations: 0, audit: 0, pendingDispatches: 1 });
  expect((await pending.listOpen(['target-1'], new Date())).map((row) => row.workflowId)).toEqual(['wf-2']);
  expect(await records.find('wf-2', 'fresh-token-hash')).toEqual({ dispatchResult: 'dispatched' });
  expect(await records.find('wf-1', 'old-token-hash')).toBeUndefined();
  expect(await sessions.find('fresh-session')).toBe('wf-2');
  expect(await sessions.find('old-session')).toBeUndefined();
});

it('the hourly schedule is created once and left alone after that', async () => {
  const taskQueue = stack.config.temporal.taskQueue;
  await ensureCleanupSchedule(stack.client, taskQueue);
  await ensureCleanupSchedule(stack.client, taskQueue);
  const described = await stack.client.schedule.getHandle(cleanupScheduleId).describe();
  expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'cleanup' });
  expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
});
