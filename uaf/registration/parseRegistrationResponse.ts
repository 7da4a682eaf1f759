import { parseRegistrationAssertion, type RegistrationAssertion } from '../assertion/parseRegistrationAssertion.js';
import { parseUafResponse, type ParseResponseOptions, type ParsedUafResponse } from '../response/parseUafResponse.js';

export type ParsedRegistrationResponse = ParsedUafResponse<RegistrationAssertion, 'Reg'>;

/**
 * Checks the shape of a RegistrationResponse message (UAF Protocol §3.4.5) and decodes its
 * fcParams and assertions, so the server can look up metadata by each assertion's `aaid`.
 * `body` is the message array or its JSON text. Verifies nothing cryptographic.
 */
export function parseRegistrationResponse(body: unknown, options?: ParseResponseOptions): ParsedRegistrationResponse {
  return parseUafResponse(body, 'Reg', parseRegistrationAssertion, options);
}
