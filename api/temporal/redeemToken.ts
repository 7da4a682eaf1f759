import { WorkflowNotFoundError } from '@temporalio/client';
import type { Operation, OperationState, ReturnUafRequest } from '../../contract/operation.js';
import { tokenHashOf } from '../../store/sessionKeys.js';
import { redeemUpdate } from '../../workflows/messages.js';
import { ApiError } from '../apiError.js';
import type { OperationsDependencies } from './dependencies.js';
import { hasEnded, toApiError } from './toApiError.js';

export interface RedeemRequest {
  token: string;
  deny?: boolean;
  channelLinkingAnswer?: string;
}

/** The phone redeems a token: found by its hash, or 404 without touching any workflow. */
export async function redeemToken(
  { client, tokens }: Pick<OperationsDependencies, 'client' | 'tokens'>,
  operation: Operation,
  { token, deny, channelLinkingAnswer }: RedeemRequest,
): Promise<ReturnUafRequest | undefined> {
  const tokenHash = tokenHashOf(token);
  const found = await tokens.find(tokenHash);
  if (!found || found.operation !== operation) throw new ApiError('tokenNotFound', 'The token is not known.');
  const handle = client.workflow.getHandle(found.workflowId);
  try {
    return await handle.executeUpdate(redeemUpdate, {
      args: [{ tokenHash, operation, ...(deny && { deny }), ...(channelLinkingAnswer !== undefined && { channelLinkingAnswer }) }],
    });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError && (await hasEnded(handle))) {
      const state = (await handle.result().catch(() => undefined)) as OperationState | undefined;
      if (state?.failureReason === 'tokenExpired') throw new ApiError('tokenExpired', 'The token has expired.', undefined, { cause: error });
      throw new ApiError('tokenAlreadyRedeemed', 'The operation of this token has ended.', undefined, { cause: error });
    }
    throw toApiError(error);
  }
}
