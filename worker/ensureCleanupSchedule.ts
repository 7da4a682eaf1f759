import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export const cleanupScheduleId = 'outband-cleanup';

/**
 * The hourly schedule of the `cleanup` workflow; created once by whichever worker starts first
 * (an existing schedule is left as it is, so operators may pause or change it in the UI).
 */
export async function ensureCleanupSchedule(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: cleanupScheduleId,
      spec: { intervals: [{ every: '1 hour' }] },
      // The workflow type `cleanup` (workflows/cleanup.ts).
      action: { type: 'startWorkflow', workflowType: 'cleanup', taskQueue },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
