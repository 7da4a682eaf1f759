import { WorkflowNotFoundError } from '@temporalio/client';
import { watchUpdate } from '../../workflows/messages.js';
import type { OperationsDependencies, StatusResponse } from './dependencies.js';
import { readStatus, toStatusResponse } from './readStatus.js';
import { workflowOfSession } from './workflowOfSession.js';

/**
 * Status changes of a session as they happen: `onChange` for the current status, then once per
 * change, until the operation ends. One long-waiting `watch` update at a time, no polling.
 */
export async function watchStatus(
  deps: Pick<OperationsDependencies, 'client' | 'keys' | 'sessions' | 'statusCache'>,
  sessionId: string,
  onChange: (status: StatusResponse) => void,
  isWanted: () => boolean,
): Promise<void> {
  const handle = deps.client.workflow.getHandle(await workflowOfSession(deps, sessionId));
  let current = await readStatus(deps, sessionId, { workflowId: handle.workflowId });
  onChange(current);
  let sent = JSON.stringify(current);
  let version = -1;
  while (isWanted() && isOpen(current)) {
    try {
      const next = await handle.executeUpdate(watchUpdate, { args: [version] });
      version = next.version;
      current = toStatusResponse(next.state);
    } catch (error) {
      // Closed meanwhile (an update cannot reach a closed workflow): its result is the final status,
      // read by a describe started now (the cached status may be from before it closed).
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      current = await readStatus(deps, sessionId, { workflowId: handle.workflowId, fresh: true });
    }
    // The first watch answers at once with what was already sent: only real changes go out.
    if (JSON.stringify(current) !== sent) onChange(current);
    sent = JSON.stringify(current);
  }
}

function isOpen({ status }: StatusResponse): boolean {
  return status === 'tokenCreated' || status === 'clientRegistering' || status === 'clientAuthenticating';
}
