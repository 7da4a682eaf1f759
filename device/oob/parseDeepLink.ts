import { OutOfBandInputInvalid } from '../errors.js';
import { decodeDispatchPayload, type DispatchPayload } from './decodeNmaPayload.js';

/** The query parameter of a deep link `<LINK_BASE_URL>?dispatchTokenResponse=<base64url JSON>` (API.md). */
export const deepLinkParameter = 'dispatchTokenResponse';

/** Reads the dispatch payload out of a deep link. */
export function parseDeepLink(link: string): DispatchPayload {
  let url: URL;
  try {
    url = new URL(link);
  } catch (cause) {
    throw new OutOfBandInputInvalid('linkInvalid', 'The deep link is not a URL.', cause);
  }
  const encoded = url.searchParams.get(deepLinkParameter);
  if (encoded === null || encoded === '') {
    throw new OutOfBandInputInvalid('linkInvalid', `The deep link has no ${deepLinkParameter} parameter.`);
  }
  return decodeDispatchPayload(encoded);
}
