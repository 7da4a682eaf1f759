import { buildDeepLink } from './buildDeepLink.js';
import { createPayloadDispatcher } from './createPayloadDispatcher.js';
import type { Dispatcher } from './dispatcher.js';

export interface LinkOptions {
  /** `LINK_BASE_URL` (default `$PUBLIC_URL/open`). */
  readonly linkBaseUrl: string;
}

/** `link`: a deep link for the same device ("mobile-only"). Response: the link. */
export function createLink({ linkBaseUrl }: LinkOptions): Dispatcher {
  return createPayloadDispatcher('link', (encoded) => buildDeepLink(linkBaseUrl, encoded));
}
