import {
  buildAuthenticationRequest,
  buildChallenge,
  buildDeregistrationRequest,
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
import { createDeviceToken } from './deviceToken.js';

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

export interface VerifyResponseInput {
  operation: 'registration' | 'authentication';
  uafResponse: string;
  challenge: string;
  username?: string;
  transaction?: Transaction[];
}

const defaultLifetimeMillis = 120_000;
const keyOf = ({ aaid, keyId }: { aaid: string; keyId: string }) => `${aaid}/${keyId}`;

/** Each known authenticator as its own alternative, optionally limited to given keys. */
function policyOf(aaids: Iterable<string>, keys: Credential[] = [], disallowed: Credential[] = []): Policy {
  const accepted = keys.length
    ? keys.map(({ aaid, keyId }) => [{ aaid: [aaid], keyIDs: [keyId] }])
    : [...aaids].map((aaid) => [{ aaid: [aaid] }]);
  return {
    accepted,
    ...(disallowed.length ? { disallowed: disallowed.map(({ aaid, keyId }) => ({ aaid: [aaid], keyIDs: [keyId] })) } : {}),
  };
}

function refusal(error: unknown): VerifyResponseResult {
  if (error instanceof UafError) return { verified: false, code: error.code, message: error.message, uafStatusCode: error.statusCode };
  if (error instanceof StoreError) return { verified: false, code: error.code, message: error.message, uafStatusCode: UafStatusCode.unauthorized };
  throw error; // not a refusal: a transient fault, retried by Temporal
}

/** Issuing UAF requests and verifying UAF responses: `uaf/` decides, `store/` applies. */
export function createUafOperations(deps: UafOperationDependencies) {
  const { credentials, metadata, appId, keys } = deps;

  async function issueRequest({ workflowId, input }: { workflowId: string; input: OperationInput }): Promise<IssueRequestResult> {
    const now = deps.now();
    const lifetimeMillis = input.lifetimeMillis ?? defaultLifetimeMillis;
    const challenge = buildChallenge(deps.random);
    const header = {
      appID: appId,
      // The workflow id comes back in every response, integrity-protected: no lookup of the client's choosing.
      serverData: encodeServerData({ workflowId, exp: now.getTime() + lifetimeMillis }, keys.serverData),
      exts: [{ id: 'fidoUafSessionId', data: input.sessionId, fail_if_unknown: false }],
    };
    const userKeys = input.username ? await credentials.listForUser(input.username, appId) : [];
    let request: object;
    switch (input.operation) {
      case 'registration':
        // A key the user already has may not be registered twice (UAF Protocol §3.4.6.5 disallowed).
        request = buildRegistrationRequest({ ...header, challenge, username: input.username!, policy: policyOf(metadata.keys(), [], userKeys) });
        break;
      case 'authentication':
        if (input.username && userKeys.length === 0) {
          return { issued: false, reason: 'noCredentials', message: 'The user has no registered authenticator.', uafStatusCode: UafStatusCode.unknownKeyId };
        }
        // Step-up: only this user's keys; username-less: any known authenticator.
        request = buildAuthenticationRequest({ ...header, challenge, policy: policyOf(metadata.keys(), userKeys), transaction: input.transaction });
        break;
      case 'deregistration': {
        const removed = await credentials.removeForUser(appId, { username: input.username!, ...input.deregistration });
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
      // The policy the request announced: a key the user already has is refused again here.
      policy: policyOf(metadata.keys(), [], await credentials.listForUser(username, appId)),
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
      });
    }
    const authenticators = registered.map(({ aaid, keyID }) => ({ aaid, keyId: keyID }));
    const deviceToken = await createDeviceToken({ username, keys: authenticators.map(keyOf) }, keys.deviceToken, now);
    return { verified: true, userId: username, authenticators, deviceToken };
  }

  async function verifyAuthentication(input: VerifyResponseInput, body: unknown): Promise<VerifyResponseResult> {
    const now = deps.now();
    const response = parseAuthenticationResponse(body);
    const found = await Promise.all(response.assertions.map(({ aaid, keyID }) => credentials.find(aaid, keyID)));
    // Step-up: a key of another user is as unknown as no key at all.
    const stored = found.filter((c): c is Credential => c !== undefined && (!input.username || c.username === input.username));
    const result = verifyAuthenticationResponse({
      response,
      expectedChallenge: input.challenge,
      appID: appId,
      trustedFacetIds: deps.trustedFacetIds,
      credentials: stored.map((c) => ({ ...c, keyID: c.keyId })),
      transaction: input.transaction,
      metadata,
    });
    const credential = stored.find((c) => c.aaid === result.aaid && c.keyId === result.keyID)!;
    // Conditional write: a clone that raced the original with the same counter loses here.
    if (!(await credentials.advanceSignCounter(credential.aaid, credential.keyId, credential.signCounter, result.newSignCounter, now))) {
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
