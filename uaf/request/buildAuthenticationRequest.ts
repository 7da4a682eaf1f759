import type { AuthenticationRequest, Policy, Transaction } from '../protocolTypes.js';
import { buildOperationHeader, type BuildOperationHeaderOptions } from './buildOperationHeader.js';
import { checkArgument } from './checkArgument.js';
import { checkChallenge } from './buildRegistrationRequest.js';

export interface BuildAuthenticationRequestOptions extends Omit<BuildOperationHeaderOptions<'Auth'>, 'op'> {
  challenge: string;
  /** From `buildAuthenticationPolicy` (the user's keys for step-up) or a configured policy. */
  policy: Policy;
  /** From `buildTransaction`; keep it to pass to `verifyAuthenticationResponse`. */
  transaction?: Transaction[];
}

/** An AuthenticationRequest (UAF Protocol §3.5.2); send it as the one element of the message array. */
export function buildAuthenticationRequest(options: BuildAuthenticationRequestOptions): AuthenticationRequest {
  const { challenge, policy, transaction, ...header } = options;
  checkChallenge(challenge);
  if (transaction !== undefined) checkArgument(transaction.length >= 1, 'transaction', transaction.length, 'at least one entry');
  return {
    header: buildOperationHeader({ ...header, op: 'Auth' }),
    challenge,
    ...(transaction !== undefined && { transaction }),
    policy,
  };
}
