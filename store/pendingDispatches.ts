import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import type { ChannelLinking, Operation } from '../contract/operation.js';
import { isDuplicateKey } from './storeError.js';

// The fetch channel (the SDK's "pending out-of-band operations", nevisfido-api.md §4.6): what a
// phone whose push never arrived needs to ask for the operations dispatched to it. One row per
// dispatch to a target, written by the dispatch activity once the dispatcher answered. No token is
// stored: the API derives it again from the workflow and session ids (store/sessionKeys.ts
// `dispatchTokenOf`), and the session id, the channel-linking choices and the relying party's
// `data` are sealed with AES-256-GCM under a key of the server secret, so a database reader learns
// neither a token nor anything that leads to one.

/** What is needed to rebuild the dispatch's payload; sealed in the row. */
export interface SealedDispatchFields {
  sessionId: string;
  channelLinking?: ChannelLinking;
  data?: unknown;
}

export interface PendingDispatch extends SealedDispatchFields {
  workflowId: string;
  dispatchTargetId: string;
  operation: Operation;
  dispatcher: string;
  createdAt: Date;
  expiresAt: Date;
}

interface PendingDispatchDocument {
  /** `<workflowId>/<tokenHash>`: a rerun of the activity writes the same row once. */
  _id: string;
  workflowId: string;
  dispatchTargetId: string;
  operation: Operation;
  dispatcher: string;
  /** base64url of IV ‖ ciphertext ‖ tag of the JSON of SealedDispatchFields; the row's id is the AAD. */
  sealed: string;
  createdAt: Date;
  expiresAt: Date;
}

function seal(fields: SealedDispatchFields, key: Uint8Array, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(JSON.stringify(fields), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

function unseal(sealed: string, key: Uint8Array, aad: string): SealedDispatchFields {
  const bytes = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12)).setAAD(Buffer.from(aad));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8')) as SealedDispatchFields;
}

const collectionOf = (db: Db) => db.collection<PendingDispatchDocument>('pendingDispatches');

/** The listing by target (store/indexes.ts). */
export async function ensurePendingDispatchIndexes(db: Db): Promise<void> {
  await collectionOf(db).createIndex({ dispatchTargetId: 1, expiresAt: 1 });
}

/** `key`: `ServerKeys.pendingDispatch` (config/deriveKeys.ts). */
export function createPendingDispatches(db: Db, key: Uint8Array) {
  const collection = collectionOf(db);
  return {
    /** Records one dispatch to a target; a second record of the same dispatch keeps the first. */
    async record(tokenHash: string, dispatch: PendingDispatch): Promise<void> {
      const { sessionId, channelLinking, data, ...visible } = dispatch;
      const _id = `${dispatch.workflowId}/${tokenHash}`;
      // Through JSON: an absent field stays absent, not null.
      const sealed = seal(JSON.parse(JSON.stringify({ sessionId, channelLinking, data })) as SealedDispatchFields, key, _id);
      await collection.insertOne({ _id, ...visible, sealed }).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
    },

    /** The unexpired dispatches to these targets, newest first. */
    async listOpen(dispatchTargetIds: readonly string[], now: Date): Promise<PendingDispatch[]> {
      const rows = await collection
        .find({ dispatchTargetId: { $in: [...dispatchTargetIds] }, expiresAt: { $gt: now } })
        .sort({ createdAt: -1, _id: 1 })
        .toArray();
      return rows.map(({ _id, sealed, ...visible }) => ({ ...visible, ...unseal(sealed, key, _id) }));
    },

    /** For a cleanup: rows whose token has expired. */
    async removeExpiredBefore(cutoff: Date): Promise<number> {
      return (await collection.deleteMany({ expiresAt: { $lt: cutoff } })).deletedCount;
    },
  };
}

export type PendingDispatches = ReturnType<typeof createPendingDispatches>;
