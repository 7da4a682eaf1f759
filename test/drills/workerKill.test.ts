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

// Known gap, kept visible: the redeem update has no deadline (unlike the UAF response, it has no
// update id to wait out by), so with no worker the phone's redeem waits until one runs. Bounding it
// alone would not do: a redeem answered 503 may still be applied later, and the phone's retry then
// meets 409 tokenAlreadyRedeemed, losing the flow. `it.fails` until redeem is both bounded and
// retry-safe; it then passes and must become `it`.
it.fails('a redeem sent while no worker runs is answered within 10 s and its flow still finishes', async () => {
  const drill = createDrill(stack);
  const device = await drill.enrol('kill-redeem');
  const flow = await drill.dispatched(device);
  await stack.killWorker();
  const during = await drill.redeem(device, flow.payload).catch((error: Error) => error);
  await stack.startWorker();
  await stack.ready();
  const uafRequest = during instanceof Error || during.status === 503 ? await drill.redeemed(device, flow.payload) : during.body.uafRequest;
  await drill.settle('authentication', await device.phone.client.authenticate(uafRequest));
  expect(await drill.status(flow.sessionId)).toMatchObject({ status: 'succeeded' });
  expectEveryCallAnswered({ calls: drill.calls, duringFault: [] });
}, 180_000);
