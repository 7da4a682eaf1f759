import type { StatusResponse } from './operations.js';

/**
 * What `POST /nevisfido/status` and its event stream may show: the status without
 * `tokenInformation.dispatcherInformation.response`. For `link`, `png-qr-code` and
 * `link-png-qr-code` that response holds the redeemable token, and a session id is all a status
 * caller needs, so anyone who learnt a session id could otherwise redeem the token (issue 9,
 * finding 3). The dispatcher's `name` stays; the relying party got the response from its dispatch
 * call.
 */
export function publicStatusOf(status: StatusResponse): StatusResponse {
  const information = status.tokenInformation?.dispatcherInformation;
  if (information === undefined) return status;
  return { ...status, tokenInformation: { ...status.tokenInformation, dispatcherInformation: { name: information.name } } };
}
