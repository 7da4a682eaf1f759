import express, { Router, type RequestHandler } from 'express';
import { compactVerify, errors, importJWK, type JWK } from 'jose';
import type { Db } from 'mongodb';
import { z } from 'zod';
import type { Config } from '../config/loadConfig.js';
import type { ServerKeys } from '../config/deriveKeys.js';
import { createDispatchTargets, type DispatchTargetChanges, type DispatchTargetRecord } from '../store/dispatchTargets.js';
import { createRequestIds } from '../store/requestIds.js';
import { StoreError } from '../store/storeError.js';
import { ApiError } from './apiError.js';
import { bearerTokenOf } from './bearerToken.js';
import { verifyDeviceToken } from './verifyDeviceToken.js';
import { consumes, produces, resource } from './contentNegotiation.js';
import { requireRelyingParty } from './relyingParty.js';
import { jsonObject, parseBody } from './schemas.js';

// Dispatch Target Service, API.md endpoints 7–11 (nevisfido-api.md §4.1). Who may call what:
// create needs the device token of a successful UAF operation (its `sub` is the owner), query
// and get need a relying-party key, modify needs a JWS by the target's own `signatureKey`, and
// delete takes either the owner's device token or a relying-party key.

export interface DispatchTargetRoutesDependencies {
  db: Db;
  config: Pick<Config, 'rpApiKeys'>;
  keys: Pick<ServerKeys, 'deviceToken'>;
  now?: () => Date;
}

const collectionPath = '/nevisfido/token/dispatch/targets';
const itemPath = `${collectionPath}/:id`;
/** How far `creationTimeInEpochMillis` of a signed change may lie from the server's clock, either way. */
export const changeRequestWindowMillis = 5 * 60_000;

// ---- Body schemas -----------------------------------------------------------------------------

const targetName = z.string().trim().min(1).max(256);
const dispatcherId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a dispatcher id such as firebase-cloud-messaging');
const pushTarget = z.string().min(1).max(4096);

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
const octets = (min: number, max = min) =>
  base64url.refine((value) => {
    const length = Buffer.from(value, 'base64url').length;
    return length >= min && length <= max;
  }, min === max ? `must encode ${min} bytes` : `must encode ${min} to ${max} bytes`);

/** JWK members that only a private (or symmetric) key has. */
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

type KeyRole = 'encryption' | 'signature';
/** Algorithms a key may name (its `alg`), by role and key type; the JWE side matches dispatch/encryptNmaData.ts. */
const keyAlgorithms: Record<KeyRole, { EC: readonly string[]; RSA: readonly string[] }> = {
  encryption: { EC: ['ECDH-ES+A256KW'], RSA: ['RSA-OAEP-256'] },
  signature: { EC: ['ES256'], RSA: ['PS256', 'RS256'] },
};
const keyUse: Record<KeyRole, string> = { encryption: 'enc', signature: 'sig' };

/** A public EC P-256 or RSA (≥ 2048-bit) JWK, as an object or its JSON string; unknown members are dropped. */
const publicJwk = (role: KeyRole) => {
  const common = {
    alg: z.string().optional(),
    use: z.literal(keyUse[role], `must be ${keyUse[role]}`).optional(),
    kid: z.string().max(256).optional(),
  };
  return jsonObject(
    z
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
      }),
  );
};
type PublicJwk = z.output<ReturnType<typeof publicJwk>>;

const createTargetSchema = z.object({
  name: targetName,
  dispatcher: dispatcherId.optional(),
  target: pushTarget.optional(),
  deviceId: z.string().min(1).max(256).optional(),
  encryptionKey: publicJwk('encryption').optional(),
  signatureKey: publicJwk('signature').optional(),
  /** nevisFIDO's schema lists it; the owner is the device token's subject, so it may only repeat that. */
  username: z.string().optional(),
});

const usernameQuerySchema = z.object({ username: z.string().trim().min(1).max(256) });

/** The claims of a signed change (nevisfido-api.md §4.1.3): replay protection plus at least one change. */
const changeClaimsSchema = z
  .object({
    dispatchTargetId: z.string().min(1).max(128),
    requestId: z.string().min(1).max(64),
    creationTimeInEpochMillis: z.number().int().nonnegative(),
    name: targetName.optional(),
    target: pushTarget.optional(),
    dispatcher: dispatcherId.optional(),
  })
  .refine((claims) => claims.name !== undefined || claims.target !== undefined || claims.dispatcher !== undefined, {
    message: 'must change at least one of name, target, dispatcher',
  });

