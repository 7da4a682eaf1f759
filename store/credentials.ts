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
}

type CredentialDocument = Credential & { _id: string };

const idOf = (aaid: string, keyId: string) => `${aaid}/${keyId}`;
const toCredential = ({ _id, ...credential }: CredentialDocument): Credential => credential;

export type DeregistrationSelector = { username: string; aaids?: string[]; keyIds?: string[] };

export function createCredentials(db: Db) {
  const collection = db.collection<CredentialDocument>('credentials');
  return {
    /** The _id carries the (AAID, KeyID) uniqueness; one user's listing is the other index. */
    async ensureIndexes(): Promise<void> {
      await collection.createIndex({ username: 1, appId: 1 });
    },

    /** Saves a new credential; the same (AAID, KeyID) again is `credentialExists`. */
    async add(credential: Credential): Promise<void> {
      try {
        await collection.insertOne({ _id: idOf(credential.aaid, credential.keyId), ...credential });
      } catch (error) {
        if (isDuplicateKey(error)) {
          throw new StoreError('credentialExists', 'This authenticator key is already registered.', { cause: error });
        }
        throw error;
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
     * Moves the sign counter from `seen` to `next` only if no one moved it meanwhile: a cloned
     * authenticator racing the original loses (false). On MongoDB the filter-and-set is atomic.
     */
    async advanceSignCounter(aaid: string, keyId: string, seen: number, next: number, now: Date): Promise<boolean> {
      const result = await collection.updateOne(
        { _id: idOf(aaid, keyId), signCounter: seen },
        { $set: { signCounter: next, lastUsedAt: now } },
      );
      return result.matchedCount === 1;
    },

    /** Removes the selected credentials of one user and returns what was removed. */
    async removeForUser(appId: string, { username, aaids, keyIds }: DeregistrationSelector): Promise<Credential[]> {
      const filter = {
        username,
        appId,
        ...(aaids ? { aaid: { $in: aaids } } : {}),
        ...(keyIds ? { keyId: { $in: keyIds } } : {}),
      };
      const removed = (await collection.find(filter).toArray()).map(toCredential);
      if (removed.length > 0) await collection.deleteMany({ _id: { $in: removed.map((c) => idOf(c.aaid, c.keyId)) } });
      return removed;
    },
  };
}

export type Credentials = ReturnType<typeof createCredentials>;
