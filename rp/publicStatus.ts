import type { StatusResponse } from './createOutbandClient.js';

/** What the browser needs of a status: no user id, authenticator ids or token details. */
export function publicStatus(status: StatusResponse): Pick<StatusResponse, 'status' | 'failureReason' | 'clientErrorCode'> {
  return {
    status: status.status,
    ...(status.failureReason && { failureReason: status.failureReason }),
    ...(status.clientErrorCode !== undefined && { clientErrorCode: status.clientErrorCode }),
  };
}
