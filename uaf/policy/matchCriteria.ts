import type { MetadataStatement } from '../metadata/parseMetadataStatement.js';
import type { MatchCriteria } from '../protocolTypes.js';
import { UserVerify } from '../registry.js';

/** What the server knows about one authenticator that answered. */
export interface AuthenticatorFacts {
  aaid: string;
  keyID: string;
  authenticationAlgorithm: number;
  assertionScheme: string;
  /** The attestation type used (registration only). */
  attestationType?: number;
  authenticatorVersion?: number;
  /** The statement for `aaid`, when known: needed for criteria on UV, protection, hints, display. */
  metadata?: MetadataStatement;
}

/**
 * True when the authenticator meets every member set in `criteria` (UAF Protocol §3.3.1).
 * Bit-field members match when they share a bit with the authenticator's value; a
 * userVerification with USER_VERIFY_ALL needs one verification combination holding every bit.
 * A member the facts cannot answer (no metadata) does not match. Never throws.
 */
export function matchCriteria(criteria: MatchCriteria, facts: AuthenticatorFacts): boolean {
  const meta = facts.metadata;
  const checks: (() => boolean)[] = [];
  if (criteria.aaid) checks.push(() => includesCaseless(criteria.aaid!, facts.aaid));
  if (criteria.vendorID) checks.push(() => includesCaseless(criteria.vendorID!, facts.aaid.slice(0, 4)));
  if (criteria.keyIDs) checks.push(() => criteria.keyIDs!.includes(facts.keyID));
  if (criteria.authenticationAlgorithms) {
    checks.push(() => criteria.authenticationAlgorithms!.includes(facts.authenticationAlgorithm));
  }
  if (criteria.assertionSchemes) checks.push(() => criteria.assertionSchemes!.includes(facts.assertionScheme));
  if (criteria.attestationTypes) {
    checks.push(() => {
      const used = facts.attestationType === undefined ? (meta?.attestationTypes ?? []) : [facts.attestationType];
      return used.some((type) => criteria.attestationTypes!.includes(type));
    });
  }
  if (criteria.authenticatorVersion !== undefined) {
    checks.push(() => (facts.authenticatorVersion ?? meta?.authenticatorVersion ?? -1) >= criteria.authenticatorVersion!);
  }
  if (criteria.userVerification !== undefined) checks.push(() => meta !== undefined && matchUserVerification(criteria.userVerification!, meta));
  for (const member of ['keyProtection', 'matcherProtection', 'attachmentHint', 'tcDisplay'] as const) {
    const wanted = criteria[member];
    if (wanted !== undefined) checks.push(() => meta !== undefined && (meta[member] & wanted) !== 0);
  }
  return checks.every((check) => check());
}

function includesCaseless(list: readonly string[], value: string): boolean {
  const upper = value.toUpperCase();
  return list.some((entry) => entry.toUpperCase() === upper);
}

function matchUserVerification(wanted: number, meta: MetadataStatement): boolean {
  const combinations = meta.userVerificationDetails.map((combination) =>
    combination.reduce((bits, method) => bits | method.userVerification, 0),
  );
  if ((wanted & UserVerify.ALL) === 0) return combinations.some((bits) => (bits & wanted) !== 0);
  const required = wanted & ~UserVerify.ALL;
  return combinations.some((bits) => (bits & required) === required);
}
