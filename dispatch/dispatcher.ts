import type { JWK } from 'jose';
import type { DispatchFailed } from './errors.js';

// The contract every dispatcher (built-in or plug-in) implements. The activity builds the
// request from the workflow's token and the stored dispatch target, asks the registry for the
// dispatcher by id and maps the outcome onto the DispatchTokenResponse (API.md endpoint 12).

// `dispatchResult` values are the contract's (one union for the API, the workflow and dispatchers).
import type { DispatchResult } from '../contract/operation.js';
export type { DispatchResult };

/** What the phone needs to redeem the token (API.md "Out-of-band payload"). */
export interface NmaData {
  readonly token: string;
  /** `$PUBLIC_URL/nevisfido/token/redeem/<operation>`. */
  readonly redeem_url: string;
  /** visual-string mode: the string; number-match mode: the three choices. */
  readonly channel_linking?: string | readonly string[];
  /** `dispatchInformation.data` of the dispatch request (plain text or JSON), as the relying party gave it. */
  readonly data?: unknown;
}

/** The stored dispatch target, as far as a dispatcher needs it. */
export interface DispatchTarget {
  /** The provider address, e.g. the FCM registration token. */
  readonly target?: string;
  /** The phone's public encryption JWK; when present `nma_data` travels as a compact JWE to it. */
  readonly encryptionKey?: JWK;
}

/** `dispatchInformation` of the dispatch token request, already parsed from string form. */
export interface DispatchInformation {
  /** The visible push notification (FCM). It alerts the user and carries no transaction text. */
  readonly notification?: { readonly title?: string; readonly body?: string };
  /** Free-form extra information (plain text or JSON); it reaches the phone as `nma_data.data`. */
  readonly data?: unknown;
}

export interface DispatchRequest {
  readonly nmaData: NmaData;
  readonly target?: DispatchTarget;
  readonly dispatchInformation?: DispatchInformation;
}

/** `dispatcherInformation` of the DispatchTokenResponse. */
export interface DispatcherInformation {
  readonly name: string;
  /** Dispatcher output: the link, the PNG as plain base64, or the FCM message name. */
  readonly response?: string;
}

/** The out-of-band payload as it is sent (API.md): clear JSON object, or a compact JWE string. */
export interface DispatchPayload {
  readonly nma_data: NmaData | string;
  readonly nma_data_content_type: 'application/json' | 'application/jose';
  readonly nma_data_version: '1';
}

export type DispatchOutcome =
  | { readonly dispatchResult: 'dispatched'; readonly dispatcherInformation: DispatcherInformation; readonly targetDead: false }
  | {
      readonly dispatchResult: 'dispatchError';
      readonly dispatcherInformation: DispatcherInformation;
      /** The provider says the target's address will never work again (FCM `UNREGISTERED`): mark it dead. */
      readonly targetDead: boolean;
      /** Why, with the provider's own error as `cause`. As JSON it is `{name, code}` only (message and cause are not enumerable). */
      readonly failure: DispatchFailed;
    }
  | { readonly dispatchResult: 'dispatcherNotFound'; readonly dispatcherInformation: DispatcherInformation; readonly targetDead: false };

/**
 * A dispatcher: built by a factory over its injected client and options, looked up by `id`
 * (the `dispatcher` value of the API). `dispatch` never throws: every failure is an outcome.
 */
export interface Dispatcher {
  readonly id: string;
  /** The dispatcher cannot work without a dispatch target (FCM): a request naming none is `dispatchTargetNotFound`. */
  readonly targetRequired: boolean;
  /**
   * Its `response` holds the token (a link, a QR code of the payload): the activity never lets it
   * into workflow history, and the API renders it again from the token it derives itself.
   */
  readonly responseCarriesToken?: boolean;
  dispatch(request: DispatchRequest): Promise<DispatchOutcome>;
}
