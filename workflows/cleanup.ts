import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { CleanupResult } from '../activities/cleanup.js';

const { removeExpiredRows } = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 3 } });

/** Workflow type `cleanup`, started hourly by the `outband-cleanup` schedule (worker/ensureCleanupSchedule.ts). */
export async function cleanup(): Promise<CleanupResult> {
  return removeExpiredRows();
}
