import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import type { ServerKeys } from '../config/deriveKeys.js';
import type { DispatcherRegistry } from '../dispatch/index.js';
import { createCredentials } from '../store/credentials.js';
import { pingDatabase } from '../store/database.js';
import { createDispatchTargets } from '../store/dispatchTargets.js';
import { createRequestIds } from '../store/requestIds.js';
import { createDispatchBudget } from '../store/dispatchBudget.js';
import { createDispatchRecords } from '../store/dispatches.js';
import { createPendingDispatches } from '../store/pendingDispatches.js';
import { defaultDispatchLimits, type DispatchLimits } from '../limits/pushFatigue.js';
import { userHashOf, workflowIdOf } from '../store/sessionKeys.js';
import { createSessions } from '../store/sessions.js';
import type { MetadataStatement } from '../uaf/index.js';
import { createCleanup } from './cleanup.js';
import { createAuditTrail } from '../store/audit.js';
import { createSendDispatch, createSettleDispatch, type SendDispatchResult } from './sendDispatch.js';
import { createUafOperations } from './uafOperations.js';

export interface ActivityDependencies {
  db: Db;
  metadata: ReadonlyMap<string, MetadataStatement>;
  uaf: { appId: string; trustedFacets: readonly string[] };
  keys: ServerKeys;
  dispatchers: DispatcherRegistry;
  /** Base of `redeem_url` in the out-of-band payload. */
  publicUrl: string;
  /** Push-fatigue limits; defaults in limits/pushFatigue.ts `defaultDispatchLimits`. */
  dispatchLimits?: DispatchLimits;
  /** Injected for tests; defaults to the wall clock. */
  now?: () => Date;
  /** AUDIT_RETENTION_DAYS: the cleanup removes older audit events (default 90). */
  auditRetentionDays?: number;
}

/** Builds every activity over its dependencies; the worker registers the result. */
export function createActivities({ db, metadata, uaf, keys, dispatchers, publicUrl, dispatchLimits = defaultDispatchLimits, now = () => new Date(), auditRetentionDays = 90 }: ActivityDependencies) {
  const credentials = createCredentials(db);
  const budget = createDispatchBudget(db);
  const sessions = createSessions(db);
  const dispatchRecords = createDispatchRecords<SendDispatchResult>(db);
  const pendingDispatches = createPendingDispatches(db, keys.pendingDispatch);
  return {
    /** Proves the worker reaches MongoDB; used by the end-to-end health probe. */
    async checkDatabase(): Promise<{ reachable: true }> {
      await pingDatabase(db);
      return { reachable: true };
    },
    ...createUafOperations({
      credentials,
      metadata,
      appId: uaf.appId,
      trustedFacetIds: uaf.trustedFacets,
      keys,
      random: (length) => new Uint8Array(randomBytes(length)),
      now,
    }),
    sendDispatch: createSendDispatch({
      dispatchers,
      targets: createDispatchTargets(db),
      sessions,
      credentials,
      budget,
      dispatchLimits,
      records: dispatchRecords,
      userHashOf: (username) => userHashOf(username, keys.userHash),
      appId: uaf.appId,
      publicUrl,
      sessionKeyOf: (sessionId) => workflowIdOf(sessionId, keys.sessionId),
      dispatchTokenKey: keys.dispatchToken,
      pendingDispatches,
      now,
    }),
    removeExpiredRows: createCleanup({ sessions, requestIds: createRequestIds(db), credentials, dispatchRecords, audit: createAuditTrail(db), pendingDispatches, auditRetentionDays, now }),
    settleDispatch: createSettleDispatch({ budget, now }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
