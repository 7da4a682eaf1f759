import type { Db } from 'mongodb';
import { isDuplicateKey, StoreError } from './storeError.js';

/** One registered UAF key: the authenticator's public key, bound to a user and an AppID. */
export interface Credential {
  username: string;
  appId: string;
  aaid: string;
  keyId: string;
  /** SPKI DER, base64url. */
  publicKey: string;
  publicKeyAlgAndEncoding: number;
  authenticationAlgorithm: number;
  signCounter: number;
  attestationType: string;
  createdAt: Date;
  lastUsedAt?: Date;
  /** The operation (workflow id) that registered it: its rerun recognises its own insert. */
  createdBy?: string;
  /** The last authentication that moved the counter, and the counter it saw (so its rerun verifies the same). */
  lastOperation?: { id: string; previousSignCounter: number };
}

type CredentialDocument = Credential & { _id: string };

/** A key as a deregistration names it. */
export type KeyReference = { aaid: string; keyId: string };

/**
 * What one deregistration removed, written before the removal: a rerun of the operation removes
 * and answers the same keys, although they are gone from `credentials` by then.
 */
type DeregistrationDocument = { _id: string; removed: KeyReference[]; createdAt: Date };

const idOf = (aaid: string, keyId: string) => `${aaid}/${keyId}`;
const toCredential = ({ _id, ...credential }: CredentialDocument): Credential => credential;

export type DeregistrationSelector = { username: string; aaids?: string[]; keyIds?: string[] };

export function createCredentials(db: Db) {
  const collection = db.collection<CredentialDocument>('credentials');
  const deregistrations = db.collection<DeregistrationDocument>('deregistrations');
  return {
    /** The _id carries the (AAID, KeyID) uniqueness; one user's listing is the other index. */
    async ensureIndexes(): Promise<void> {
      await collection.createIndex({ username: 1, appId: 1 });
    },

    /**
     * Saves a new credential; the same (AAID, KeyID) again is `credentialExists`, unless the
     * stored one was written by the same operation (`createdBy`): then it is this operation's own
     * earlier insert, and the rerun succeeds without writing.
     */
    async add(credential: Credential): Promise<void> {
      const _id = idOf(credential.aaid, credential.keyId);
      try {
        await collection.insertOne({ _id, ...credential });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const stored = await collection.findOne({ _id }, { projection: { createdBy: 1 } });
        if (credential.createdBy !== undefined && stored?.createdBy === credential.createdBy) return;
        throw new StoreError('credentialExists', 'This authenticator key is already registered.', { cause: error });
      }
    },

    async find(aaid: string, keyId: string): Promise<Credential | undefined> {
      const document = await collection.findOne({ _id: idOf(aaid, keyId) });
      return document ? toCredential(document) : undefined;
    },

    async listForUser(username: string, appId: string): Promise<Credential[]> {
      return (await collection.find({ username, appId }).toArray()).map(toCredential);
    },

    /**
     * Moves the sign counter from `seen` to `next` for `operationId` only if no one moved it
     * meanwhile: a cloned authenticator racing the original loses (false). When the move is
     * already there by the same operation (a rerun after a lost acknowledgement), true without a
     * second write. On MongoDB the filter-and-set is atomic; FerretDB has no atomic one on SQLite.
     */
    async advanceSignCounter(aaid: string, keyId: string, move: { seen: number; next: number; operationId: string }, now: Date): Promise<boolean> {
      const _id = idOf(aaid, keyId);
      const result = await collection.updateOne(
        { _id, signCounter: move.seen, 'lastOperation.id': { $ne: move.operationId } },
        { $set: { signCounter: move.next, lastUsedAt: now, lastOperation: { id: move.operationId, previousSignCounter: move.seen } } },
      );
      if (result.matchedCount === 1) return true;
      return (await collection.countDocuments({ _id, signCounter: move.next, 'lastOperation.id': move.operationId })) === 1;
    },

    /**
     * Removes the selected credentials of one user for the deregistration `operationId` and
     * returns what it removed. The list is recorded first (unique by operation): a rerun removes
     * and answers the same keys instead of finding none.
     */
    async removeForOperation(operationId: string, appId: string, { username, aaids, keyIds }: DeregistrationSelector, now: Date): Promise<KeyReference[]> {
      let record = await deregistrations.findOne({ _id: operationId });
      if (!record) {
        const filter = { username, appId, ...(aaids ? { aaid: { $in: aaids } } : {}), ...(keyIds ? { keyId: { $in: keyIds } } : {}) };
        const selected = await collection.find(filter, { projection: { aaid: 1, keyId: 1 } }).toArray();
        if (selected.length === 0) return [];
        record = { _id: operationId, removed: selected.map(({ aaid, keyId }) => ({ aaid, keyId })), createdAt: now };
        try {
          await deregistrations.insertOne(record);
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          record = (await deregistrations.findOne({ _id: operationId }))!; // a concurrent run of the same operation won
        }
      }
      // Only keys registered before the record: the same key registered again since is not this operation's.
      await collection.deleteMany({ _id: { $in: record.removed.map((key) => idOf(key.aaid, key.keyId)) }, createdAt: { $lte: record.createdAt } });
      return record.removed;
    },

    /** Admin revocation and erasure: one key of the user (`key`) or all of them; what it removed. */
    async removeForUser(username: string, key?: KeyReference): Promise<KeyReference[]> {
      const filter = { username, ...(key && { _id: idOf(key.aaid, key.keyId) }) };
      const selected = await collection.find(filter, { projection: { aaid: 1, keyId: 1 } }).toArray();
      if (selected.length) await collection.deleteMany({ _id: { $in: selected.map((document) => document._id) } });
      return selected.map(({ aaid, keyId }) => ({ aaid, keyId }));
    },

    /** For the cleanup schedule: deregistration records whose operations are long over. */
    async removeDeregistrationsBefore(cutoff: Date): Promise<number> {
      return (await deregistrations.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
    },
  };
}

export type Credentials = ReturnType<typeof createCredentials>;
