import { importJWK } from 'jose';
import { z } from 'zod';
import { CodedRefusal } from '../contract/errors.js';

// Which public keys a phone may register on its dispatch target: EC P-256 or RSA ≥ 2048 bits,
// public members only, an `alg` of its role, and importable (a point on the curve, a sane modulus).

export type KeyRole = 'encryption' | 'signature';

/** Algorithms a key may name (its `alg`), by role and key type; the JWE side matches dispatch/encryptNmaData.ts. */
export const keyAlgorithms: Record<KeyRole, { EC: readonly string[]; RSA: readonly string[] }> = {
  encryption: { EC: ['ECDH-ES+A256KW'], RSA: ['RSA-OAEP-256'] },
  signature: { EC: ['ES256'], RSA: ['PS256', 'RS256'] },
};
const keyUse: Record<KeyRole, string> = { encryption: 'enc', signature: 'sig' };

/** JWK members that only a private (or symmetric) key has. */
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
const octets = (min: number, max = min) =>
  base64url.refine((value) => {
    const length = Buffer.from(value, 'base64url').length;
    return length >= min && length <= max;
  }, min === max ? `must encode ${min} bytes` : `must encode ${min} to ${max} bytes`);

/** A public EC P-256 or RSA (≥ 2048-bit) JWK object of `role`; unknown members are dropped. */
export const publicJwkSchema = (role: KeyRole) => {
  const common = {
    alg: z.string().optional(),
    use: z.literal(keyUse[role], `must be ${keyUse[role]}`).optional(),
    kid: z.string().max(256).optional(),
  };
  return z
    .record(z.string(), z.unknown())
    .superRefine((jwk, ctx) => {
      const present = privateMembers.filter((member) => member in jwk);
      if (present.length > 0) ctx.addIssue({ code: 'custom', message: `must be a public key; it has the private member ${present.join(', ')}` });
    })
    .pipe(
      z.discriminatedUnion('kty', [
        z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: octets(32), y: octets(32), ...common }),
        z.object({ kty: z.literal('RSA'), n: octets(256, 1024), e: octets(1, 8), ...common }),
      ]),
    )
    .superRefine((jwk, ctx) => {
      const allowed = keyAlgorithms[role][jwk.kty];
      if (jwk.alg !== undefined && !allowed.includes(jwk.alg)) {
        ctx.addIssue({ code: 'custom', path: ['alg'], message: `is ${jwk.alg}; expected ${allowed.join(' or ')}` });
      }
    });
};
export type PublicJwk = z.output<ReturnType<typeof publicJwkSchema>>;

/** Proves the key can really be used before it is stored. */
export async function checkImportable(jwk: PublicJwk, role: KeyRole, field: string): Promise<void> {
  const alg = jwk.alg ?? keyAlgorithms[role][jwk.kty][0]!;
  try {
    await importJWK(jwk, alg);
  } catch (cause) {
    throw new CodedRefusal('invalidRequest', `${field}: is not a usable ${jwk.kty} public key for ${alg}.`, { cause });
  }
}
