import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';

/** The security-relevant actions of Outband (README "Operate"). */
export type AuditAction =
  | 'registration'
  | 'authentication'
  | 'deregistration'
  | 'denied'
  | 'dispatchRefused'
  | 'targetCreated'
  | 'targetPatched'
  | 'targetDeleted'
  | 'adminListed'
  | 'adminRevoked'
  | 'adminErased'
  | 'codecDecode';

/**
 * One audit event. Never a secret: no user name (its keyed hash), no key (a 12-hex-digit hash of
 * it names which one acted), no token, no push address.
 */
export interface AuditEvent {
  at: Date;
  action: AuditAction;
  outcome: 'succeeded' | 'failed' | 'refused';
  /** Why it failed or was refused: a failureReason or an error code. */
  reason?: string;
  /** OutbandUserHash: the keyed hash of the user name (store/sessionKeys.ts `userHashOf`). */
  userHash?: string;
  /** Short hash of the relying-party key (`rpKeyId`) or operator key (`operatorKeyId`) presented. */
  rpKeyId?: string;
  operatorKeyId?: string;
  /** The caller's address as the API saw it (TRUST_PROXY); absent for events the worker records. */
  clientAddress?: string;
  /** The operation's workflow id, where there is one. */
  workflowId?: string;
  /** Non-secret specifics (a dispatch target id, a dispatcher id, a count). */
  details?: Record<string, string | number | boolean>;
}

type AuditDocument = AuditEvent & { _id: string };

export function createAuditTrail(db: Db) {
  const collection = db.collection<AuditDocument>('audit');
  return {
    /** A user's events newest first; retention deletes by time. */
    async ensureIndexes(): Promise<void> {
      await collection.createIndex({ userHash: 1, at: -1 });
      await collection.createIndex({ at: 1 });
    },

    /**
     * Records one event. With `key` (the worker's: `<workflowId>/<action>`) a second record of the
     * same event keeps the first, so a repeated call writes nothing new.
     */
    async record(event: AuditEvent, key: string = randomUUID()): Promise<void> {
      // Through JSON for the optional fields (BSON would store `undefined` as null); `at` stays a Date.
      const fields = JSON.parse(JSON.stringify(event)) as AuditEvent;
      await collection.updateOne({ _id: key }, { $setOnInsert: { ...fields, at: event.at } }, { upsert: true });
    },

    async listForUser(userHash: string, limit: number): Promise<AuditEvent[]> {
      const documents = await collection.find({ userHash }).sort({ at: -1 }).limit(limit).toArray();
      return documents.map(({ _id, ...event }) => event);
    },

    /** For the cleanup schedule: events older than the retention (AUDIT_RETENTION_DAYS). */
    async removeBefore(cutoff: Date): Promise<number> {
      return (await collection.deleteMany({ at: { $lt: cutoff } })).deletedCount;
    },
  };
}

export type AuditTrail = ReturnType<typeof createAuditTrail>;
