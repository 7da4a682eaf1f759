// Why a dispatch failed. Callers branch on `code`; the provider's own error stays in `cause`.
// Messages are human sentences that never hold a token, a push address or payload data.

export type DispatchFailureCode =
  /** The target has no provider address (FCM registration token). */
  | 'targetMissing'
  /** The dispatcher demands end-to-end encryption and the target has no `encryptionKey`. */
  | 'encryptionKeyMissing'
  /** The `encryptionKey` is not a public EC or RSA encryption JWK. */
  | 'encryptionKeyInvalid'
  /** The payload does not fit the channel (QR code capacity). */
  | 'payloadTooLarge'
  /** The provider says the address is no longer registered (FCM `UNREGISTERED`). */
  | 'targetUnregistered'
  /** The provider says the address was never valid. */
  | 'targetInvalid'
  /** The provider did not answer within the bound. */
  | 'providerTimeout'
  /** The provider failed on its side or could not be reached (5xx, network). */
  | 'providerUnavailable'
  /** The provider refused the request (4xx other than the above: credentials, quota, argument). */
  | 'providerRejected';

/** Codes after which the target's address must not be used again. */
const deadTargetCodes: ReadonlySet<DispatchFailureCode> = new Set(['targetUnregistered', 'targetInvalid']);

export class DispatchFailed extends Error {
  override name = 'DispatchFailed';
  readonly code: DispatchFailureCode;

  constructor(code: DispatchFailureCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }

  /** True when the target's address is dead for good (the activity marks the target). */
  get targetDead(): boolean {
    return deadTargetCodes.has(this.code);
  }
}

/** The provider did not answer within `timeoutMs` (as jose's JWKSTimeout). */
export class DispatchTimeout extends DispatchFailed {
  override name = 'DispatchTimeout';
  readonly timeoutMs: number;

  constructor(dispatcher: string, timeoutMs: number) {
    super('providerTimeout', `${dispatcher} did not answer within ${timeoutMs} ms.`);
    this.timeoutMs = timeoutMs;
  }
}
