import { buildDispatchPayload } from '../buildDispatchPayload.js';
import type { Dispatcher } from '../dispatcher.js';
import { DispatchFailed, DispatchTimeout } from '../errors.js';
import { settleDispatch } from '../settleDispatch.js';

// Example plug-in (dispatch/README.md): POSTs the out-of-band payload as JSON to a configured
// URL, e.g. a relying party's own push gateway. Like every dispatcher it is a factory over its
// transport (`fetch`) and it maps the receiver's answers in one function.

export interface WebhookOptions {
  /** Where to POST. */
  readonly url: string;
  /** The dispatcher id; `webhook` by default, so several webhooks can be registered. */
  readonly id?: string;
  /** Extra request headers, e.g. the receiver's own authorization. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
  /** Bound on one POST (default 10 s). */
  readonly timeoutMs?: number;
}

/** The JSON body the receiver gets. */
export interface WebhookBody {
  /** The out-of-band payload, `nma_data` encrypted when the target has an encryptionKey. */
  readonly payload: Awaited<ReturnType<typeof buildDispatchPayload>>;
  /** The target's address, if it has one. */
  readonly target?: string;
  readonly notification?: { readonly title?: string; readonly body?: string };
  readonly data?: unknown;
}

/** The receiver's status code (or the transport error) as a dispatch failure. */
function identifyWebhookError(error: unknown, id: string, timeoutMs: number): DispatchFailed {
  if (error instanceof DispatchFailed) return error;
  if (error instanceof DOMException && error.name === 'TimeoutError') return new DispatchTimeout(id, timeoutMs);
  return new DispatchFailed('providerUnavailable', `The ${id} receiver could not be reached.`, error);
}

function failureForStatus(status: number, id: string): DispatchFailed {
  if (status === 404 || status === 410) return new DispatchFailed('targetUnregistered', `The ${id} receiver answered ${status}: the target is gone.`);
  if (status >= 500) return new DispatchFailed('providerUnavailable', `The ${id} receiver answered ${status}.`);
  return new DispatchFailed('providerRejected', `The ${id} receiver answered ${status}.`);
}

export function createWebhook({ url, id = 'webhook', headers = {}, fetch: fetchImpl = globalThis.fetch, timeoutMs = 10_000 }: WebhookOptions): Dispatcher {
  const endpoint = new URL(url);
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new RangeError(`The webhook URL must be http(s), got ${endpoint.protocol}.`);
  return {
    id,
    targetRequired: false,
    dispatch: ({ nmaData, target, dispatchInformation }) =>
      settleDispatch(
        id,
        async () => {
          const body: WebhookBody = {
            payload: await buildDispatchPayload(nmaData, target?.encryptionKey),
            ...(target?.target !== undefined && { target: target.target }),
            ...(dispatchInformation?.notification !== undefined && { notification: dispatchInformation.notification }),
            ...(dispatchInformation?.data !== undefined && { data: dispatchInformation.data }),
          };
          const response = await fetchImpl(endpoint, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(body),
            // A redirect would send the token (and the configured headers) to a host nobody chose.
            redirect: 'error',
            signal: AbortSignal.timeout(timeoutMs),
          });
          await response.body?.cancel();
          if (!response.ok) throw failureForStatus(response.status, id);
          return undefined;
        },
        (error) => identifyWebhookError(error, id, timeoutMs),
      ),
  };
}
