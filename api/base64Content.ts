import { z } from 'zod';

// Relying parties written for nevisFIDO send base64 content as their language's encoder makes it:
// standard base64 with padding (`btoa(...)`, Java's `Base64.getEncoder()`), without padding, or
// base64url. Outband accepts all three and normalises once, at the edge, to unpadded base64url —
// the form of the UAF Transaction dictionary — so everything behind the API (workflow, UAF
// request, the text the phone shows and the hash it signs) sees one form only.

/** One alphabet throughout (standard or url-safe), then at most two `=`, on a 4-character boundary. */
const standardBase64 = /^[A-Za-z0-9+/]*(?:={1,2})?$/;
const urlSafeBase64 = /^[A-Za-z0-9_-]*(?:={1,2})?$/;

/** Why `value` is not base64 of either alphabet, or undefined. */
export function base64Problem(value: string): string | undefined {
  if (!standardBase64.test(value) && !urlSafeBase64.test(value)) return 'must be base64 or base64url';
  const padded = value.endsWith('=');
  if (padded && value.length % 4 !== 0) return 'must be base64 with complete padding (a multiple of 4 characters)';
  // 4n+1 characters cannot encode whole bytes.
  if (!padded && value.length % 4 === 1) return 'must be base64 of whole bytes (its length cannot be 4n+1)';
  return undefined;
}

/** The same bytes as unpadded base64url; `value` must have passed `base64Problem`. */
export function toBase64url(value: string): string {
  return value.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
}

/** A zod string of base64 content (standard, padded or not, or base64url), output as unpadded base64url. */
export const base64Content = z
  .string()
  .superRefine((value, ctx) => {
    const problem = base64Problem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(toBase64url);
