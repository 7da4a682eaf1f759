import { dispatchToken, redispatchToken } from './temporal/dispatchToken.js';
import type { OperationsDependencies } from './temporal/dependencies.js';
import { readStatus } from './temporal/readStatus.js';
import { redeemToken } from './temporal/redeemToken.js';
import { startOperation } from './temporal/startOperation.js';
import { submitResponse } from './temporal/submitResponse.js';
import { watchStatus } from './temporal/watchStatus.js';

export type { DispatchOptions, DispatchTokenResponse, OperationsDependencies, StatusResponse } from './temporal/dependencies.js';

/**
 * The API's only door to the operation workflows: one typed Temporal call per HTTP call (each in
 * its own module under api/temporal/), and the mapping of workflow refusals to coded API errors
 * (api/temporal/toApiError.ts).
 */
export function createOperations(deps: OperationsDependencies) {
  return {
    start: startOperation.bind(undefined, deps),
    dispatch: dispatchToken.bind(undefined, deps),
    redispatch: redispatchToken.bind(undefined, deps),
    redeem: redeemToken.bind(undefined, deps),
    submitResponse: submitResponse.bind(undefined, deps),
    status: (sessionId: string) => readStatus(deps, sessionId),
    watchStatus: watchStatus.bind(undefined, deps),
  };
}

export type Operations = ReturnType<typeof createOperations>;
