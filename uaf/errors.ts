import { UafStatusCode } from './statusCodes.js';

/**
 * Every refusal the library can produce, with the UAF status code it maps to
 * (client-api-transport §3.1; the conformance tool expects 1498 for malformed content).
 * One closed table: callers branch on `code`, never on message text.
 */
export const errorStatusCodes = {
  // TLV (UAF Authenticator Commands §4 and §5)
  tlvTruncated: UafStatusCode.unacceptableContent,
  tlvLengthExceedsInput: UafStatusCode.unacceptableContent,
  tlvTrailingBytes: UafStatusCode.unacceptableContent,
  tlvTooDeep: UafStatusCode.unacceptableContent,
  tlvUnexpectedTag: UafStatusCode.unacceptableContent,
  tlvMissingElement: UafStatusCode.unacceptableContent,
  tlvDuplicateElement: UafStatusCode.unacceptableContent,
  tlvUnexpectedElement: UafStatusCode.unacceptableContent,
  tlvInvalidValueLength: UafStatusCode.unacceptableContent,
  tlvInvalidValue: UafStatusCode.unacceptableContent,
  // Encodings
  invalidBase64url: UafStatusCode.unacceptableContent,
  invalidBase64: UafStatusCode.unacceptableContent,
  invalidUtf8: UafStatusCode.unacceptableContent,
  invalidJson: UafStatusCode.unacceptableContent,
  // JSON message shape (UAF Protocol §3)
  missingField: UafStatusCode.unacceptableContent,
  unexpectedField: UafStatusCode.unacceptableContent,
  invalidField: UafStatusCode.unacceptableContent,
  unsupportedVersion: UafStatusCode.unacceptableContent,
  operationMismatch: UafStatusCode.unacceptableContent,
  appIdMismatch: UafStatusCode.unacceptableContent,
  unsupportedAssertionScheme: UafStatusCode.unacceptableContent,
  unknownCriticalExtension: UafStatusCode.unacceptableContent,
  // serverData integrity (our session binding; UAF Protocol §3.1.3)
  serverDataInvalid: UafStatusCode.requestInvalid,
  serverDataExpired: UafStatusCode.requestInvalid,
  serverDataTooLong: UafStatusCode.internalServerError,
  // FinalChallengeParams (UAF Protocol §3.4.6.5 / §3.5.7.5)
  challengeMismatch: UafStatusCode.unacceptableContent,
  facetNotTrusted: UafStatusCode.unacceptableContent,
  channelBindingInvalid: UafStatusCode.unacceptableContent,
  channelBindingMismatch: UafStatusCode.channelBindingRefused,
  finalChallengeHashMismatch: UafStatusCode.unacceptableContent,
  // Assertion content
  unknownAaid: UafStatusCode.unknownAaid,
  unknownKeyId: UafStatusCode.unknownKeyId,
  authenticationModeInvalid: UafStatusCode.unacceptableContent,
  algorithmMismatch: UafStatusCode.unacceptableContent,
  algorithmUnsupported: UafStatusCode.unacceptableAlgorithm,
  keyEncodingMismatch: UafStatusCode.unacceptableContent,
  keyEncodingUnsupported: UafStatusCode.unacceptableKey,
  publicKeyInvalid: UafStatusCode.unacceptableKey,
  signatureInvalid: UafStatusCode.unacceptableContent,
  authenticatorVersionTooLow: UafStatusCode.unacceptableAuthenticator,
  transactionHashMismatch: UafStatusCode.unacceptableContent,
  counterNotIncreased: UafStatusCode.unauthorized,
  // Attestation (UAF Protocol §3.4.6.5 step on attestation; Metadata Statements §3)
  attestationTypeNotAllowed: UafStatusCode.unacceptableAttestation,
  attestationCertificateInvalid: UafStatusCode.unacceptableAttestation,
  attestationCertificateExpired: UafStatusCode.unacceptableAttestation,
  attestationChainUntrusted: UafStatusCode.unacceptableAttestation,
  attestationSignatureInvalid: UafStatusCode.unacceptableAttestation,
  // Policy (UAF Protocol §3.3)
  policyMismatch: UafStatusCode.unacceptableAuthenticator,
  authenticatorDisallowed: UafStatusCode.unacceptableAuthenticator,
  // Server-side configuration and arguments
  metadataInvalid: UafStatusCode.internalServerError,
  invalidArgument: UafStatusCode.internalServerError,
} as const satisfies Record<string, UafStatusCode>;

export type ErrorCode = keyof typeof errorStatusCodes;