/** Without a given dispatcher: push where there is a push token, else a QR code. */
const defaultDispatcher = (target: string | undefined) => (target === undefined ? 'png-qr-code' : 'firebase-cloud-messaging');

// ---- Verifiers ------------------------------------------------------------------------------

/** Proves the key can really be used (a point on the curve, a sane modulus) before it is stored. */
async function checkImportable(jwk: PublicJwk, role: KeyRole, field: string): Promise<void> {
  const alg = jwk.alg ?? keyAlgorithms[role][jwk.kty][0]!;
  try {
    await importJWK(jwk, alg);
  } catch (cause) {
    throw new ApiError('invalidRequest', `${field}: is not a usable ${jwk.kty} public key for ${alg}.`, undefined, { cause });
  }
}

function unauthorizedBearer(what: string): ApiError {
  return new ApiError('unauthorized', `This endpoint needs ${what}: Authorization: Bearer <token>.`);
}

/** Verifies the compact JWS with the target's signature key; returns the payload bytes. */
async function verifyChangeSignature(jws: string, signatureKey: JWK & { kty?: string }): Promise<Uint8Array> {
  const byType = keyAlgorithms.signature[signatureKey.kty === 'RSA' ? 'RSA' : 'EC'];
  const algorithms = signatureKey.alg !== undefined ? [signatureKey.alg] : [...byType];
  try {
    const { payload } = await compactVerify(jws, (header) => importJWK(signatureKey, header.alg), { algorithms });
    return payload;
  } catch (error) {
    if (error instanceof errors.JWSInvalid) throw new ApiError('malformedJws', 'The body is not a valid compact JWS.', undefined, { cause: error });
    throw new ApiError('requestSignatureInvalid', `The JWS is not signed by this dispatch target's signatureKey with ${algorithms.join(' or ')}.`, undefined, { cause: error });
  }
}

function parseChangeClaims(payload: Uint8Array): z.output<typeof changeClaimsSchema> {
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (cause) {
    throw new ApiError('malformedJws', 'The JWS payload is not a JSON object.', undefined, { cause });
  }
  return parseBody(changeClaimsSchema, claims);
}

// ---- Router ---------------------------------------------------------------------------------

const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

