import type { Policy, RegistrationRequest } from '../protocolTypes.js';
import { buildOperationHeader, type BuildOperationHeaderOptions } from './buildOperationHeader.js';
import { checkArgument } from './checkArgument.js';

export interface BuildRegistrationRequestOptions extends Omit<BuildOperationHeaderOptions<'Reg'>, 'op'> {
  /** From `buildChallenge`. */
  challenge: string;
  /** 1..128 characters. */
  username: string;
  /** From `buildRegistrationPolicy`: the accepted authenticators and the user's keys as disallowed. */
  policy: Policy;
}

/** A RegistrationRequest (UAF Protocol §3.4.1); send it as the one element of the message array. */
export function buildRegistrationRequest(options: BuildRegistrationRequestOptions): RegistrationRequest {
  const { challenge, username, policy, ...header } = options;
  checkChallenge(challenge);
  checkArgument(username.length >= 1 && username.length <= 128, 'username', username.length, '1..128 characters');
  return { header: buildOperationHeader({ ...header, op: 'Reg' }), challenge, username, policy };
}

/** A challenge is base64url of 8..64 bytes: 11..86 characters (UAF Protocol §3.4.1). */
export function checkChallenge(challenge: string): void {
  checkArgument(/^[A-Za-z0-9_-]{11,86}$/.test(challenge), 'challenge', challenge.length, 'base64url, 11..86 characters');
}
