// Android facet ids name the APK signing certificate by its hash, base64: the FIDO spec's form is
// SHA-1 (`android:apk-key-hash:` + 27 characters), newer SDKs (the Nevis Mobile SDK among them)
// send SHA-256 (43 characters), and encoders differ in padding and alphabet. Two Android facet ids
// are the same facet when their hashes are the same bytes; every other facet id compares exactly.

const androidPrefix = 'android:apk-key-hash:';
/** SHA-1 and SHA-256 lengths: the two hashes an Android facet id is made of. */
const hashLengths = new Set([20, 32]);

/** The certificate hash of an Android facet id, or undefined when `facetId` is not one. */
function androidCertificateHash(facetId: string): Buffer | undefined {
  if (!facetId.startsWith(androidPrefix)) return undefined;
  const encoded = facetId.slice(androidPrefix.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && !/^[A-Za-z0-9_-]+={0,2}$/.test(encoded)) return undefined;
  const hash = Buffer.from(encoded.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_'), 'base64url');
  return hashLengths.has(hash.length) ? hash : undefined;
}

/** Whether the facet id a client reported names the trusted facet `trusted`. */
export function sameFacetId(seen: string, trusted: string): boolean {
  if (seen === trusted) return true;
  const seenHash = androidCertificateHash(seen);
  const trustedHash = androidCertificateHash(trusted);
  return seenHash !== undefined && trustedHash !== undefined && seenHash.equals(trustedHash);
}
