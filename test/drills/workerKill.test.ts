import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDrill, expectEveryCallAnswered } from './drill.js';
import { startDrillStack, type DrillStack } from './drillStack.js';

// Fault drill: the worker process is killed (SIGKILL) with flows in every step, and the responses
// are sent while no worker runs; a new worker process is then started.
let stack: DrillStack;
beforeAll(async () => {
  stack = await startDrillStack('worker-kill');
});
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
