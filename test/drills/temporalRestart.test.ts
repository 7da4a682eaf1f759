import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDrill, expectEveryCallAnswered } from './drill.js';
import { startDrillStack, type DrillStack } from './drillStack.js';

// Fault drill: the Temporal dev server is stopped with flows in every step, responses are sent
// while it is down, and it is started again on the same SQLite file and port.
let stack: DrillStack;
// A whole stack of processes: slow to start on a loaded machine (vitest's hook default is 120 s).
beforeAll(async () => {
  stack = await startDrillStack('temporal-restart');
}, 300_000);
afterAll(() => stack?.close());

it('restart of the Temporal server on its SQLite file: every flow finishes once, counters as without the fault, every call answered', async () => {
  const report = await createDrill(stack).run('temporal', {
    async run(stack, during) {
      await stack.stopTemporal();
      await during();
      await stack.startTemporal();
    },
  });
  expectEveryCallAnswered(report);
  expect(report.duringFault).not.toEqual([]);
  console.info(`temporal restart, during the fault: ${report.duringFault.join('; ')}`);
}, 300_000);
