import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDrill, expectEveryCallAnswered } from './drill.js';
import { startDrillStack, type DrillStack } from './drillStack.js';

// Fault drill: the worker process is killed (SIGKILL) with flows in every step, and the responses
// are sent while no worker runs; a new worker process is then started.
let stack: DrillStack;
// A whole stack of processes: slow to start on a loaded machine (vitest's hook default is 120 s).
beforeAll(async () => {
  stack = await startDrillStack('worker-kill');
}, 300_000);
afterAll(() => stack?.close());

it('SIGKILL of the worker: every flow finishes once, counters as without the fault, every call answered', async () => {
  const report = await createDrill(stack).run('kill', {
    async run(stack, during) {
      await stack.killWorker();
      await during();
      await stack.startWorker();
    },
  });
  expectEveryCallAnswered(report);
  expect(report.duringFault).not.toEqual([]);
  console.info(`worker kill, during the fault: ${report.duringFault.join('; ')}`);
}, 300_000);

// A redeem while no worker runs: answered within 10 s (503 + Retry-After once its update budget is
// spent), yet the update stays admitted and is applied when a worker starts. The phone's retry
// must then get the same UAF request, not 409 tokenAlreadyRedeemed: the redeem's update id is
// derived from the request (api/temporal/redeemToken.ts), so the retry joins that update. With a
// random update id per call this test fails (the retry is a second redeem of a spent token).
it('a redeem sent while no worker runs is answered within 10 s and its flow still finishes', async () => {
  const drill = createDrill(stack);
  const device = await drill.enrol('kill-redeem');
  const flow = await drill.dispatched(device);
  await stack.killWorker();
  const during = await drill.redeem(device, flow.payload).catch((error: Error) => error);
  expect(during).toMatchObject({ status: 503, retryAfterSeconds: expect.any(Number) });
  await stack.startWorker();
  await stack.ready();
  const uafRequest = await drill.redeemed(device, flow.payload);
  await drill.settle('authentication', await device.phone.client.authenticate(uafRequest));
  expect(await drill.status(flow.sessionId)).toMatchObject({ status: 'succeeded' });
  expectEveryCallAnswered({ calls: drill.calls, duringFault: [] });
}, 180_000);
