/** The query parameter that carries the payload in a deep link (API.md "Out-of-band payload"). */
export const deepLinkParameter = 'dispatchTokenResponse';

/** `<LINK_BASE_URL>?dispatchTokenResponse=<base64url of the payload JSON>`; a query already in the base is kept. */
export function buildDeepLink(linkBaseUrl: string, encodedPayload: string): string {
  const link = new URL(linkBaseUrl);
  link.searchParams.set(deepLinkParameter, encodedPayload);
  return link.href;
}
