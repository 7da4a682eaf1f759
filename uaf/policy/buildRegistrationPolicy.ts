import type { MatchCriteria, Policy } from '../protocolTypes.js';

/** A registered key, as the policy names it. */
export interface RegisteredKey {
  aaid: string;
  keyID: string;
}

export interface BuildRegistrationPolicyOptions {
  /** Configured accepted alternatives. */
  accepted: MatchCriteria[][];
  /** Configured disallowed criteria. */
  disallowed?: MatchCriteria[];
  /** The user's registered keys; each becomes a disallowed `{aaid, keyIDs}` (conformance Reg-Req-4 P-10). */
  registered?: readonly RegisteredKey[];
}

/** The policy of a RegistrationRequest (UAF Protocol §3.3.2), so a key is not registered twice. */
export function buildRegistrationPolicy({ accepted, disallowed = [], registered = [] }: BuildRegistrationPolicyOptions): Policy {
  const all = [...disallowed, ...registered.map(({ aaid, keyID }) => ({ aaid: [aaid], keyIDs: [keyID] }))];
  return all.length === 0 ? { accepted } : { accepted, disallowed: all };
}
