import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDrill, expectEveryCallAnswered } from './drill.js';
import { startDrillStack, type DrillStack } from './drillStack.js';

// Fault drills on one stack: the FCM emulator down (its port closed), then hanging (sends held
// without an answer). Flows in every step, and a push dispatched while the fault holds: its
// dispatch is answered in time and the RP's fallback re-dispatch finishes the same operation.
let stack: DrillStack;
// A whole stack of processes: slow to start on a loaded machine (vitest's hook default is 120 s).
beforeAll(async () => {
  stack = await startDrillStack('fcm');
}, 300_000);
afterAll(() => stack?.close());

it('FCM emulator down: every flow finishes once, counters as without the fault, every call answered', async () => {
  const report = await createDrill(stack).run('fcm-down', {
    dispatchDuringFault: true,
    async run(stack, during) {
      await stack.stopFcm();
      await during();
      await stack.startFcm();
    },
  });
  expectEveryCallAnswered(report);
  expect(report.duringFault.find((line) => line.startsWith('dispatch'))).toMatch(/^dispatch: 200 dispatchError in /);
  console.info(`fcm down, during the fault: ${report.duringFault.join('; ')}`);
}, 300_000);

it('FCM emulator hanging: every flow finishes once, counters as without the fault, every call answered', async () => {
  const report = await createDrill(stack).run('fcm-hang', {
    dispatchDuringFault: true,
    async run(stack, during) {
      await stack.hangFcm();
      await during();
      await stack.clearFcmFault();
    },
  });
  expectEveryCallAnswered(report);
  expect(report.duringFault.find((line) => line.startsWith('dispatch'))).toMatch(/^dispatch: 200 dispatchError in /);
  console.info(`fcm hanging, during the fault: ${report.duringFault.join('; ')}`);
}, 300_000);