/** Context a refusal carries: where it happened and what was seen against what was expected. No secrets. */
export interface UafErrorContext {
  /** JSON path or TLV tag name the rule looked at, e.g. `header.op` or `KEYID`. */
  field?: string;
  seen?: unknown;
  expected?: unknown;
  cause?: unknown;
}

/** Base of every error the library throws on purpose. */
export class UafError<C extends ErrorCode = ErrorCode> extends Error {
  override name = 'UafError';
  readonly code: C;
  readonly statusCode: UafStatusCode;
  readonly field: string | undefined;
  readonly seen: unknown;
  readonly expected: unknown;

  constructor(code: C, message: string, context: UafErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.code = code;
    this.statusCode = errorStatusCodes[code];
    this.field = context.field;
    this.seen = context.seen;
    this.expected = context.expected;
  }
}

type CodesOf<P extends string> = Extract<ErrorCode, `${P}${string}`>;

export type TlvErrorCode = CodesOf<'tlv'>;
/** A UAFV1TLV structure is malformed. */
export class TlvMalformed extends UafError<TlvErrorCode> {
  override name = 'TlvMalformed';
}

export type EncodingErrorCode = 'invalidBase64url' | 'invalidBase64' | 'invalidUtf8' | 'invalidJson';
/** Bytes or text in a wire encoding cannot be decoded. */
export class EncodingMalformed extends UafError<EncodingErrorCode> {
  override name = 'EncodingMalformed';
}

export type MessageErrorCode =
  | 'missingField'
  | 'unexpectedField'
  | 'invalidField'
  | 'unsupportedVersion'
  | 'operationMismatch'
  | 'appIdMismatch'
  | 'unsupportedAssertionScheme'
  | 'unknownCriticalExtension';
/** A UAF JSON message does not have the shape or header the spec requires. */
export class MessageMalformed extends UafError<MessageErrorCode> {
  override name = 'MessageMalformed';
}

export type ServerDataErrorCode = CodesOf<'serverData'>;
/** serverData is not authentic, has expired, or cannot be built. */
export class ServerDataRejected extends UafError<ServerDataErrorCode> {
  override name = 'ServerDataRejected';
}

export type FinalChallengeErrorCode =
  | 'challengeMismatch'
  | 'facetNotTrusted'
  | 'channelBindingInvalid'
  | 'channelBindingMismatch'
  | 'finalChallengeHashMismatch'
  | 'appIdMismatch';
/** FinalChallengeParams or its hash do not match what the server issued. */
export class FinalChallengeRejected extends UafError<FinalChallengeErrorCode> {
  override name = 'FinalChallengeRejected';
}

export type AssertionErrorCode =
  | 'unknownAaid'
  | 'unknownKeyId'
  | 'authenticationModeInvalid'
  | 'algorithmMismatch'
  | 'algorithmUnsupported'
  | 'keyEncodingMismatch'
  | 'keyEncodingUnsupported'
  | 'publicKeyInvalid'
  | 'signatureInvalid'
  | 'authenticatorVersionTooLow'
  | 'transactionHashMismatch'
  | 'unknownCriticalExtension';
/** An authenticator assertion is well formed but does not verify. */
export class AssertionRejected extends UafError<AssertionErrorCode> {
  override name = 'AssertionRejected';
}

export type CounterErrorCode = 'counterNotIncreased';
/** The sign counter did not increase: the authenticator may be cloned (UAF Protocol §3.5.7.5). */
export class CounterRejected extends UafError<CounterErrorCode> {
  override name = 'CounterRejected';
}

export type AttestationErrorCode = CodesOf<'attestation'>;
/** The attestation block is not acceptable under the authenticator's metadata. */
export class AttestationRejected extends UafError<AttestationErrorCode> {
  override name = 'AttestationRejected';
}

export type PolicyErrorCode = 'policyMismatch' | 'authenticatorDisallowed';
/** The authenticator does not satisfy the request policy (UAF Protocol §3.3). */
export class PolicyRejected extends UafError<PolicyErrorCode> {
  override name = 'PolicyRejected';
}

export type ConfigurationErrorCode = 'metadataInvalid' | 'invalidArgument';
/** The caller passed metadata or options the library cannot use. */
export class ConfigurationInvalid extends UafError<ConfigurationErrorCode> {
  override name = 'ConfigurationInvalid';
}

/** True when `error` is one of ours. Never throws. */
export function isUafError(error: unknown): error is UafError {
  return error instanceof UafError;
}
