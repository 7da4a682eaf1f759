// The server side of a round trip with the simulated phone, built only from `uaf/` builders
// and verifiers: what the activities will do, minus storage. Shared by the device tests,
// test/unit/roundTrip.test.ts and bench/uafVerify.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAuthenticator, type AuthenticatorOptions } from '../../../device/authenticator/createAuthenticator.js';
import { createUafClient, type UafClientOptions } from '../../../device/client/createUafClient.js';
import { testAuthenticatorProfile } from '../../../device/testAuthenticators.js';
import { parseAuthenticationResponse } from '../../../uaf/authentication/parseAuthenticationResponse.js';
import {
  verifyAuthenticationResponse,
  type StoredCredential,
  type VerifyAuthenticationResponseResult,
} from '../../../uaf/authentication/verifyAuthenticationResponse.js';
import { parseMetadataStatement, type MetadataStatement } from '../../../uaf/metadata/parseMetadataStatement.js';
import { buildAuthenticationPolicy } from '../../../uaf/policy/buildAuthenticationPolicy.js';
import { buildRegistrationPolicy } from '../../../uaf/policy/buildRegistrationPolicy.js';
import type { AuthenticationRequest, RegistrationRequest, Transaction, TrustedFacetList } from '../../../uaf/protocolTypes.js';
import { parseRegistrationResponse } from '../../../uaf/registration/parseRegistrationResponse.js';
import {
  verifyRegistrationResponse,
  type VerifyRegistrationResponseResult,
} from '../../../uaf/registration/verifyRegistrationResponse.js';
import { buildAuthenticationRequest } from '../../../uaf/request/buildAuthenticationRequest.js';
import { buildChallenge } from '../../../uaf/request/buildChallenge.js';
import { buildRegistrationRequest } from '../../../uaf/request/buildRegistrationRequest.js';
import { buildTransaction } from '../../../uaf/request/buildTransaction.js';

export const appID = 'https://outband.test/nevisfido/uaf/1.1/facets';
export const facetID = 'android:apk-key-hash:T3V0YmFuZCB0ZXN0IGFwcA';
export const trustedFacetIds = ['https://outband.test', facetID];
/** Inside the validity of the test attestation CA (2026-01-01 → 2046-01-01). */
export const now = new Date('2026-11-22T12:00:00Z');

const random = (length: number): Uint8Array => crypto.getRandomValues(new Uint8Array(length));

/** The statements the project ships in metadata/ (the server's default UAF_METADATA_DIR). */
export const metadata: ReadonlyMap<string, MetadataStatement> = (() => {
  const directory = fileURLToPath(new URL('../../../metadata/', import.meta.url));
  const statements = readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => parseMetadataStatement(JSON.parse(readFileSync(`${directory}${name}`, 'utf8'))));
  return new Map(statements.map((statement) => [statement.aaid, statement]));
})();

const facetList: TrustedFacetList = { trustedFacets: [{ version: { major: 1, minor: 1 }, ids: trustedFacetIds }] };

/** Serves the trusted facet list at the AppID, as GET /nevisfido/uaf/1.1/facets does. */
export const facetsFetch: typeof fetch = async (input) =>
  String(input) === appID
    ? new Response(JSON.stringify(facetList), { headers: { 'content-type': 'application/fido.trusted-apps+json' } })
    : new Response('not found', { status: 404 });

export interface Phone {
  readonly authenticator: ReturnType<typeof createAuthenticator>;
  readonly client: ReturnType<typeof createUafClient>;
}

/** A phone with one test authenticator of `aaid`. */
export function createPhone(
  aaid: string,
  options: Omit<AuthenticatorOptions, 'profile'> = {},
  clientOptions: Partial<UafClientOptions> = {},
): Phone {
  const authenticator = createAuthenticator({ profile: testAuthenticatorProfile(aaid), ...options });
  const client = createUafClient({ facetID, authenticators: [authenticator], fetch: facetsFetch, ...clientOptions });
  return { authenticator, client };
}

export interface RegistrationRound {
  readonly request: RegistrationRequest;
  readonly uafRequest: string;
  verify(uafResponse: string): VerifyRegistrationResponseResult;
}

/** Issues a RegistrationRequest for `username` accepting only `aaid`, and verifies the answer. */
export function registrationRound(username: string, aaid: string): RegistrationRound {
  const challenge = buildChallenge(random);
  const policy = buildRegistrationPolicy({ accepted: [[{ aaid: [aaid] }]] });
  const request = buildRegistrationRequest({ appID, challenge, username, policy });
  return {
    request,
    uafRequest: JSON.stringify([request]),
    verify: (uafResponse) =>
      verifyRegistrationResponse({
        response: parseRegistrationResponse(uafResponse),
        metadata,
        policy,
        now,
        expectedChallenge: challenge,
        appID,
        trustedFacetIds,
      }),
  };
}

export interface AuthenticationRound {
  readonly request: AuthenticationRequest;
  readonly uafRequest: string;
  readonly transaction: Transaction | undefined;
  verify(uafResponse: string): VerifyAuthenticationResponseResult;
}

/** Issues an AuthenticationRequest naming the credential's key (step-up), with an optional text/plain transaction. */
export function authenticationRound(credential: StoredCredential, transactionText?: string): AuthenticationRound {
  const challenge = buildChallenge(random);
  const policy = buildAuthenticationPolicy({ registered: [credential] });
  const transaction = transactionText === undefined ? undefined : buildTransaction(transactionText);
  const request = buildAuthenticationRequest({ appID, challenge, policy, ...(transaction && { transaction: [transaction] }) });
  return {
    request,
    uafRequest: JSON.stringify([request]),
    transaction,
    verify: (uafResponse) =>
      verifyAuthenticationResponse({
        response: parseAuthenticationResponse(uafResponse),
        credentials: [credential],
        ...(transaction && { transaction }),
        policy,
        metadata,
        expectedChallenge: challenge,
        appID,
        trustedFacetIds,
      }),
  };
}

/** Registers `username` on the phone and returns the credential the server would store. */
export async function registerPhone(phone: Phone, username: string): Promise<StoredCredential> {
  const round = registrationRound(username, phone.authenticator.aaid);
  const [credential] = round.verify(await phone.client.register(round.uafRequest)).credentials;
  if (credential === undefined) throw new Error('the registration produced no credential');
  return credential;
}
