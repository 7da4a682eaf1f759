import * as base64url from '../../uaf/encoding/base64url.js';
import * as utf8 from '../../uaf/encoding/utf8.js';
import type {
  AuthenticationRequest,
  AuthenticationResponse,
  AuthenticatorRegistrationAssertion,
  ChannelBinding,
  DeregistrationRequest,
  FinalChallengeParams,
  OperationHeader,
  RegistrationRequest,
  RegistrationResponse,
  Transaction,
  TrustedFacetList,
} from '../../uaf/protocolTypes.js';
import { assertionSchemeUafV1Tlv, mediaTypes, uafProtocolVersion } from '../../uaf/registry.js';
import type { Authenticator } from '../authenticator/createAuthenticator.js';
import { DeviceError } from '../errors.js';
import { matchPolicy, type PolicyChoice, type PolicyOperation } from './matchPolicy.js';

export interface UafClientOptions {
  /** The calling app's facet ID (`android:apk-key-hash:…`, `ios:bundle-id:…` or a web origin). */
  readonly facetID: string;
  readonly authenticators: readonly Authenticator[];
  /** Fetches the AppID's trusted facet list. Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Sent in FinalChallengeParams. Default `{}` (no TLS data to report). */
  readonly channelBinding?: ChannelBinding;
}

export interface ClientOperationOptions {
  /** Picks whose key signs when several users are registered at the AppID. */
  readonly username?: string;
}

/** The UAF client of the simulated phone: UAF requests in, UAF response strings out. */
export interface UafClient {
  /** Answers a RegistrationRequest message array; returns the `uafResponse` string. */
  register(uafRequest: string): Promise<string>;
  /** Answers an AuthenticationRequest message array (with or without a transaction). */
  authenticate(uafRequest: string, options?: ClientOperationOptions): Promise<string>;
  /** Applies a DeregistrationRequest (there is no response); returns how many keys were dropped. */
  deregister(uafRequest: string): Promise<number>;
  /** The AppID and FinalChallengeParams the last operation sent, for a test to tamper with. */
  readonly lastFinalChallengeParams: FinalChallengeParams | undefined;
}

type UafRequest = RegistrationRequest | AuthenticationRequest | DeregistrationRequest;

function protocolError(message: string, cause?: unknown): DeviceError {
  return new DeviceError('protocolError', message, { cause });
}

/** Parses a UAF message array and picks the upv 1.1 entry (UAF Protocol §3: one entry per version). */
function pickRequest<T extends UafRequest>(uafRequest: string, op: T['header']['op']): T {
  let messages: unknown;
  try {
    messages = JSON.parse(uafRequest);
  } catch (cause) {
    throw protocolError('The UAF request is not JSON.', cause);
  }
  if (!Array.isArray(messages)) throw protocolError('A UAF request is an array of messages.');
  const message = (messages as Partial<UafRequest>[]).find(
    (candidate) =>
      candidate?.header?.upv?.major === uafProtocolVersion.major && candidate.header.upv.minor === uafProtocolVersion.minor,
  );
  if (message === undefined) throw new DeviceError('unsupportedVersion', 'The UAF request has no upv 1.1 message.');
  if (message.header?.op !== op) throw protocolError(`Expected a "${op}" message, got "${String(message.header?.op)}".`);
  return message as T;
}

/** A UAF response array holding one message, as SendUAFResponse.uafResponse carries it. */
const encodeResponse = (message: RegistrationResponse | AuthenticationResponse): string => JSON.stringify([message]);

