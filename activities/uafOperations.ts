import {
  buildAuthenticationPolicy,
  buildAuthenticationRequest,
  buildChallenge,
  buildDeregistrationRequest,
  buildRegistrationPolicy,
  buildRegistrationRequest,
  encodeServerData,
  parseAuthenticationResponse,
  parseRegistrationResponse,
  UafError,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type MetadataStatement,
  type Policy,
} from '../uaf/index.js';
import type { Credential, Credentials } from '../store/credentials.js';
import { StoreError } from '../store/storeError.js';
import type {
  AuthenticatorInfo,
  FailureReason,
  OperationInput,
  ReturnUafRequest,
  Transaction,
} from '../contract/operation.js';
import { uafOpOf } from '../contract/operation.js';
import { UafStatusCode, type ErrorCode } from '../contract/errors.js';
import { createDeviceToken } from '../deviceAuth/deviceToken.js';

export interface UafOperationDependencies {
  credentials: Credentials;
  metadata: ReadonlyMap<string, MetadataStatement>;
  appId: string;
  trustedFacetIds: readonly string[];
  keys: { serverData: Uint8Array; deviceToken: Uint8Array };
  random: (length: number) => Uint8Array;
  now: () => Date;
}

export type IssueRequestResult =
  | { issued: true; returnUafRequest: ReturnUafRequest; challenge: string }
  | { issued: false; reason: Extract<FailureReason, ErrorCode>; message: string; uafStatusCode?: number };

export type VerifyResponseResult =
  | { verified: true; userId: string; authenticators: AuthenticatorInfo[]; deviceToken: string }
  | { verified: false; code: ErrorCode; message: string; uafStatusCode: number };

export interface IssueRequestInput {
  workflowId: string;
  input: OperationInput;
  /**
   * Out-of-band authentication of a known user: the user's keys as the dispatch read them
   * (sendDispatch `userKeys`), so the redeem needs no read of its own. Public identifiers only
   * (they are in the request's policy anyway). Absent: the keys are read here.
   */
  userKeys?: AuthenticatorInfo[];
}

export interface VerifyResponseInput {
  /** The operation: what this activity writes is marked with it, so a rerun recognises its own writes. */
  workflowId: string;
  operation: 'registration' | 'authentication';
  uafResponse: string;
  challenge: string;
  username?: string;
  transaction?: Transaction[];
}

const defaultLifetimeMillis = 120_000;
const keyOf = ({ aaid, keyId }: { aaid: string; keyId: string }) => `${aaid}/${keyId}`;

/**
 * The policy of a request (UAF Protocol §3.3.2), built by the `uaf/` builders from the known
 * authenticators and the user's registered keys. Issuing and verifying both call it, so the
 * response is checked against the policy the request announced: registration disallows the
 * user's keys; authentication with a user accepts only their keys (keyIDs grouped per AAID),
 * without one any known authenticator.
 */
export function requestPolicyOf(operation: 'registration' | 'authentication', aaids: Iterable<string>, userKeys: readonly AuthenticatorInfo[]): Policy {
  const accepted = [...aaids].map((aaid) => [{ aaid: [aaid] }]);
  const registered = userKeys.map(({ aaid, keyId }) => ({ aaid, keyID: keyId }));
  return operation === 'registration' ? buildRegistrationPolicy({ accepted, registered }) : buildAuthenticationPolicy({ accepted, registered });
}

/**
 * The counter this operation saw before its own write: a rerun finds its own move stored
 * (`lastOperation`) and verifies against the counter from before it, as the first run did.
 */
export function counterBefore(credential: Credential, operationId: string): number {
  return credential.lastOperation?.id === operationId ? credential.lastOperation.previousSignCounter : credential.signCounter;
}

function refusal(error: unknown): VerifyResponseResult {
  if (error instanceof UafError) return { verified: false, code: error.code, message: error.message, uafStatusCode: error.statusCode };
  if (error instanceof StoreError) return { verified: false, code: error.code, message: error.message, uafStatusCode: UafStatusCode.unauthorized };
  throw error; // not a refusal: a transient fault, retried by Temporal
}

