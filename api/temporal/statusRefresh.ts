import type { StatusAfter } from '../../contract/operation.js';
import { ApiError } from '../apiError.js';
import { toStatusResponse } from './readStatus.js';
import type { StatusCache } from './statusCache.js';

/** An update's answer as the API's caller gets it: without the status it carried for the cache. */
export type WithoutStatus<T> = T extends StatusAfter ? Omit<T, 'statusAfter'> : T;

/**
 * Runs a call that may change an operation and keeps the operation's cached status current, so
 * that a status read after this answer sees the change:
 * - an answer that carries the status it left (`statusAfter`, contract/operation.ts) is cached as
 *   it is (statusCache.ts `put`), without asking Temporal, and stripped from what the caller gets;
 * - any other outcome (a denial's empty answer, a refusal, an answer of a workflow started by an
 *   older version) has the status refreshed at once, in the background (statusCache.ts `changed`):
 *   a refused update may still have moved the operation (a wrong number pick fails it).
 * Not after a 503: Temporal did not answer, and a describe now would most likely not either.
 */
export async function refreshingStatusOf<T>(statusCache: Pick<StatusCache, 'changed' | 'put'>, workflowId: string, call: () => Promise<T>): Promise<WithoutStatus<T>> {
  let answer: T;
  try {
    answer = await call();
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'serviceUnavailable')) statusCache.changed(workflowId);
    throw error;
  }
  if (!carriesStatus(answer)) {
    statusCache.changed(workflowId);
    return answer as WithoutStatus<T>;
  }
  const { statusAfter, ...rest } = answer;
  statusCache.put(workflowId, toStatusResponse(statusAfter));
  return rest as WithoutStatus<T>;
}

function carriesStatus(answer: unknown): answer is Required<StatusAfter> {
  return typeof answer === 'object' && answer !== null && (answer as StatusAfter).statusAfter !== undefined;
}
