import { FinalChallengeRejected, MessageMalformed } from '../errors.js';
import { sha256 } from '../crypto/sha256.js';
import { equalBytes } from '../crypto/equalBytes.js';
import type { ChannelBinding } from '../protocolTypes.js';
import { sameFacetId } from '../facets/sameFacetId.js';
import type { ParsedUafResponse } from './parseUafResponse.js';

/** What the server issued and trusts, shared by registration and authentication. */
export interface FinalChallengeExpectations {
  /** The challenge the server put in the request (base64url). */
  expectedChallenge: string;
  /** The server's AppID (the TrustedFacets URL). */
  appID: string;
  /** Facet IDs of the TrustedFacets entry for upv 1.1 (AppID and Facets §3.1.2). */
  trustedFacetIds: readonly string[];
  /** Channel binding data the server itself observed; each member given is compared (UAF Protocol §3.2.3). */
  channelBinding?: ChannelBinding;
}

/**
 * Checks header and FinalChallengeParams against what the server issued and returns
 * FCHash = SHA-256 over the fcParams string as received (UAF Protocol §3.4.6.5 / §3.5.7.5).
 */
export function verifyFinalChallenge(
  response: ParsedUafResponse<unknown, 'Reg' | 'Auth'>,
  expected: FinalChallengeExpectations,
): Uint8Array {
  const fcp = response.finalChallengeParams;
  checkHeaderAppId(response.header.appID, expected.appID);
  checkFcAppId(fcp.appID, expected.appID);
  checkChallenge(fcp.challenge, expected.expectedChallenge);
  checkFacetId(fcp.facetID, expected.trustedFacetIds);
  checkChannelBinding(fcp.channelBinding, expected.channelBinding);
  return sha256(response.fcParams);
}

/** The assertion's FinalChallengeHash must equal SHA-256(fcParams) (UAF Protocol §3.4.6.5 step "FCHash"). */
export function checkFinalChallengeHash(seen: Uint8Array, fcHash: Uint8Array, field: string): void {
  if (!equalBytes(seen, fcHash)) {
    throw new FinalChallengeRejected('finalChallengeHashMismatch', 'FinalChallengeHash is not SHA-256 of fcParams.', {
      field: `${field}.FINAL_CHALLENGE_HASH`,
      seen: Buffer.from(seen).toString('hex'),
      expected: Buffer.from(fcHash).toString('hex'),
    });
  }
}

// The response header is a copy of the request header, so its appID is ours (UAF Protocol §3.1.3).
function checkHeaderAppId(seen: string | undefined, expected: string): void {
  if (seen !== expected) {
    throw new MessageMalformed('appIdMismatch', 'header.appID is not this server’s AppID.', {
      field: 'header.appID',
      seen,
      expected,
    });
  }
}

// fcParams.appID must be the server's AppID (UAF Protocol §3.4.6.5, AppID and Facets §3.1.2).
function checkFcAppId(seen: string, expected: string): void {
  if (seen !== expected) {
    throw new FinalChallengeRejected('appIdMismatch', 'fcParams.appID is not this server’s AppID.', {
      field: 'fcParams.appID',
      seen,
      expected,
    });
  }
}

// fcParams.challenge must be the challenge this server issued for the operation (UAF Protocol §3.4.6.5).
function checkChallenge(seen: string, expected: string): void {
  if (seen !== expected) {
    throw new FinalChallengeRejected('challengeMismatch', 'fcParams.challenge is not the challenge issued.', {
      field: 'fcParams.challenge',
      seen,
      expected,
    });
  }
}

// fcParams.facetID must be one of the trusted facets of the AppID (AppID and Facets §3.1.2); an
// Android facet id in another base64 spelling of the same certificate hash is the same facet.
function checkFacetId(seen: string, trusted: readonly string[]): void {
  if (!trusted.some((facet) => sameFacetId(seen, facet))) {
    throw new FinalChallengeRejected('facetNotTrusted', 'fcParams.facetID is not a trusted facet.', {
      field: 'fcParams.facetID',
      seen,
      expected: trusted,
    });
  }
}

// Channel binding members the server observed must match the client's (UAF Protocol §3.2.3; mismatch is 1490).
function checkChannelBinding(seen: ChannelBinding, observed: ChannelBinding | undefined): void {
  if (observed === undefined) return;
  for (const name of Object.keys(observed) as (keyof ChannelBinding)[]) {
    const value = seen[name];
    if (value !== undefined && value !== observed[name]) {
      throw new FinalChallengeRejected('channelBindingMismatch', 'fcParams.channelBinding does not match the TLS channel.', {
        field: `fcParams.channelBinding.${name}`,
        seen: value,
        expected: observed[name],
      });
    }
  }
}
