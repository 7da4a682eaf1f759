import express, { Router, type RequestHandler } from 'express';
import type { Db } from 'mongodb';
import { z } from 'zod';
import type { Config } from '../config/loadConfig.js';
import type { ServerKeys } from '../config/deriveKeys.js';
import { verifyDeviceToken, verifyDeviceTokenKeys } from '../deviceAuth/deviceToken.js';
import { checkImportable, publicJwkSchema, type KeyRole } from '../deviceAuth/publicJwk.js';
import { acceptSignedChange } from '../deviceAuth/signedChange.js';
import { dispatcherId, pushTarget, targetName } from '../deviceAuth/targetFields.js';
import { createCredentials } from '../store/credentials.js';
import { createDevices } from '../store/devices.js';
import { createDispatchTargets, type DispatchTargetRecord } from '../store/dispatchTargets.js';
import { createRequestIds } from '../store/requestIds.js';
import { ApiError } from './apiError.js';
import { bearerTokenOf } from './bearerToken.js';
import { consumes, produces, resource } from './contentNegotiation.js';
import { requireRelyingParty } from './relyingParty.js';
import { jsonObject, parseBody } from './schemas.js';

// Dispatch Target Service, API.md endpoints 7–11 (nevisfido-api.md §4.1). Who may call what:
// create needs the device token of a successful UAF operation (its `sub` is the owner), query
// and get need a relying-party key, modify needs a JWS by the target's own `signatureKey`, and
// delete takes either the owner's device token or a relying-party key.

export interface DispatchTargetRoutesDependencies {
  db: Db;
  config: Pick<Config, 'rpApiKeys' | 'maxTargetsPerUser'> & { uaf: Pick<Config['uaf'], 'appId'> };
  keys: Pick<ServerKeys, 'deviceToken'>;
  /** The dispatcher ids a target may name (api/dispatcherIds.ts). */
  dispatcherIds: readonly string[];
  now?: () => Date;
}

const collectionPath = '/nevisfido/token/dispatch/targets';
const itemPath = `${collectionPath}/:id`;

// ---- Body schemas (the key and change rules are deviceAuth/'s) ---------------------------------

const publicJwk = (role: KeyRole) => jsonObject(publicJwkSchema(role));

export const createTargetSchema = z.object({
  name: targetName,
  dispatcher: dispatcherId.optional(),
  target: pushTarget.optional(),
  deviceId: z.string().min(1).max(256).optional(),
  encryptionKey: publicJwk('encryption').optional(),
  signatureKey: publicJwk('signature').optional(),
  /** nevisFIDO's schema lists it; the owner is the device token's subject, so it may only repeat that. */
  username: z.string().optional(),
});

export const usernameQuerySchema = z.object({ username: z.string().trim().min(1).max(256) });

/** Without a given dispatcher: push where there is a push token, else a QR code. */
const defaultDispatcher = (target: string | undefined) => (target === undefined ? 'png-qr-code' : 'firebase-cloud-messaging');

/** 422 `dispatcherNotFound` unless the deployment registered a dispatcher with this id. */
function checkRegistered(dispatcher: string | undefined, registered: readonly string[]): void {
  if (dispatcher !== undefined && !registered.includes(dispatcher)) {
    throw new ApiError('dispatcherNotFound', `dispatcher: no dispatcher is registered as ${JSON.stringify(dispatcher)}; use one of ${registered.join(', ')}.`);
  }
}

function unauthorizedBearer(what: string): ApiError {
  return new ApiError('unauthorized', `This endpoint needs ${what}: Authorization: Bearer <token>.`);
}

// ---- Router ---------------------------------------------------------------------------------

/** The public view of a target: never its keys or push token. */
const publicView = (t: DispatchTargetRecord) => ({
  id: t.id,
  extId: t.extId,
  name: t.name,
  dispatcher: t.dispatcher,
  // Our extension: the user turned push off (PATCH with `target: null`).
  ...(t.pushDisabled && { disabled: true }),
  ...(t.deviceId !== undefined && { deviceId: t.deviceId }),
  username: t.username,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

export function createDispatchTargetRouter({ db, config, keys, dispatcherIds, now = () => new Date() }: DispatchTargetRoutesDependencies): Router {
  const targets = createDispatchTargets(db);
  const requestIds = createRequestIds(db);
  const credentials = createCredentials(db);
  const devices = createDevices(db);
  /** A registered key of this deployment's AppID (a device token is bound to its keys). */
  const findLiveCredential = async (aaid: string, keyId: string) => {
    const credential = await credentials.find(aaid, keyId);
    return credential?.appId === config.uaf.appId ? credential : undefined;
  };
  const router = Router();
  const relyingParty = requireRelyingParty(config.rpApiKeys);

  const findTarget = async (id: string) => {
    const target = await targets.get(id);
    if (!target) throw new ApiError('dispatchTargetNotFound', 'There is no dispatch target with this id.');
    return target;
  };

  /** The device token's username in `res.locals.username`, or 401 with a Bearer challenge. */
  const deviceToken: RequestHandler = (req, res, next) => {
    const token = bearerTokenOf(req);
    res.set('WWW-Authenticate', 'Bearer');
    if (token === undefined) {
      next(unauthorizedBearer('the device token of a successful UAF operation'));
      return;
    }
    verifyDeviceToken(token, keys.deviceToken)
      .then(async (claims) => {
        await verifyDeviceTokenKeys(claims, findLiveCredential);
        return claims;
      })
      .then(({ username, keys: deviceKeys }) => {
        res.removeHeader('WWW-Authenticate');
        res.locals.username = username;
        // The keys of the operation that issued the token: the credentials this device holds.
        res.locals.deviceKeys = deviceKeys;
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
        checkRegistered(body.dispatcher, dispatcherIds);
        if (body.encryptionKey) await checkImportable(body.encryptionKey, 'encryption', 'encryptionKey');
        if (body.signatureKey) await checkImportable(body.signatureKey, 'signature', 'signatureKey');
        // A soft cap: two creations racing for the last place may both pass.
        if ((await targets.countForUser(username)) >= config.maxTargetsPerUser) {
          throw new ApiError('tooManyTargets', `This user has ${config.maxTargetsPerUser} dispatch targets already, the most allowed; delete one first.`);
        }
        // A name the user has already: the store's StoreError (a CodedRefusal) answers 422.
        const created = await targets.create(
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
        );
        // The Device Service finds the device's credentials by its deviceId (nevisfido-api.md §4.6).
        if (body.deviceId !== undefined) await devices.assignCredentials(username, res.locals.deviceKeys as string[], body.deviceId);
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
        res.json({ dispatchTargets: found.map(({ id, name, dispatcher, pushDisabled }) => ({ id, name, dispatcher, ...(pushDisabled && { disabled: true }) })) });
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
        const at = now();
        const changes = await acceptSignedChange(jws, {
          dispatchTargetId: id,
          loadSignatureKey: async () => (await findTarget(id)).signatureKey,
          now: at,
          recordFirstUse: (targetId, requestId, usedAt) => requestIds.recordFirstUse(targetId, requestId, usedAt),
        });
        checkRegistered(changes.dispatcher, dispatcherIds);
        if (!(await targets.update(id, changes, at))) {
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
