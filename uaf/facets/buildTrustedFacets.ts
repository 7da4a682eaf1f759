import type { TrustedFacetList, Version } from '../protocolTypes.js';
import { uafProtocolVersion } from '../registry.js';
import { checkArgument } from '../request/checkArgument.js';

/** Facet ID forms (AppID and Facets §3.1.2; the conformance tool's Dereg-Req-3 P-3 check). */
export const facetIdPrefixes = ['https://', 'android:apk-key-hash:', 'ios:bundle-id:'] as const;

export interface BuildTrustedFacetsOptions {
  ids: readonly string[];
  version?: Version;
  /** Allow ids without a known prefix (the spec example's `com.noknok.android.sampleapp`). */
  allowAnyId?: boolean;
}

/**
 * The TrustedFacetList served at the AppID URL with media type `application/fido.trusted-apps+json`
 * (AppID and Facets §3.1.2). Web facet ids are origins: scheme, host and port, no path.
 */
export function buildTrustedFacets({ ids, version = uafProtocolVersion, allowAnyId = false }: BuildTrustedFacetsOptions): TrustedFacetList {
  ids.forEach((id, index) => {
    const known = facetIdPrefixes.some((prefix) => id.startsWith(prefix) && id.length > prefix.length);
    const origin = !id.startsWith('https://') || /^https:\/\/[^/?#]+$/.test(id);
    checkArgument((allowAnyId || known) && origin, `ids[${index}]`, id, 'https://origin, android:apk-key-hash:…, or ios:bundle-id:…');
  });
  return { trustedFacets: [{ version: { major: version.major, minor: version.minor }, ids: [...ids] }] };
}
