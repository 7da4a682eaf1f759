import type { MatchCriteria, Policy } from '../protocolTypes.js';
import type { RegisteredKey } from './buildRegistrationPolicy.js';

export interface BuildAuthenticationPolicyOptions {
  /** The user's registered keys (step-up: only these may answer). Empty or absent: use `accepted`. */
  registered?: readonly RegisteredKey[];
  /** Configured alternatives, used when no user is known (e.g. username-less authentication). */
  accepted?: MatchCriteria[][];
  disallowed?: MatchCriteria[];
}

/**
 * The policy of an AuthenticationRequest (UAF Protocol §3.3.2): with a known user, one accepted
 * alternative per AAID naming its keyIDs (conformance Auth-Req-4 P-8/P-10).
 */
export function buildAuthenticationPolicy({ registered = [], accepted = [], disallowed }: BuildAuthenticationPolicyOptions): Policy {
  const keyIdsByAaid = new Map<string, string[]>();
  for (const { aaid, keyID } of registered) keyIdsByAaid.set(aaid, [...(keyIdsByAaid.get(aaid) ?? []), keyID]);
  const alternatives =
    keyIdsByAaid.size === 0 ? accepted : [...keyIdsByAaid].map(([aaid, keyIDs]) => [{ aaid: [aaid], keyIDs }]);
  return disallowed === undefined ? { accepted: alternatives } : { accepted: alternatives, disallowed };
}
