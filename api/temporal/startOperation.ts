import { randomUUID } from 'node:crypto';
import type { Operation, OperationInput, ReturnUafRequest } from '../../contract/operation.js';
import { newSessionId, workflowIdOf } from '../../store/sessionKeys.js';
import { issueRequestUpdate } from '../../workflows/messages.js';
import type { OperationsDependencies } from './dependencies.js';
import { startWorkflowOperation } from './startWorkflowOperation.js';
import { refreshingStatusOf } from './statusRefresh.js';
import { withUpdateRecovery } from './withUpdateRecovery.js';

/** Starts an in-band operation and answers its UAF request in one round trip (update-with-start). */
export async function startOperation(
  deps: OperationsDependencies,
  operation: Operation,
  input: Omit<OperationInput, 'operation' | 'sessionId'>,
): Promise<ReturnUafRequest> {
  const sessionId = newSessionId();
  const startWorkflow = startWorkflowOperation(deps, operation, sessionId, input);
  const updateId = randomUUID();
  const workflowId = workflowIdOf(sessionId, deps.keys.sessionId);
  return refreshingStatusOf(deps.statusCache, workflowId, () =>
    withUpdateRecovery(deps.client, workflowId, updateId, () =>
      deps.client.workflow.executeUpdateWithStart(issueRequestUpdate, { startWorkflowOperation: startWorkflow, updateId }),
      { startsWorkflow: true },
    ),
  );
}
