import { parseAuthenticationAssertion, type AuthenticationAssertion } from '../assertion/parseAuthenticationAssertion.js';
import { parseUafResponse, type ParseResponseOptions, type ParsedUafResponse } from '../response/parseUafResponse.js';

export type ParsedAuthenticationResponse = ParsedUafResponse<AuthenticationAssertion, 'Auth'>;

/**
 * Checks the shape of an AuthenticationResponse message (UAF Protocol §3.5.5) and decodes its
 * fcParams and assertions, so the server can look up each assertion's credential by `aaid` and
 * `keyID`. `body` is the message array or its JSON text. Verifies nothing cryptographic.
 */
export function parseAuthenticationResponse(body: unknown, options?: ParseResponseOptions): ParsedAuthenticationResponse {
  return parseUafResponse(body, 'Auth', parseAuthenticationAssertion, options);
}
