import { ApiError } from '../apiError.js';
import type { StatusCache } from './statusCache.js';

/**
 * Runs a call that may change an operation, then has the operation's cached status refreshed at
 * once (in the background: the call's answer does not wait for it), so that a status read after
 * this answer sees the change (statusCache.ts `changed`). After a refusal too: a refused update
 * may still have moved the operation (a wrong number pick fails it). Not after a 503: Temporal did
 * not answer, and a describe now would most likely not either.
 */
export async function refreshingStatusOf<T>(statusCache: Pick<StatusCache, 'changed'>, workflowId: string, call: () => Promise<T>): Promise<T> {
  try {
    const answer = await call();
    statusCache.changed(workflowId);
    return answer;
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'serviceUnavailable')) statusCache.changed(workflowId);
    throw error;
  }
}
