import type { DispatchOutcome } from './dispatcher.js';
import { DispatchFailed } from './errors.js';

/** The default error mapping: our own failures pass through, anything else is unexpected. */
function asDispatchFailed(error: unknown): DispatchFailed {
  return error instanceof DispatchFailed ? error : new DispatchFailed('providerUnavailable', 'The dispatch failed unexpectedly.', error);
}

/**
 * Runs one dispatch attempt and turns it into an outcome, so a dispatcher never throws:
 * `send` resolves with the `dispatcherInformation.response`, a failure goes through the
 * dispatcher's one error-mapping function.
 */
export async function settleDispatch(
  name: string,
  send: () => Promise<string | undefined>,
  identifyError: (error: unknown) => DispatchFailed = asDispatchFailed,
): Promise<DispatchOutcome> {
  try {
    const response = await send();
    return { dispatchResult: 'dispatched', dispatcherInformation: { name, ...(response !== undefined && { response }) }, targetDead: false };
  } catch (error) {
    const failure = identifyError(error);
    return { dispatchResult: 'dispatchError', dispatcherInformation: { name }, targetDead: failure.targetDead, failure };
  }
}
