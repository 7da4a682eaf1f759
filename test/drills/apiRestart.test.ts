import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDrill, expectEveryCallAnswered } from './drill.js';
import { startDrillStack, type DrillStack } from './drillStack.js';

// Fault drill: the API process is restarted (SIGTERM, then started again) with flows in every
// step, while responses are being verified: the requests in flight are answered before it exits.
let stack: DrillStack;
// A whole stack of processes: slow to start on a loaded machine (vitest's hook default is 120 s).
beforeAll(async () => {
  stack = await startDrillStack('api-restart');
}, 300_000);
afterAll(() => stack?.close());

it('restart of the API: every flow finishes once, counters as without the fault, every call answered', async () => {
  const report = await createDrill(stack).run('api', {
    async run(stack, during) {
      const sent = during();
      // The responses are in flight (verification is under way) when the API is told to stop.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await stack.stopApi();
      await stack.startApi();
      await sent;
    },
  });
  expectEveryCallAnswered(report);
  expect(report.duringFault).not.toEqual([]);
  console.info(`api restart, during the fault: ${report.duringFault.join('; ')}`);
}, 300_000);
