import { matchCriteria, type AuthenticatorFacts } from '../../uaf/policy/matchCriteria.js';
import type { MatchCriteria, Policy } from '../../uaf/protocolTypes.js';
import { assertionSchemeUafV1Tlv } from '../../uaf/registry.js';
import type { Authenticator } from '../authenticator/createAuthenticator.js';

// The client side of UAF policy matching (UAF Protocol §3.3): which of the phone's
// authenticators, and which of their keys, a request lets it use. Each criterion is judged
// by the server's own `matchCriteria`, so phone and server read a policy the same way.

export type PolicyOperation = 'Reg' | 'Auth';

/** One authenticator picked for a criterion, with the KeyIDs it may sign with (empty at registration). */
export interface PolicyChoice {
  readonly authenticator: Authenticator;
  readonly keyIDs: readonly string[];
}

/**
 * The facts the server will see from `authenticator`: one per key it holds at the AppID, and
 * at registration one more for the key it would create (no KeyID yet).
 */
function factsOf(authenticator: Authenticator, appID: string, op: PolicyOperation): AuthenticatorFacts[] {
  const statement = authenticator.profile.metadataStatement;
  const fact = (keyID: string): AuthenticatorFacts => ({
    aaid: statement.aaid,
    keyID,
    authenticationAlgorithm: statement.authenticationAlgorithm,
    assertionScheme: assertionSchemeUafV1Tlv,
    ...(statement.attestationTypes[0] === undefined ? {} : { attestationType: statement.attestationTypes[0] }),
    authenticatorVersion: statement.authenticatorVersion,
    metadata: statement,
  });
  const held = authenticator.registrations(appID).map((record) => fact(record.keyID));
  return op === 'Reg' ? [...held, fact('')] : held;
}

function choose(criteria: MatchCriteria, authenticator: Authenticator, appID: string, op: PolicyOperation): PolicyChoice | undefined {
  const matching = factsOf(authenticator, appID, op).filter((facts) => matchCriteria(criteria, facts));
  if (matching.length === 0) return undefined;
  return { authenticator, keyIDs: op === 'Auth' ? matching.map(({ keyID }) => keyID) : [] };
}

/**
 * The first `accepted` alternative whose criteria are each met by a different authenticator
 * that no `disallowed` entry matches (for any key it holds); `undefined` when there is none.
 */
export function matchPolicy(
  policy: Policy,
  authenticators: readonly Authenticator[],
  appID: string,
  op: PolicyOperation,
): PolicyChoice[] | undefined {
  const allowed = authenticators.filter(
    (authenticator) =>
      !(policy.disallowed ?? []).some((criteria) =>
        factsOf(authenticator, appID, 'Reg').some((facts) => matchCriteria(criteria, facts)),
      ),
  );
  for (const alternative of policy.accepted) {
    const choices: PolicyChoice[] = [];
    for (const criteria of alternative) {
      const choice = allowed
        .filter((candidate) => !choices.some((taken) => taken.authenticator === candidate))
        .map((candidate) => choose(criteria, candidate, appID, op))
        .find((candidate) => candidate !== undefined);
      if (choice === undefined) break;
      choices.push(choice);
    }
    if (alternative.length > 0 && choices.length === alternative.length) return choices;
  }
  return undefined;
}
