import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ProbeResult } from '../contract/probe.js';

const { checkDatabase } = proxyActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  // A probe reports the present state: no retries that would hide an outage.
  retry: { maximumAttempts: 1 },
});

/** End-to-end health probe: API → Temporal → worker → activity → MongoDB. */
export async function probe(): Promise<ProbeResult> {
  await checkDatabase();
  return { taskQueue: workflowInfo().taskQueue, database: 'reachable' };
}
