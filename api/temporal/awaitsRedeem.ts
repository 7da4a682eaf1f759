import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { OperationState } from '../../contract/operation.js';
import { statusMemoKey } from '../../contract/statusMemo.js';
import { statusQuery } from '../../workflows/messages.js';

/**
 * Whether the operation still waits for a token to be redeemed (status `tokenCreated`): the fetch
 * channel offers only those. One describe, answered from the status memo the workflow keeps
 * (contract/statusMemo.ts); the query only for a workflow without that memo. Gone or closed: false.
 */
export async function awaitsRedeem(client: Client, workflowId: string): Promise<boolean> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const { status, memo } = await handle.describe();
    if (status.name !== 'RUNNING') return false;
    const state = (memo?.[statusMemoKey] as OperationState | undefined) ?? (await handle.query(statusQuery));
    return state.status === 'tokenCreated';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
