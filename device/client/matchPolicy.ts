import type { MatchCriteria, Policy } from '../../uaf/protocolTypes.js';
import { assertionSchemeUafV1Tlv } from '../../uaf/registry.js';
import type { Authenticator } from '../authenticator/createAuthenticator.js';

// The client side of UAF policy matching (UAF Protocol §3.3): which of the phone's
// authenticators a request lets it use. The server checks the outcome again with its own
// metadata; this only decides what the phone offers.

export type PolicyOperation = 'Reg' | 'Auth';

/** One authenticator picked for a criterion, with the KeyIDs the criterion allows (empty: any). */
export interface PolicyChoice {
  readonly authenticator: Authenticator;
  readonly keyIDs: readonly string[];
}

const bitsOverlap = (wanted: number | undefined, has: number): boolean => wanted === undefined || (wanted & has) !== 0;
const listed = <T>(list: readonly T[] | undefined, value: T): boolean => list === undefined || list.includes(value);

/** True when `authenticator` meets every field of `criteria` at `appID` for `op`. Never throws. */
export function isCriteriaMatched(criteria: MatchCriteria, authenticator: Authenticator, appID: string, op: PolicyOperation): boolean {
  const { profile } = authenticator;
  const heldKeys = authenticator.registrations(appID).map((record) => record.keyID);
  const keysOk =
    criteria.keyIDs === undefined
      ? op === 'Reg' || heldKeys.length > 0
      : criteria.keyIDs.some((keyID) => heldKeys.includes(keyID));
  return (
    keysOk &&
    listed(criteria.aaid, profile.aaid) &&
    listed(criteria.vendorID, profile.aaid.slice(0, 4)) &&
    listed(criteria.authenticationAlgorithms, profile.authenticationAlgorithm) &&
    listed(criteria.assertionSchemes, assertionSchemeUafV1Tlv) &&
    listed(criteria.attestationTypes, profile.attestationType) &&
    bitsOverlap(criteria.userVerification, profile.userVerification) &&
    bitsOverlap(criteria.keyProtection, profile.keyProtection) &&
    bitsOverlap(criteria.matcherProtection, profile.matcherProtection) &&
    bitsOverlap(criteria.attachmentHint, profile.attachmentHint) &&
    bitsOverlap(criteria.tcDisplay, profile.tcDisplay) &&
    (criteria.authenticatorVersion === undefined || profile.authenticatorVersion >= criteria.authenticatorVersion)
  );
}

/**
 * The first `accepted` alternative whose criteria are each met by a different authenticator
 * that no `disallowed` criterion matches; `undefined` when there is none.
 */
export function matchPolicy(
  policy: Policy,
  authenticators: readonly Authenticator[],
  appID: string,
  op: PolicyOperation,
): PolicyChoice[] | undefined {
  // Matched as for 'Reg': a disallowed entry naming KeyIDs excludes only an authenticator holding one.
  const allowed = authenticators.filter(
    (authenticator) => !(policy.disallowed ?? []).some((criteria) => isCriteriaMatched(criteria, authenticator, appID, 'Reg')),
  );
  for (const alternative of policy.accepted) {
    const choices: PolicyChoice[] = [];
    for (const criteria of alternative) {
      const authenticator = allowed.find(
        (candidate) => !choices.some((choice) => choice.authenticator === candidate) && isCriteriaMatched(criteria, candidate, appID, op),
      );
      if (authenticator === undefined) break;
      choices.push({ authenticator, keyIDs: criteria.keyIDs ?? [] });
    }
    if (alternative.length > 0 && choices.length === alternative.length) return choices;
  }
  return undefined;
}
