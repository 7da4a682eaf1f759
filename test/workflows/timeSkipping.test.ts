import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflows, connectTimeSkipping, uniqueName } from '../setup/harness.js';
import type { sleeper } from './fixtures/sleeper.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await connectTimeSkipping();
});
afterAll(() => env?.teardown());

it('reaches the shared time-skipping server: a day-long timer completes (within the test timeout)', async () => {
  expect(env.supportsTimeSkipping).toBe(true);
  const taskQueue = uniqueName('time-skipping');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows(new URL('./fixtures/sleeper.ts', import.meta.url).pathname),
  });
  const slept = await worker.runUntil(
    env.client.workflow.execute<typeof sleeper>('sleeper', { taskQueue, workflowId: uniqueName('sleeper'), args: ['1 day'] }),
  );
  expect(slept).toBeGreaterThanOrEqual(86_400_000);
});
