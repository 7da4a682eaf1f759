import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDrill, expectEveryCallAnswered } from './drill.js';
import { startDrillStack, type DrillStack } from './drillStack.js';

// Fault drill: FerretDB is stopped with flows in every step, responses are sent (and verified by
// the worker's activities) while it is down, and it is started again on the same data directory.
let stack: DrillStack;
// A whole stack of processes: slow to start on a loaded machine (vitest's hook default is 120 s).
beforeAll(async () => {
  stack = await startDrillStack('ferretdb-restart');
}, 300_000);
afterAll(() => stack?.close());

it('restart of FerretDB on its data directory: every flow finishes once, counters as without the fault, every call answered', async () => {
  const report = await createDrill(stack).run('ferretdb', {
    async run(stack, during) {
      await stack.stopFerretDb();
      // The database comes back while the responses are being verified (an operator's restart).
      await Promise.all([during(), new Promise((resolve) => setTimeout(resolve, 1_000)).then(() => stack.startFerretDb())]);
    },
  });
  expectEveryCallAnswered(report);
  expect(report.duringFault).not.toEqual([]);
  console.info(`ferretdb restart, during the fault: ${report.duringFault.join('; ')}`);
}, 300_000);