/** Issuing UAF requests and verifying UAF responses: `uaf/` decides, `store/` applies. */
export function createUafOperations(deps: UafOperationDependencies) {
  const { credentials, metadata, appId, keys } = deps;

  /**
   * The stored credentials of the asserted keys, in one database read. With a user name the
   * user's keys (which the policy needs anyway) hold every key the response may use: a key of
   * another user is not among them, so it is as unknown as no key at all. Without one, each
   * asserted key is looked up by its id, and the policy names no user keys.
   */
  async function storedKeysOf(assertions: readonly { aaid: string; keyID: string }[], username: string | undefined) {
    if (!username) {
      const found = await Promise.all(assertions.map(({ aaid, keyID }) => credentials.find(aaid, keyID)));
      return { stored: found.filter((c): c is Credential => c !== undefined), userKeys: [] };
    }
    const userKeys = await credentials.listForUser(username, appId);
    // The same exact (AAID, KeyID) match as `find`'s lookup by id.
    const asserted = new Set(assertions.map(({ aaid, keyID }) => keyOf({ aaid, keyId: keyID })));
    return { stored: userKeys.filter((c) => asserted.has(keyOf(c))), userKeys };
  }

  /**
   * The user's keys a request's policy names. Registration reads them live (a key registered a
   * moment ago must be disallowed); authentication takes those the dispatch read, when it carries
   * any (see docs/idempotency.md, "Keys carried from dispatch to redeem"); deregistration needs none.
   */
  async function policyKeysOf({ input, userKeys }: IssueRequestInput): Promise<readonly AuthenticatorInfo[]> {
    if (!input.username || input.operation === 'deregistration') return [];
    if (input.operation === 'authentication' && userKeys && userKeys.length > 0) return userKeys;
    return credentials.listForUser(input.username, appId);
  }

  async function issueRequest(issue: IssueRequestInput): Promise<IssueRequestResult> {
    const { workflowId, input } = issue;
    const now = deps.now();
    const lifetimeMillis = input.lifetimeMillis ?? defaultLifetimeMillis;
    const challenge = buildChallenge(deps.random);
    const header = {
      appID: appId,
      // The workflow id comes back in every response, integrity-protected: no lookup of the client's choosing.
      serverData: encodeServerData({ workflowId, exp: now.getTime() + lifetimeMillis }, keys.serverData),
      exts: [{ id: 'fidoUafSessionId', data: input.sessionId, fail_if_unknown: false }],
    };
    const userKeys = await policyKeysOf(issue);
    let request: object;
    switch (input.operation) {
      case 'registration':
        // A key the user already has may not be registered twice (UAF Protocol §3.4.6.5 disallowed).
        request = buildRegistrationRequest({ ...header, challenge, username: input.username!, policy: requestPolicyOf('registration', metadata.keys(), userKeys) });
        break;
      case 'authentication':
        if (input.username && userKeys.length === 0) {
          return { issued: false, reason: 'noCredentials', message: 'The user has no registered authenticator.', uafStatusCode: UafStatusCode.unknownKeyId };
        }
        // Step-up: only this user's keys; username-less: any known authenticator.
        request = buildAuthenticationRequest({ ...header, challenge, policy: requestPolicyOf('authentication', metadata.keys(), userKeys), transaction: input.transaction });
        break;
      case 'deregistration': {
        // Recorded under the workflow id: a rerun answers the same keys although they are gone by then.
        const removed = await credentials.removeForOperation(workflowId, appId, { username: input.username!, ...input.deregistration }, now);
        if (removed.length === 0) {
          return { issued: false, reason: 'noCredentials', message: 'No registered authenticator matches.', uafStatusCode: UafStatusCode.unknownKeyId };
        }
        request = buildDeregistrationRequest({ ...header, authenticators: removed.map(({ aaid, keyId }) => ({ aaid, keyID: keyId })) });
        break;
      }
    }
    const returnUafRequest = { statusCode: UafStatusCode.ok, op: uafOpOf[input.operation], uafRequest: JSON.stringify([request]), lifetimeMillis };
    return { issued: true, returnUafRequest, challenge };
  }

  async function verifyRegistration(input: VerifyResponseInput, body: unknown): Promise<VerifyResponseResult> {
    const now = deps.now();
    const response = parseRegistrationResponse(body);
    const username = input.username!;
    const { credentials: registered } = verifyRegistrationResponse({
      response,
      expectedChallenge: input.challenge,
      appID: appId,
      trustedFacetIds: deps.trustedFacetIds,
      metadata,
      // The policy the request announced: a key the user already has is refused again here. This
      // operation's own keys (inserted by an earlier run of this activity) were not there then.
      policy: requestPolicyOf('registration', metadata.keys(), (await credentials.listForUser(username, appId)).filter((c) => c.createdBy !== input.workflowId)),
      now,
    });
    for (const credential of registered) {
      await credentials.add({
        username,
        appId,
        aaid: credential.aaid,
        keyId: credential.keyID,
        publicKey: credential.publicKey,
        publicKeyAlgAndEncoding: credential.publicKeyAlgAndEncoding,
        authenticationAlgorithm: credential.authenticationAlgorithm,
        signCounter: credential.signCounter,
        attestationType: credential.attestationType,
        createdAt: now,
        createdBy: input.workflowId,
      });
    }
    const authenticators = registered.map(({ aaid, keyID }) => ({ aaid, keyId: keyID }));
    const deviceToken = await createDeviceToken({ username, keys: authenticators.map(keyOf) }, keys.deviceToken, now);
    return { verified: true, userId: username, authenticators, deviceToken };
  }

  async function verifyAuthentication(input: VerifyResponseInput, body: unknown): Promise<VerifyResponseResult> {
    const now = deps.now();
    const response = parseAuthenticationResponse(body);
    const { stored, userKeys } = await storedKeysOf(response.assertions, input.username);
    const result = verifyAuthenticationResponse({
      response,
      expectedChallenge: input.challenge,
      appID: appId,
      trustedFacetIds: deps.trustedFacetIds,
      credentials: stored.map((c) => ({ ...c, keyID: c.keyId, signCounter: counterBefore(c, input.workflowId) })),
      transaction: input.transaction,
      policy: requestPolicyOf('authentication', metadata.keys(), userKeys),
      metadata,
    });
    const credential = stored.find((c) => c.aaid === result.aaid && c.keyId === result.keyID)!;
    const move = { seen: counterBefore(credential, input.workflowId), next: result.newSignCounter, operationId: input.workflowId };
    // Conditional write: a clone that raced the original with the same counter loses here; this
    // operation's own earlier write (a rerun) is recognised by `lastOperation`.
    if (!(await credentials.advanceSignCounter(credential.aaid, credential.keyId, move, now))) {
      return { verified: false, code: 'counterNotIncreased', message: 'The sign counter moved concurrently.', uafStatusCode: UafStatusCode.unauthorized };
    }
    const authenticators = [{ aaid: result.aaid, keyId: result.keyID }];
    const deviceToken = await createDeviceToken({ username: credential.username, keys: authenticators.map(keyOf) }, keys.deviceToken, now);
    return { verified: true, userId: credential.username, authenticators, deviceToken };
  }

  async function verifyResponse(input: VerifyResponseInput): Promise<VerifyResponseResult> {
    try {
      const body = JSON.parse(input.uafResponse) as unknown;
      return input.operation === 'registration' ? await verifyRegistration(input, body) : await verifyAuthentication(input, body);
    } catch (error) {
      if (error instanceof SyntaxError) return { verified: false, code: 'invalidJson', message: 'uafResponse is not JSON.', uafStatusCode: UafStatusCode.unacceptableContent };
      return refusal(error);
    }
  }

  return { issueRequest, verifyResponse };
}
