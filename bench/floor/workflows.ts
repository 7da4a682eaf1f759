/**
 * The engine's floor: a bare workflow with Outband's message shape and nothing else. Update-with-
 * start (the dispatch), two updates (the redeem and the UAF response), three no-op local
 * activities (one per message, as sendDispatch, issueRequest and verifyResponse are), completion.
 * No codec, no database, no crypto: what Temporal and the TypeScript SDK cost on their own.
 */
import { allHandlersFinished, condition, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';

export const floorDispatch = defineUpdate<string, [string]>('dispatch');
export const floorRedeem = defineUpdate<string, [string]>('redeem');
export const floorRespond = defineUpdate<string, [string]>('respond');

export interface FloorActivities {
  noop(payload: string): Promise<string>;
}

const { noop } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });

export async function floorFlow(): Promise<string> {
  let answered = 0;
  const step = (expected: number) => async (payload: string) => {
    const echoed = await noop(payload);
    answered = expected;
    return echoed;
  };
  // As Outband's validators: a message out of order is refused before it reaches history.
  const inOrder = (previous: number) => (_payload: string) => {
    if (answered !== previous) throw new Error('out of order');
  };
  setHandler(floorDispatch, step(1), { validator: inOrder(0) });
  setHandler(floorRedeem, step(2), { validator: inOrder(1) });
  setHandler(floorRespond, step(3), { validator: inOrder(2) });
  await condition(() => answered === 3);
  await condition(allHandlersFinished);
  return 'done';
}
