import { PolicyRejected } from '../errors.js';
import type { MatchCriteria, Policy } from '../protocolTypes.js';
import { matchCriteria, type AuthenticatorFacts } from './matchCriteria.js';

export interface MatchPolicyResult {
  /** Index of the `accepted` alternative the authenticators satisfy. */
  acceptedIndex: number;
}

/**
 * Applies a UAF policy to the authenticators that answered (UAF Protocol §3.3.2): none may match a
 * `disallowed` entry, and every criteria set of one `accepted` alternative must be met, each by a
 * different authenticator.
 */
export function matchPolicy(policy: Policy, authenticators: readonly AuthenticatorFacts[]): MatchPolicyResult {
  // An authenticator matching any disallowed criteria is refused (UAF Protocol §3.3.2 `disallowed`).
  for (const facts of authenticators) {
    const index = (policy.disallowed ?? []).findIndex((criteria) => matchCriteria(criteria, facts));
    if (index >= 0) {
      throw new PolicyRejected('authenticatorDisallowed', 'The authenticator is disallowed by the policy.', {
        field: `policy.disallowed[${index}]`,
        seen: { aaid: facts.aaid, keyID: facts.keyID },
      });
    }
  }
  // One accepted alternative must be satisfied as a whole (UAF Protocol §3.3.2 `accepted`).
  const acceptedIndex = policy.accepted.findIndex((alternative) => coversAll(alternative, authenticators, new Set()));
  if (acceptedIndex < 0) {
    throw new PolicyRejected('policyMismatch', 'The authenticators do not satisfy any accepted alternative of the policy.', {
      field: 'policy.accepted',
      seen: authenticators.map(({ aaid, keyID }) => ({ aaid, keyID })),
    });
  }
  return { acceptedIndex };
}

// Backtracking assignment of criteria to distinct authenticators; sets are a handful long.
function coversAll(criteria: readonly MatchCriteria[], authenticators: readonly AuthenticatorFacts[], used: Set<number>): boolean {
  const [first, ...rest] = criteria;
  if (first === undefined) return true;
  return authenticators.some((facts, index) => {
    if (used.has(index) || !matchCriteria(first, facts)) return false;
    used.add(index);
    const covered = coversAll(rest, authenticators, used);
    used.delete(index);
    return covered;
  });
}