/** The public view of a target: never its keys or push token. */
const publicView = (t: DispatchTargetRecord) => ({
  id: t.id,
  extId: t.extId,
  name: t.name,
  dispatcher: t.dispatcher,
  ...(t.deviceId !== undefined && { deviceId: t.deviceId }),
  username: t.username,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

export function createDispatchTargetRouter({ db, config, keys, now = () => new Date() }: DispatchTargetRoutesDependencies): Router {
  const targets = createDispatchTargets(db);
  const requestIds = createRequestIds(db);
  const router = Router();
  const relyingParty = requireRelyingParty(config.rpApiKeys);

  const findTarget = async (id: string) => {
    const target = await targets.get(id);
    if (!target) throw new ApiError('dispatchTargetNotFound', 'There is no dispatch target with this id.');
    return target;
  };
  const saving = async <T>(write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (error) {
      if (error instanceof StoreError && error.code === 'dispatchTargetNameTaken') throw new ApiError(error.code, error.message, undefined, { cause: error });
      throw error;
    }
  };

  /** The device token's username in `res.locals.username`, or 401 with a Bearer challenge. */
  const deviceToken: RequestHandler = (req, res, next) => {
    const token = bearerTokenOf(req);
    res.set('WWW-Authenticate', 'Bearer');
    if (token === undefined) {
      next(unauthorizedBearer('the device token of a successful UAF operation'));
      return;
    }
    verifyDeviceToken(token, keys.deviceToken).then((username) => {
      res.removeHeader('WWW-Authenticate');
      res.locals.username = username;
      next();
    }, next);
  };
  /** A relying-party key (`res.locals.username` stays unset), else the device token of a user. */
  const relyingPartyOrDeviceToken: RequestHandler = (req, res, next) =>
    relyingParty(req, res, (refusal?: unknown) => {
      if (refusal === undefined) next();
      else if (bearerTokenOf(req) === undefined) next(unauthorizedBearer('a relying-party key or the device token of the owner'));
      else deviceToken(req, res, next);
    });

  resource(router, collectionPath, {
    // 7: the phone creates its target.
    post: [
      deviceToken,
      consumes('application/json'),
      produces('application/json'),
      async (req, res) => {
        const username = res.locals.username as string;
        const body = parseBody(createTargetSchema, req.body);
        if (body.username !== undefined && body.username !== username) {
          throw new ApiError('usernameMismatch', 'username differs from the user of the device token.');
        }
        if (body.encryptionKey) await checkImportable(body.encryptionKey, 'encryption', 'encryptionKey');
        if (body.signatureKey) await checkImportable(body.signatureKey, 'signature', 'signatureKey');
        const created = await saving(() =>
          targets.create(
            {
              username,
              name: body.name,
              dispatcher: body.dispatcher ?? defaultDispatcher(body.target),
              ...(body.deviceId !== undefined && { deviceId: body.deviceId }),
              ...(body.target !== undefined && { target: body.target }),
              ...(body.encryptionKey !== undefined && { encryptionKey: body.encryptionKey }),
              ...(body.signatureKey !== undefined && { signatureKey: body.signatureKey }),
            },
            now(),
          ),
        );
        res.status(201).location(`${collectionPath}/${created.id}`).json({ id: created.id, extId: created.extId });
      },
    ],
    // 8: the relying party lists a user's targets.
    get: [
      relyingParty,
      produces('application/json'),
      async (req, res) => {
        const { username } = parseBody(usernameQuerySchema, req.query);
        const found = await targets.listForUser(username);
        if (found.length === 0) throw new ApiError('noDispatchTargets', 'This user has no dispatch target.');
        res.json({ dispatchTargets: found.map(({ id, name, dispatcher }) => ({ id, name, dispatcher })) });
      },
    ],
  });

  resource(router, itemPath, {
    // 9: the relying party reads one target (no keys, no push token).
    get: [
      relyingParty,
      produces('application/json'),
      async (req, res) => {
        res.json(publicView(await findTarget(String(req.params.id))));
      },
    ],
    // 10: the phone changes its target with a JWS by its signature key.
    patch: [
      consumes('application/jose'),
      express.text({ type: 'application/jose', limit: '64kb' }),
      async (req, res) => {
        const id = String(req.params.id);
        const jws = typeof req.body === 'string' ? req.body.trim() : '';
        if (!compactJws.test(jws)) throw new ApiError('malformedJws', 'The body must be a compact JWS (header.payload.signature).');
        const target = await findTarget(id);
        if (target.signatureKey === undefined) {
          throw new ApiError('signatureKeyMissing', 'This dispatch target has no signatureKey, so no signed change can be verified.');
        }
        const claims = parseChangeClaims(await verifyChangeSignature(jws, target.signatureKey));
        // A JWS for another target (which shares the key) does not authorize this one.
        if (claims.dispatchTargetId !== id) {
          throw new ApiError('dispatchTargetIdMismatch', 'dispatchTargetId of the JWS names another dispatch target than the path.');
        }
        const at = now();
        const skew = claims.creationTimeInEpochMillis - at.getTime();
        if (Math.abs(skew) > changeRequestWindowMillis) {
          throw new ApiError(
            'requestTimeOutOfWindow',
            `creationTimeInEpochMillis is ${Math.round(skew / 1000)} s from the server time; at most ${changeRequestWindowMillis / 1000} s is accepted.`,
          );
        }
        if (!(await requestIds.recordFirstUse(id, claims.requestId, at))) {
          throw new ApiError('requestIdReplayed', 'This requestId was used before; sign each change with a new one.');
        }
        const changes: DispatchTargetChanges = {
          ...(claims.name !== undefined && { name: claims.name }),
          ...(claims.target !== undefined && { target: claims.target }),
          ...(claims.dispatcher !== undefined && { dispatcher: claims.dispatcher }),
        };
        if (!(await saving(() => targets.update(id, changes, at)))) {
          throw new ApiError('dispatchTargetNotFound', 'There is no dispatch target with this id.');
        }
        res.status(204).end();
      },
    ],
    // 11: the owner's phone or the relying party removes a target.
    delete: [
      relyingPartyOrDeviceToken,
      async (req, res) => {
        const target = await findTarget(String(req.params.id));
        const owner = res.locals.username as string | undefined;
        if (owner !== undefined && owner !== target.username) {
          throw new ApiError('dispatchTargetNotOwned', 'The device token belongs to another user than this dispatch target.');
        }
        if (!(await targets.remove(target.id))) throw new ApiError('dispatchTargetNotFound', 'There is no dispatch target with this id.');
        res.status(204).end();
      },
    ],
  });

  return router;
}
