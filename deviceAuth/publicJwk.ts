import { importJWK, type JWK } from 'jose';
import { z } from 'zod';
import { CodedRefusal } from '../contract/errors.js';

// Which public keys a phone may register on its dispatch target: every key a phone may plausibly
// hold — EC P-256, P-384 and P-521, RSA ≥ 2048 bits, and OKP (Ed25519 to sign, X25519 to
// encrypt) — public members only, an `alg` of its role and type, and importable (a point on the
// curve, a sane modulus). Anything else is refused when the target is created.

export type KeyRole = 'encryption' | 'signature';

/** The JWK members that choose the algorithms: key type and, for EC and OKP, the curve. */
export interface KeyShape {
  kty?: string;
  crv?: string;
}

const ecSignature: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

/**
 * The algorithms a key of this role and shape may be used with (its `alg`, when it names one,
 * must be among them); the first is the default. The JWE side matches dispatch/encryptNmaData.ts.
 * Empty: the key is not allowed for this role.
 */
export function keyAlgorithmsFor(role: KeyRole, { kty, crv }: KeyShape): readonly string[] {
  if (role === 'encryption') {
    if (kty === 'EC' && crv !== undefined && crv in ecSignature) return ['ECDH-ES+A256KW'];
    if (kty === 'OKP' && crv === 'X25519') return ['ECDH-ES+A256KW'];
    if (kty === 'RSA') return ['RSA-OAEP-256'];
    return [];
  }
  if (kty === 'EC' && crv !== undefined && ecSignature[crv] !== undefined) return [ecSignature[crv]];
  // jose 6 names EdDSA over Ed25519 both ways.
  if (kty === 'OKP' && crv === 'Ed25519') return ['EdDSA', 'Ed25519'];
  if (kty === 'RSA') return ['PS256', 'RS256'];
  return [];
}

const keyUse: Record<KeyRole, string> = { encryption: 'enc', signature: 'sig' };

/** JWK members that only a private (or symmetric) key has. */
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
const octets = (min: number, max = min) =>
  base64url.refine((value) => {
    const length = Buffer.from(value, 'base64url').length;
    return length >= min && length <= max;
  }, min === max ? `must encode ${min} bytes` : `must encode ${min} to ${max} bytes`);

/** A public EC (P-256/384/521), RSA (≥ 2048-bit) or OKP JWK object of `role`; unknown members are dropped. */
export const publicJwkSchema = (role: KeyRole) => {
  const common = {
    alg: z.string().optional(),
    use: z.literal(keyUse[role], `must be ${keyUse[role]}`).optional(),
    kid: z.string().max(256).optional(),
  };
  const okpCurve = role === 'signature' ? 'Ed25519' : 'X25519';
  return z
    .record(z.string(), z.unknown())
    .superRefine((jwk, ctx) => {
      const present = privateMembers.filter((member) => member in jwk);
      if (present.length > 0) ctx.addIssue({ code: 'custom', message: `must be a public key; it has the private member ${present.join(', ')}` });
    })
    .pipe(
      z.union([
        z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: octets(32), y: octets(32), ...common }),
        z.object({ kty: z.literal('EC'), crv: z.literal('P-384'), x: octets(48), y: octets(48), ...common }),
        z.object({ kty: z.literal('EC'), crv: z.literal('P-521'), x: octets(66), y: octets(66), ...common }),
        z.object({ kty: z.literal('RSA'), n: octets(256, 1024), e: octets(1, 8), ...common }),
        z.object({ kty: z.literal('OKP'), crv: z.literal(okpCurve, `must be ${okpCurve} for a ${role} key`), x: octets(32), ...common }),
      ]),
    )
    .superRefine((jwk, ctx) => {
      const allowed = keyAlgorithmsFor(role, jwk);
      if (jwk.alg !== undefined && !allowed.includes(jwk.alg)) {
        ctx.addIssue({ code: 'custom', path: ['alg'], message: `is ${jwk.alg}; expected ${allowed.join(' or ')}` });
      }
    });
};
export type PublicJwk = z.output<ReturnType<typeof publicJwkSchema>>;

/** Proves the key can really be used before it is stored. */
export async function checkImportable(jwk: PublicJwk, role: KeyRole, field: string): Promise<void> {
  const alg = jwk.alg ?? keyAlgorithmsFor(role, jwk)[0]!;
  try {
    await importJWK(jwk as JWK, alg);
  } catch (cause) {
    throw new CodedRefusal('invalidRequest', `${field}: is not a usable ${jwk.kty} public key for ${alg}.`, { cause });
  }
}
