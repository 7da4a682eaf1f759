/**
 * One floor flow from the benchmark's side: the same four client calls as an Outband flow
 * (update-with-start, update, update, result), payloads of about the size Outband's carry.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { floorDispatch, floorRedeem, floorRespond } from './workflows.js';

/** About the size of the dispatch input, the UAF request and the UAF response (bytes). */
const payloads = { dispatch: 'd'.repeat(300), redeem: 'r'.repeat(600), respond: 'u'.repeat(1500) };

export interface FloorFlowResult {
  times: { dispatch?: number; redeem?: number; uafResponse?: number; endToEnd?: number };
  failure?: { step: string; message: string };
}

export function createFloorFlow(client: Client, taskQueue: string) {
  return async function floorFlow(): Promise<FloorFlowResult> {
    const times: FloorFlowResult['times'] = {};
    const workflowId = `floor-${randomUUID()}`;
    let step = 'dispatch';
    const started = performance.now();
    let mark = started;
    const lap = (name: keyof FloorFlowResult['times']) => {
      const now = performance.now();
      times[name] = now - mark;
      mark = now;
    };
    try {
      const startWorkflowOperation = new WithStartWorkflowOperation('floorFlow', { workflowId, taskQueue, workflowIdConflictPolicy: 'FAIL' });
      await client.workflow.executeUpdateWithStart(floorDispatch, { args: [payloads.dispatch], startWorkflowOperation });
      lap('dispatch');
      const handle = client.workflow.getHandle(workflowId);
      step = 'redeem';
      await handle.executeUpdate(floorRedeem, { args: [payloads.redeem] });
      lap('redeem');
      step = 'uafResponse';
      await handle.executeUpdate(floorRespond, { args: [payloads.respond] });
      lap('uafResponse');
      step = 'result';
      await handle.result();
      times.endToEnd = performance.now() - started;
      return { times };
    } catch (error) {
      return { times, failure: { step, message: error instanceof Error ? error.message : String(error) } };
    }
  };
}
