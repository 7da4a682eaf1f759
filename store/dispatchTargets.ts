import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { Db } from 'mongodb';
import { isDuplicateKey, StoreError } from './storeError.js';

/**
 * A destination the server can send out-of-band tokens to: one app installation of one user
 * (nevisFIDO "dispatch target", SDK "DeviceInformation").
 */
export interface DispatchTargetRecord {
  /** UUID; the id of the API paths and of `dispatchTargetId`. */
  id: string;
  /** UUID; the external id of nevisIDM's dispatch-target entity. */
  extId: string;
  username: string;
  /** Unique among the user's targets. */
  name: string;
  deviceId?: string;
  /** Default dispatcher id, e.g. `firebase-cloud-messaging`. */
  dispatcher: string;
  /** Dispatcher-specific address, e.g. the FCM registration token. */
  target?: string;
  /** Public JWK that `nma_data` is encrypted to. */
  encryptionKey?: JWK;
  /** Public JWK that verifies the phone's signed modifications. */
  signatureKey?: JWK;
  /** The provider said `target` will never work again (FCM `UNREGISTERED`); a new `target` clears it. */
  pushTokenDead?: boolean;
  /** The user turned push off (a signed change with `target: null`): no push address; a new `target` clears it. */
  pushDisabled?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type NewDispatchTarget = Omit<DispatchTargetRecord, 'id' | 'extId' | 'createdAt' | 'updatedAt' | 'pushTokenDead' | 'pushDisabled'>;
/** `target: null`: push disabled (the address removed, the target kept). */
export type DispatchTargetChanges = Partial<Pick<DispatchTargetRecord, 'name' | 'dispatcher'>> & { target?: string | null };

type DispatchTargetDocument = Omit<DispatchTargetRecord, 'id'> & { _id: string };

const toRecord = ({ _id, ...rest }: DispatchTargetDocument): DispatchTargetRecord => ({ id: _id, ...rest });

const nameTaken = (name: string, cause?: unknown) =>
  new StoreError('dispatchTargetNameTaken', `This user already has a dispatch target named ${JSON.stringify(name)}.`, { cause });

/** The write of a change: a new `target` clears `pushTokenDead` and `pushDisabled`; `target: null` removes the address and sets `pushDisabled`. */
function updateOf({ target, ...rest }: DispatchTargetChanges, now: Date) {
  const $set = { ...rest, ...(typeof target === 'string' && { target }), ...(target === null && { pushDisabled: true }), updatedAt: now };
  const $unset = { ...(target !== undefined && { pushTokenDead: '' as const }), ...(target === null && { target: '' as const }), ...(typeof target === 'string' && { pushDisabled: '' as const }) };
  return Object.keys($unset).length > 0 ? { $set, $unset } : { $set };
}

export function createDispatchTargets(db: Db) {
  const collection = db.collection<DispatchTargetDocument>('dispatchTargets');
  return {
    /** `{username, name}` carries the name rule and serves the listing by user. */
    async ensureIndexes(): Promise<void> {
      await collection.createIndex({ username: 1, name: 1 }, { unique: true });
      await collection.createIndex({ extId: 1 }, { unique: true });
    },

    /** Saves a new target with fresh ids; a name the user already uses is `dispatchTargetNameTaken`. */
    async create(target: NewDispatchTarget, now: Date): Promise<DispatchTargetRecord> {
      const document: DispatchTargetDocument = { _id: randomUUID(), extId: randomUUID(), ...target, createdAt: now, updatedAt: now };
      try {
        await collection.insertOne(document);
      } catch (error) {
        if (isDuplicateKey(error)) throw nameTaken(target.name, error);
        throw error;
      }
      return toRecord(document);
    },

    /** How many targets the user has (the per-user cap). */
    async countForUser(username: string): Promise<number> {
      return collection.countDocuments({ username });
    },

    /** The whole target, keys and push token included (the dispatch needs them). */
    async get(id: string): Promise<DispatchTargetRecord | undefined> {
      const document = await collection.findOne({ _id: id });
      return document ? toRecord(document) : undefined;
    },

    /** The user's targets, oldest first. */
    async listForUser(username: string): Promise<DispatchTargetRecord[]> {
      return (await collection.find({ username }).sort({ createdAt: 1, _id: 1 }).toArray()).map(toRecord);
    },

    /**
     * Applies `changes`; false when the target is gone. A new `target` clears `pushTokenDead`.
     * The name is checked before the write as well as by the index: FerretDB does not report an
     * update that breaks a unique index, MongoDB does (11000), and both end as `dispatchTargetNameTaken`.
     */
    async update(id: string, changes: DispatchTargetChanges, now: Date): Promise<boolean> {
      const current = await collection.findOne({ _id: id }, { projection: { username: 1 } });
      if (!current) return false;
      if (changes.name !== undefined && (await collection.countDocuments({ username: current.username, name: changes.name, _id: { $ne: id } })) > 0) {
        throw nameTaken(changes.name);
      }
      try {
        const result = await collection.updateOne({ _id: id }, updateOf(changes, now));
        return result.matchedCount === 1;
      } catch (error) {
        if (isDuplicateKey(error) && changes.name !== undefined) throw nameTaken(changes.name, error);
        throw error;
      }
    },

    /**
     * Marks the push token dead (the provider answered UNREGISTERED). With `target`, only while
     * that token is still the stored one, so a token the phone rotated in meanwhile stays alive.
     * True when a target was marked.
     */
    async markTargetDead(id: string, target?: string): Promise<boolean> {
      const result = await collection.updateOne(
        { _id: id, ...(target !== undefined ? { target } : { target: { $exists: true } }) },
        { $set: { pushTokenDead: true } },
      );
      return result.matchedCount === 1;
    },

    /** Erasure: every target of the user; their ids. */
    async removeForUser(username: string): Promise<string[]> {
      const ids = (await collection.find({ username }, { projection: { _id: 1 } }).toArray()).map((document) => document._id);
      if (ids.length) await collection.deleteMany({ _id: { $in: ids } });
      return ids;
    },

    /** Deletes the target; false when there was none. */
    async remove(id: string): Promise<boolean> {
      return (await collection.deleteOne({ _id: id })).deletedCount === 1;
    },
  };
}

export type DispatchTargets = ReturnType<typeof createDispatchTargets>;
