/**
 * JSON dictionaries of the FIDO UAF 1.1 protocol, named as in the spec.
 * Protocol: https://fidoalliance.org/specs/fido-uaf-v1.1-ps-20170202/fido-uaf-protocol-v1.1-ps-20170202.html
 * Transport: https://fidoalliance.org/specs/fido-uaf-v1.1-ps-20170202/fido-uaf-client-api-transport-v1.1-ps-20170202.html
 * AppID and facets: https://fidoalliance.org/specs/fido-uaf-v1.1-ps-20170202/fido-appid-and-facets-v1.1-ps-20170202.html
 */

/** Protocol §3.1.1 Version. */
export interface Version {
  major: number;
  minor: number;
}

/** Protocol §3.1.2 Operation. Case-sensitive. */
export type Operation = 'Reg' | 'Auth' | 'Dereg';

/** Protocol §3.2 Extension. `data` is base64url. */
export interface Extension {
  id: string;
  data: string;
  fail_if_unknown: boolean;
}

/** Protocol §3.1.3 OperationHeader. */
export interface OperationHeader {
  upv: Version;
  op: Operation;
  appID?: string;
  serverData?: string;
  exts?: Extension[];
}

/** Protocol §3.3.1 MatchCriteria. Numeric fields are bit fields of the FIDO Registry. */
export interface MatchCriteria {
  aaid?: string[];
  vendorID?: string[];
  keyIDs?: string[];
  userVerification?: number;
  keyProtection?: number;
  matcherProtection?: number;
  attachmentHint?: number;
  tcDisplay?: number;
  authenticationAlgorithms?: number[];
  assertionSchemes?: string[];
  attestationTypes?: number[];
  authenticatorVersion?: number;
  exts?: Extension[];
}

/** Protocol §3.3.2 Policy: `accepted` holds alternatives, each a set of criteria that all apply. */
export interface Policy {
  accepted: MatchCriteria[][];
  disallowed?: MatchCriteria[];
}

/** Protocol §3.4.1 RegistrationRequest. */
export interface RegistrationRequest {
  header: OperationHeader & { op: 'Reg' };
  challenge: string;
  username: string;
  policy: Policy;
}

/** Protocol §3.5.1 Transaction. `content` is base64url. */
export interface Transaction {
  contentType: string;
  content: string;
  tcDisplayPNGCharacteristics?: DisplayPNGCharacteristicsDescriptor;
}

/** Metadata Statements §3.6 rgbPaletteEntry. */
export interface RgbPaletteEntry {
  r: number;
  g: number;
  b: number;
}

/** Metadata Statements §3.7 DisplayPNGCharacteristicsDescriptor. */
export interface DisplayPNGCharacteristicsDescriptor {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  compression: number;
  filter: number;
  interlace: number;
  plte?: RgbPaletteEntry[];
}

/** Protocol §3.5.2 AuthenticationRequest. */
export interface AuthenticationRequest {
  header: OperationHeader & { op: 'Auth' };
  challenge: string;
  transaction?: Transaction[];
  policy: Policy;
}

/** Protocol §3.6.1 DeregisterAuthenticator. Empty strings widen the scope (all keys of an AAID, or all). */
export interface DeregisterAuthenticator {
  aaid: string;
  keyID: string;
}

/** Protocol §3.6.2 DeregistrationRequest. There is no response message. */
export interface DeregistrationRequest {
  header: OperationHeader & { op: 'Dereg' };
  authenticators: DeregisterAuthenticator[];
}

/** Protocol §3.2.3 ChannelBinding. `{}` is valid; the object itself is required. */
export interface ChannelBinding {
  serverEndPoint?: string;
  tlsServerCertificate?: string;
  tlsUnique?: string;
  cid_pubkey?: string;
}

/** Protocol §3.2.2 FinalChallengeParams; its JSON, base64url-encoded, is `fcParams`. */
export interface FinalChallengeParams {
  appID: string;
  challenge: string;
  facetID: string;
  channelBinding: ChannelBinding;
}

/** Protocol §3.4.4 AuthenticatorRegistrationAssertion. `assertion` is base64url UAFV1TLV. */
export interface AuthenticatorRegistrationAssertion {
  assertionScheme: string;
  assertion: string;
  tcDisplayPNGCharacteristics?: DisplayPNGCharacteristicsDescriptor[];
  exts?: Extension[];
}

/** Protocol §3.4.5 RegistrationResponse. */
export interface RegistrationResponse {
  header: OperationHeader & { op: 'Reg' };
  fcParams: string;
  assertions: AuthenticatorRegistrationAssertion[];
}

/** Protocol §3.5.4 AuthenticatorSignAssertion. */
export interface AuthenticatorSignAssertion {
  assertionScheme: string;
  assertion: string;
  exts?: Extension[];
}

/** Protocol §3.5.5 AuthenticationResponse. */
export interface AuthenticationResponse {
  header: OperationHeader & { op: 'Auth' };
  fcParams: string;
  assertions: AuthenticatorSignAssertion[];
}

/** A UAF message on the wire is an array with one entry per protocol version (Protocol §3). */
export type UafMessage<T> = T[];

/** AppID and Facets §3.1.2 TrustedFacets: one entry per protocol version. */
export interface TrustedFacets {
  version: Version;
  ids: string[];
}

/** AppID and Facets §3.1.2 TrustedFacetList, the document served at the AppID URL. */
export interface TrustedFacetList {
  trustedFacets: TrustedFacets[];
}

/** Transport §4.1 token types. */
export type TokenType = 'HTTP_COOKIE' | 'OAUTH' | 'OAUTH2' | 'SAML1_1' | 'SAML2' | 'JWT' | 'OPENID_CONNECT';

/** Transport §4.2 Token. */
export interface Token {
  type: TokenType;
  value: string;
}

/** Transport §4.3.1 GetUAFRequest. `context` is stringified JSON. */
export interface GetUAFRequest {
  op?: Operation;
  previousRequest?: string;
  context?: string;
}

/** Transport §4.3.2 ReturnUAFRequest. `uafRequest` is a stringified message array. */
export interface ReturnUAFRequest {
  statusCode: number;
  uafRequest?: string;
  op?: Operation;
  lifetimeMillis?: number;
}

/** Transport §4.3.3 SendUAFResponse. */
export interface SendUAFResponse {
  uafResponse: string;
  context?: string;
}

/** Transport §4.3.4 ServerResponse. */
export interface ServerResponse {
  statusCode: number;
  description?: string;
  additionalTokens?: Token[];
  location?: string;
  postData?: string;
  newUAFRequest?: string;
}
