import { Router, type RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { ServerKeys } from '../config/deriveKeys.js';
import { credentialExtIdOf } from '../contract/credentialExtId.js';
import { CodedRefusal } from '../contract/errors.js';
import { acceptSignedRequest, claimedDispatchTargetId, deviceSignatureClaimsSchema } from '../deviceAuth/signedChange.js';
import { buildDispatchPayload, buildNmaData } from '../dispatch/index.js';
import { createDevices } from '../store/devices.js';
import { createDispatchTargets, type DispatchTargetRecord } from '../store/dispatchTargets.js';
import { createPendingDispatches, type PendingDispatch } from '../store/pendingDispatches.js';
import { createRequestIds } from '../store/requestIds.js';
import { dispatchTokenOf } from '../store/sessionKeys.js';
import { ApiError } from './apiError.js';
import { resource } from './contentNegotiation.js';
import { awaitsRedeem } from './temporal/awaitsRedeem.js';

// The Device Service (nevisfido-api.md §4.6): the phone manages what the server holds for it, and
// fetches the operations dispatched to it when a push was lost. It authenticates with a
// `Device-Signature` header: a compact JWS by the `signatureKey` of one of its dispatch targets,
// checked exactly as a signed change of a target (deviceAuth/signedChange.ts), plus: that target
// belongs to the device the path names. What it reaches is the signing target's user's only (a
// deviceId is what a phone says, store/devices.ts). Answers are JSON (`Accept: application/jose`, which the
// SDK sends, is not refused: nevisFIDO's own answer format is undocumented).

export interface DeviceRoutesDependencies {
  db: Db;
  client: Client;
  keys: Pick<ServerKeys, 'dispatchToken' | 'pendingDispatch'>;
  /** Base of `redeem_url` in a fetched payload. */
  publicUrl: string;
  now?: () => Date;
}

export const deviceSignatureHeader = 'Device-Signature';
const credentialsPath = '/nevisfido/devices/credentials/:deviceId';
const operationsPath = '/nevisfido/devices/operations';

const refusedSignature = (message: string, cause?: unknown) => new ApiError('requestSignatureInvalid', message, undefined, { cause });

export function createDeviceRouter({ db, client, keys, publicUrl, now = () => new Date() }: DeviceRoutesDependencies): Router {
  const targets = createDispatchTargets(db);
  const devices = createDevices(db);
  const requestIds = createRequestIds(db);
  const pending = createPendingDispatches(db, keys.pendingDispatch);
  const router = Router();

  /** Verifies the Device-Signature; the signing target in `res.locals.signingTarget`, else 401. */
  const deviceSignature: RequestHandler = (req, res, next) => {
    const jws = req.get(deviceSignatureHeader)?.trim();
    if (!jws) {
      next(new ApiError('unauthorized', `This endpoint needs a ${deviceSignatureHeader} header: a compact JWS by the signatureKey of one of the device's dispatch targets.`));
      return;
    }
    verifyDeviceSignature(jws)
      .then((target) => {
        res.locals.signingTarget = target;
        next();
      }, next);
  };

  async function verifyDeviceSignature(jws: string): Promise<DispatchTargetRecord> {
    const claimedId = claimedDispatchTargetId(jws);
    const target = claimedId === undefined ? undefined : await targets.get(claimedId);
    // An unknown target and a target without key are the same to the caller: no key to verify with.
    if (target?.signatureKey === undefined) throw refusedSignature(`The ${deviceSignatureHeader} is not signed by the signatureKey of a known dispatch target.`);
    try {
      await acceptSignedRequest(jws, deviceSignatureClaimsSchema, {
        dispatchTargetId: target.id,
        loadSignatureKey: async () => target.signatureKey,
        now: now(),
        recordFirstUse: (targetId, requestId, usedAt) => requestIds.recordFirstUse(targetId, requestId, usedAt),
      });
    } catch (error) {
      if (error instanceof CodedRefusal && error.code === 'signatureKeyMissing') throw refusedSignature(error.message, error);
      throw error;
    }
    return target;
  }

  /** The signing target must be one of the device of the path (a key of another device authorizes nothing here). */
  const ofPathDevice = (req: Parameters<RequestHandler>[0], target: DispatchTargetRecord): string => {
    const deviceId = String(req.params.deviceId);
    if (target.deviceId !== deviceId) {
      throw new ApiError('dispatchTargetIdMismatch', `dispatchTargetId of the ${deviceSignatureHeader} names a dispatch target of another device than the path.`);
    }
    return deviceId;
  };

  resource(router, credentialsPath, {
    get: [
      deviceSignature,
      async (req, res) => {
        const signing = res.locals.signingTarget as DispatchTargetRecord;
        const credentials = await devices.listCredentials(ofPathDevice(req, signing), signing.username);
        const deviceId = signing.deviceId!;
        res.json({
          deviceId,
          credentials: credentials.map(({ username, aaid, keyId, createdAt, lastUsedAt }) => ({
            username,
            aaid,
            keyId,
            extId: credentialExtIdOf(aaid, keyId),
            createdAt: createdAt.toISOString(),
            ...(lastUsedAt && { lastUsedAt: lastUsedAt.toISOString() }),
          })),
        });
      },
    ],
    delete: [
      deviceSignature,
      async (req, res) => {
        const signing = res.locals.signingTarget as DispatchTargetRecord;
        await devices.remove(ofPathDevice(req, signing), signing.username);
        res.status(204).end();
      },
    ],
  });

  /** The out-of-band payload of a dispatch, as it was pushed: the token derived again, encrypted to the target's key. */
  async function fetchedOperation(dispatch: PendingDispatch, encryptionKey: DispatchTargetRecord['encryptionKey']) {
    const token = dispatchTokenOf(dispatch.workflowId, dispatch.sessionId, keys.dispatchToken);
    const nmaData = buildNmaData(token, publicUrl, dispatch.operation, dispatch.channelLinking, dispatch.data);
    return {
      creationTimeInEpochMillis: dispatch.createdAt.getTime(),
      dispatcher: dispatch.dispatcher,
      dispatchTargetId: dispatch.dispatchTargetId,
      outOfBandPayload: await buildDispatchPayload(nmaData, encryptionKey),
    };
  }

  resource(router, operationsPath, {
    get: [
      deviceSignature,
      async (_req, res) => {
        const signing = res.locals.signingTarget as DispatchTargetRecord;
        const targetIds = signing.deviceId === undefined ? [signing.id] : await devices.targetIdsOf(signing.deviceId, signing.username);
        const open = await pending.listOpen(targetIds, now());
        // One entry per operation, its newest dispatch (a fallback supersedes older tokens by default).
        const seen = new Set<string>();
        const newestFirst = open.filter((dispatch) => !seen.has(dispatch.workflowId) && seen.add(dispatch.workflowId));
        const waiting = (await Promise.all(newestFirst.map(async (dispatch) => ((await awaitsRedeem(client, dispatch.workflowId)) ? dispatch : undefined)))).filter(
          (dispatch): dispatch is PendingDispatch => dispatch !== undefined,
        );
        const keysOf = new Map<string, DispatchTargetRecord['encryptionKey']>();
        for (const id of new Set(waiting.map((dispatch) => dispatch.dispatchTargetId))) keysOf.set(id, (await targets.get(id))?.encryptionKey);
        res.json({ operations: await Promise.all(waiting.map((dispatch) => fetchedOperation(dispatch, keysOf.get(dispatch.dispatchTargetId)))) });
      },
    ],
  });

  return router;
}
