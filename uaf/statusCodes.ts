/**
 * UAF status codes 1200–1500 (FIDO UAF Application API and Transport Binding §3.1,
 * https://fidoalliance.org/specs/fido-uaf-v1.1-ps-20170202/fido-uaf-client-api-transport-v1.1-ps-20170202.html#uaf-status-codes).
 */
export const UafStatusCode = {
  ok: 1200,
  accepted: 1202,
  badRequest: 1400,
  unauthorized: 1401,
  forbidden: 1403,
  notFound: 1404,
  requestTimeout: 1408,
  unknownAaid: 1480,
  unknownKeyId: 1481,
  channelBindingRefused: 1490,
  requestInvalid: 1491,
  unacceptableAuthenticator: 1492,
  revokedAuthenticator: 1493,
  unacceptableKey: 1494,
  unacceptableAlgorithm: 1495,
  unacceptableAttestation: 1496,
  unacceptableClientCapabilities: 1497,
  unacceptableContent: 1498,
  internalServerError: 1500,
} as const;

export type UafStatusCodeName = keyof typeof UafStatusCode;
export type UafStatusCode = (typeof UafStatusCode)[UafStatusCodeName];

/** Human names exactly as the transport binding spec spells them. */
export const uafStatusText: Readonly<Record<UafStatusCode, string>> = {
  1200: 'OK',
  1202: 'Accepted',
  1400: 'Bad Request',
  1401: 'Unauthorized',
  1403: 'Forbidden',
  1404: 'Not Found',
  1408: 'Request Timeout',
  1480: 'Unknown AAID',
  1481: 'Unknown KeyID',
  1490: 'Channel Binding Refused',
  1491: 'Request Invalid',
  1492: 'Unacceptable Authenticator',
  1493: 'Revoked Authenticator',
  1494: 'Unacceptable Key',
  1495: 'Unacceptable Algorithm',
  1496: 'Unacceptable Attestation',
  1497: 'Unacceptable Client Capabilities',
  1498: 'Unacceptable Content',
  1500: 'Internal Server Error',
};

/** True when `value` is one of the UAF status codes. Never throws. */
export function isUafStatusCode(value: unknown): value is UafStatusCode {
  return typeof value === 'number' && Object.hasOwn(uafStatusText, value);
}
