/**
 * What the phone reports when it does not answer a UAF request: the UAF client error code
 * (FIDO UAF Application API §3.1.2 ErrorCode, the `clientErrorCode` of a nevisFIDO status)
 * and, when an authenticator refused, the ASM status code (FIDO UAF ASM API §3.1).
 * Callers branch on `code`; the numbers are what goes on the wire.
 */
export const clientErrorCodes = {
  userCancelled: 0x03,
  unsupportedVersion: 0x04,
  noSuitableAuthenticator: 0x05,
  protocolError: 0x06,
  untrustedFacetId: 0x07,
  invalidTransactionContent: 0x0d,
  unknown: 0xff,
} as const;

export type DeviceErrorCode = keyof typeof clientErrorCodes;

/** ASM status codes (ASM API §3.1) the simulated authenticators produce. */
export const AsmStatusCode = {
  ok: 0x00,
  error: 0x01,
  accessDenied: 0x02,
  userCancelled: 0x03,
  cannotRenderTransactionContent: 0x04,
  keyDisappearedPermanently: 0x09,
} as const;
export type AsmStatusCode = (typeof AsmStatusCode)[keyof typeof AsmStatusCode];

export interface DeviceErrorContext {
  asmStatusCode?: AsmStatusCode;
  cause?: unknown;
}

/** The one error class of `device/`: the phone refused or could not process a request. */
export class DeviceError extends Error {
  override name = 'DeviceError';
  readonly code: DeviceErrorCode;
  readonly clientErrorCode: number;
  readonly asmStatusCode: AsmStatusCode | undefined;

  constructor(code: DeviceErrorCode, message: string, context: DeviceErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.code = code;
    this.clientErrorCode = clientErrorCodes[code];
    this.asmStatusCode = context.asmStatusCode;
  }
}

/** Why an out-of-band input (push data, QR image, deep link) could not be read. */
export type OutOfBandErrorCode = 'imageInvalid' | 'qrCodeNotFound' | 'payloadInvalid' | 'decryptionFailed' | 'linkInvalid';

/** A push payload, QR code or deep link the phone cannot read. Never carries the token. */
export class OutOfBandInputInvalid extends Error {
  override name = 'OutOfBandInputInvalid';
  readonly code: OutOfBandErrorCode;

  constructor(code: OutOfBandErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}

/**
 * The server answered the phone with an HTTP error. `code` is the server's camelCase `error`
 * (API.md: `tokenNotFound`, `tokenExpired`, …), not one of ours; `statusCode` the UAF code if any.
 */
export class ServerRefused extends Error {
  override name = 'ServerRefused';
  readonly code: string;
  readonly httpStatus: number;
  readonly statusCode: number | undefined;

  constructor(httpStatus: number, code: string, statusCode: number | undefined, message: string) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
    this.statusCode = statusCode;
  }
}
