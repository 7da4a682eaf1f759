import type { Db } from 'mongodb';

// One phone (an app installation, the SDK's `deviceId`) as the Device Service sees it
// (nevisfido-api.md §4.6): the credentials it registered and its dispatch targets. A credential
// learns its `deviceId` when the phone creates its dispatch target with the device token of the
// operation that used that credential (api/dispatchTargetRoutes.ts); a target carries the
// `deviceId` the phone gave it. Same collections as store/credentials.ts and
// store/dispatchTargets.ts, whose `_id`s are `<aaid>/<keyId>` and the target id.
//
// A `deviceId` is only what the phone says, so every query is scoped to one user as well (the
// owner of the target whose key signed): a phone that claims another user's deviceId for its own
// target reaches nothing of that user.

/** A credential of the device, as the Device Service lists it (no public key, no counters). */
export interface DeviceCredential {
  username: string;
  aaid: string;
  keyId: string;
  createdAt: Date;
  lastUsedAt?: Date;
}

interface CredentialFields {
  _id: string;
  username: string;
  aaid: string;
  keyId: string;
  createdAt: Date;
  lastUsedAt?: Date;
  deviceId?: string;
}

interface TargetFields {
  _id: string;
  username: string;
  deviceId?: string;
}

export function createDevices(db: Db) {
  const credentials = db.collection<CredentialFields>('credentials');
  const targets = db.collection<TargetFields>('dispatchTargets');
  return {
    /** The listing and the removal by device. */
    async ensureIndexes(): Promise<void> {
      await credentials.createIndex({ deviceId: 1 });
      await targets.createIndex({ deviceId: 1 });
    },

    /** Marks the user's keys (`<aaid>/<keyId>`, as a device token names them) as held by `deviceId`. */
    async assignCredentials(username: string, keys: readonly string[], deviceId: string): Promise<void> {
      if (keys.length === 0) return;
      await credentials.updateMany({ _id: { $in: [...keys] }, username }, { $set: { deviceId } });
    },

    /** The user's credentials on the device, oldest first. */
    async listCredentials(deviceId: string, username: string): Promise<DeviceCredential[]> {
      const found = await credentials
        .find({ deviceId, username }, { projection: { username: 1, aaid: 1, keyId: 1, createdAt: 1, lastUsedAt: 1 } })
        .sort({ createdAt: 1, _id: 1 })
        .toArray();
      return found.map(({ username, aaid, keyId, createdAt, lastUsedAt }) => ({ username, aaid, keyId, createdAt, ...(lastUsedAt && { lastUsedAt }) }));
    },

    /** The ids of the user's dispatch targets on the device. */
    async targetIdsOf(deviceId: string, username: string): Promise<string[]> {
      return (await targets.find({ deviceId, username }, { projection: { _id: 1 } }).toArray()).map((target) => target._id);
    },

    /** A phone sold or lost: the user's credentials and dispatch targets on it go; what was removed. */
    async remove(deviceId: string, username: string): Promise<{ credentials: number; dispatchTargets: number }> {
      const removedCredentials = (await credentials.deleteMany({ deviceId, username })).deletedCount;
      const removedTargets = (await targets.deleteMany({ deviceId, username })).deletedCount;
      return { credentials: removedCredentials, dispatchTargets: removedTargets };
    },
  };
}

export type Devices = ReturnType<typeof createDevices>;