export function createUafClient(options: UafClientOptions): UafClient {
  const fetchFacets = options.fetch ?? globalThis.fetch;
  const channelBinding = options.channelBinding ?? {};
  let lastFinalChallengeParams: FinalChallengeParams | undefined;

  /**
   * The AppID to put in fcParams: the facet ID when the header has none, else the header's,
   * after checking that its trusted facet list names this facet (AppID and Facets §3.1.2).
   */
  async function resolveAppId(header: OperationHeader): Promise<string> {
    const appID = header.appID ?? '';
    if (appID === '' || appID === options.facetID) return options.facetID;
    let list: TrustedFacetList;
    try {
      const response = await fetchFacets(appID, { headers: { accept: mediaTypes.trustedFacets }, redirect: 'error' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      list = (await response.json()) as TrustedFacetList;
    } catch (cause) {
      throw new DeviceError('untrustedFacetId', `The trusted facet list at ${appID} could not be read.`, { cause });
    }
    const entry = list.trustedFacets?.find(
      ({ version }) => version?.major === uafProtocolVersion.major && version.minor === uafProtocolVersion.minor,
    );
    if (!entry?.ids?.includes(options.facetID)) {
      throw new DeviceError('untrustedFacetId', `Facet ${options.facetID} is not trusted by ${appID}.`);
    }
    return appID;
  }

  /** fcParams as sent, and FCHash = SHA-256 over that very string (UAF Protocol §3.4.6.5). */
  async function finalChallenge(appID: string, challenge: string): Promise<{ fcParams: string; hash: Uint8Array }> {
    const params: FinalChallengeParams = { appID, challenge, facetID: options.facetID, channelBinding };
    lastFinalChallengeParams = params;
    const fcParams = base64url.encode(utf8.encode(JSON.stringify(params)));
    return { fcParams, hash: new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(fcParams))) };
  }

  function choose(request: RegistrationRequest | AuthenticationRequest, appID: string, op: PolicyOperation): PolicyChoice[] {
    const choices = matchPolicy(request.policy, options.authenticators, appID, op);
    if (choices === undefined) throw new DeviceError('noSuitableAuthenticator', 'No authenticator satisfies the request policy.');
    return choices;
  }

  /** The transaction an authenticator can show: the first whose content type it displays. */
  function transactionFor(request: AuthenticationRequest, authenticator: Authenticator): Transaction | undefined {
    const transactions = request.transaction ?? [];
    return transactions.find(({ contentType }) => contentType === authenticator.profile.metadataStatement.tcDisplayContentType) ?? transactions[0];
  }

  return {
    get lastFinalChallengeParams() {
      return lastFinalChallengeParams;
    },

    async register(uafRequest) {
      const request = pickRequest<RegistrationRequest>(uafRequest, 'Reg');
      const appID = await resolveAppId(request.header);
      const { fcParams, hash } = await finalChallenge(appID, request.challenge);
      const assertions: AuthenticatorRegistrationAssertion[] = [];
      for (const { authenticator } of choose(request, appID, 'Reg')) {
        const assertion = await authenticator.register({ appID, username: request.username, finalChallengeHash: hash });
        assertions.push({ assertionScheme: assertionSchemeUafV1Tlv, assertion: base64url.encode(assertion) });
      }
      return encodeResponse({ header: request.header, fcParams, assertions });
    },

    async authenticate(uafRequest, operationOptions = {}) {
      const request = pickRequest<AuthenticationRequest>(uafRequest, 'Auth');
      const appID = await resolveAppId(request.header);
      const { fcParams, hash } = await finalChallenge(appID, request.challenge);
      const assertions: AuthenticationResponse['assertions'] = [];
      for (const { authenticator, keyIDs } of choose(request, appID, 'Auth')) {
        const transaction = transactionFor(request, authenticator);
        const { assertion } = await authenticator.sign({
          appID,
          finalChallengeHash: hash,
          keyIDs,
          ...(operationOptions.username === undefined ? {} : { username: operationOptions.username }),
          ...(transaction === undefined ? {} : { transaction }),
        });
        assertions.push({ assertionScheme: assertionSchemeUafV1Tlv, assertion: base64url.encode(assertion) });
      }
      return encodeResponse({ header: request.header, fcParams, assertions });
    },

    async deregister(uafRequest) {
      const request = pickRequest<DeregistrationRequest>(uafRequest, 'Dereg');
      const appID = await resolveAppId(request.header);
      let removed = 0;
      // {aaid: "", keyID: ""} drops every key of the AppID; {aaid: A, keyID: ""} every key of A (UAF Protocol §3.6).
      for (const { aaid, keyID } of request.authenticators ?? []) {
        for (const authenticator of options.authenticators) {
          if (aaid === '' || aaid === authenticator.aaid) removed += authenticator.deregister(appID, keyID);
        }
      }
      return removed;
    },
  };
}
