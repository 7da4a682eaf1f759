import { base64url, compactVerify, errors, importJWK, type JWK } from 'jose';
import { z } from 'zod';
import { CodedRefusal } from '../contract/errors.js';
import type { DispatchTargetChanges } from '../store/dispatchTargets.js';
import { keyAlgorithmsFor } from './publicJwk.js';
import { dispatcherId, pushTarget, targetName } from './targetFields.js';

// A phone changes its dispatch target with a compact JWS signed by the target's own
// `signatureKey` (nevisfido-api.md §4.1.3); it authenticates to the Device Service with the same
// kind of JWS in its `Device-Signature` header (§4.6). Either is accepted when, in this order: the
// signature verifies, the claims are well formed, they name the expected target, they were made
// within the time window, and their `requestId` is used for the first time.

/** How far `creationTimeInEpochMillis` of a signed change may lie from the server's clock, either way. */
export const changeRequestWindowMillis = 5 * 60_000;

const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

/** The claims every device-signed request carries: which target's key signed, replay protection. */
const signedRequestClaims = {
  dispatchTargetId: z.string().min(1).max(128),
  requestId: z.string().min(1).max(64),
  creationTimeInEpochMillis: z.number().int().nonnegative(),
};
export type SignedRequestClaims = { dispatchTargetId: string; requestId: string; creationTimeInEpochMillis: number };
/** A `Device-Signature` (Device Service): the common claims only. */
export const deviceSignatureClaimsSchema = z.object(signedRequestClaims);

/** The claims of a signed change: replay protection plus at least one change. */
const changeClaimsSchema = z
  .object({
    ...signedRequestClaims,
    name: targetName.optional(),
    /** null: the user turned push off (nevisFIDO: a DeviceInformation without an FCM token). */
    target: pushTarget.nullable().optional(),
    dispatcher: dispatcherId.optional(),
  })
  .refine((claims) => claims.name !== undefined || claims.target !== undefined || claims.dispatcher !== undefined, {
    message: 'must change at least one of name, target, dispatcher',
  });

export interface SignedChangeContext {
  /** The target named by the path. */
  dispatchTargetId: string;
  /** Its `signatureKey` (read once the body is known to be a JWS; refuses an unknown target). */
  loadSignatureKey: () => Promise<JWK | undefined>;
  now: Date;
  /** Records a request id; false when it was used before (store/requestIds.ts). */
  recordFirstUse: (dispatchTargetId: string, requestId: string, at: Date) => Promise<boolean>;
}

/** The changes a signed request may apply, or a coded refusal saying which rule it broke. */
export async function acceptSignedChange(jws: string, context: SignedChangeContext): Promise<DispatchTargetChanges> {
  const claims = await acceptSignedRequest(jws, changeClaimsSchema, context);
  return {
    ...(claims.name !== undefined && { name: claims.name }),
    ...(claims.target !== undefined && { target: claims.target }),
    ...(claims.dispatcher !== undefined && { dispatcher: claims.dispatcher }),
  };
}

/**
 * The claims of a device-signed request (`schema` adds what the request carries beyond the common
 * claims), checked in the order of the rules above; a coded refusal names the rule it broke.
 */
export async function acceptSignedRequest<Claims extends SignedRequestClaims>(
  jws: string,
  schema: z.ZodType<Claims>,
  context: SignedChangeContext,
): Promise<Claims> {
  if (!compactJws.test(jws)) throw new CodedRefusal('malformedJws', 'The body must be a compact JWS (header.payload.signature).');
  const signatureKey = await context.loadSignatureKey();
  if (signatureKey === undefined) {
    throw new CodedRefusal('signatureKeyMissing', 'This dispatch target has no signatureKey, so no signed change can be verified.');
  }
  const claims = parseClaims(await verifyChangeSignature(jws, signatureKey), schema);
  // A JWS for another target (which shares the key) does not authorize this one.
  if (claims.dispatchTargetId !== context.dispatchTargetId) {
    throw new CodedRefusal('dispatchTargetIdMismatch', 'dispatchTargetId of the JWS names another dispatch target than the path.');
  }
  checkChangeTime(claims.creationTimeInEpochMillis, context.now);
  if (!(await context.recordFirstUse(context.dispatchTargetId, claims.requestId, context.now))) {
    throw new CodedRefusal('requestIdReplayed', 'This requestId was used before; sign each change with a new one.');
  }
  return claims;
}

/**
 * The `dispatchTargetId` a compact JWS claims, read before its signature is checked: it only
 * chooses whose key to verify with (acceptSignedRequest then verifies it and the claim). Undefined
 * when the JWS has no such readable claim.
 */
export function claimedDispatchTargetId(jws: string): string | undefined {
  if (!compactJws.test(jws)) return undefined;
  try {
    const claims: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(jws.split('.')[1]!)));
    const id = (claims as { dispatchTargetId?: unknown } | null)?.dispatchTargetId;
    return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies the compact JWS with the target's signature key; returns the payload bytes. */
async function verifyChangeSignature(jws: string, signatureKey: JWK): Promise<Uint8Array> {
  const byType = keyAlgorithmsFor('signature', signatureKey);
  const algorithms = signatureKey.alg !== undefined ? [signatureKey.alg] : [...byType];
  try {
    const { payload } = await compactVerify(jws, (header) => importJWK(signatureKey, header.alg), { algorithms });
    return payload;
  } catch (error) {
    if (error instanceof errors.JWSInvalid) throw new CodedRefusal('malformedJws', 'The body is not a valid compact JWS.', { cause: error });
    throw new CodedRefusal('requestSignatureInvalid', `The JWS is not signed by this dispatch target's signatureKey with ${algorithms.join(' or ')}.`, { cause: error });
  }
}

function parseClaims<Claims>(payload: Uint8Array, schema: z.ZodType<Claims>): Claims {
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (cause) {
    throw new CodedRefusal('malformedJws', 'The JWS payload is not a JSON object.', { cause });
  }
  const result = schema.safeParse(claims);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') || 'body';
  throw new CodedRefusal('invalidRequest', `${path}: ${issue?.message ?? 'is invalid'}.`);
}

/** The change must have been signed within the window around the server's clock. */
function checkChangeTime(creationTimeInEpochMillis: number, now: Date): void {
  const skew = creationTimeInEpochMillis - now.getTime();
  if (Math.abs(skew) > changeRequestWindowMillis) {
    throw new CodedRefusal(
      'requestTimeOutOfWindow',
      `creationTimeInEpochMillis is ${Math.round(skew / 1000)} s from the server time; at most ${changeRequestWindowMillis / 1000} s is accepted.`,
    );
  }
}
