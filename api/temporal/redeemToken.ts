import { WorkflowNotFoundError } from '@temporalio/client';
import type { Operation, OperationState, ReturnUafRequest } from '../../contract/operation.js';
import { tokenHashOf, workflowIdOfToken } from '../../store/sessionKeys.js';
import { redeemUpdate } from '../../workflows/messages.js';
import { ApiError } from '../apiError.js';
import type { OperationsDependencies } from './dependencies.js';
import { hasEnded, toApiError } from './toApiError.js';

export interface RedeemRequest {
  token: string;
  deny?: boolean;
  channelLinkingAnswer?: string;
}

/**
 * The phone redeems a token. The token names its workflow (store/sessionKeys.ts
 * `workflowIdOfToken`), so no index is read; the workflow's redeem validator checks the rest (the
 * hash among its tokens, the operation, single use, expiry, supersession) before anything reaches
 * its history. Anything not shaped like a token, or naming no workflow, is 404.
 */
export async function redeemToken(
  { client }: Pick<OperationsDependencies, 'client'>,
  operation: Operation,
  { token, deny, channelLinkingAnswer }: RedeemRequest,
): Promise<ReturnUafRequest | undefined> {
  const workflowId = workflowIdOfToken(token);
  if (workflowId === undefined) throw new ApiError('tokenNotFound', 'The token is not known.');
  const tokenHash = tokenHashOf(token);
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await handle.executeUpdate(redeemUpdate, {
      args: [{ tokenHash, operation, ...(deny && { deny }), ...(channelLinkingAnswer !== undefined && { channelLinkingAnswer }) }],
    });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError && !(await hasEnded(handle))) throw new ApiError('tokenNotFound', 'The token is not known.', undefined, { cause: error });
    if (error instanceof WorkflowNotFoundError) {
      const state = (await handle.result().catch(() => undefined)) as OperationState | undefined;
      // An ended workflow can no longer check the token's hash; it still knows its operation.
      if (state !== undefined && state.operation !== operation) throw new ApiError('tokenNotFound', 'The token is not known.', undefined, { cause: error });
      if (state?.failureReason === 'tokenExpired') throw new ApiError('tokenExpired', 'The token has expired.', undefined, { cause: error });
      throw new ApiError('tokenAlreadyRedeemed', 'The operation of this token has ended.', undefined, { cause: error });
    }
    throw toApiError(error);
  }
}
