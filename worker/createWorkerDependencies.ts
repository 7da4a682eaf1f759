import type { Db } from 'mongodb';
import { createActivities, type Activities } from '../activities/index.js';
import { deriveKeys, type ServerKeys } from '../config/deriveKeys.js';
import type { Config } from '../config/loadConfig.js';
import { createDispatchers, createFirebaseMessaging, type DispatcherRegistry } from '../dispatch/index.js';
import { ensureIndexes } from '../store/indexes.js';
import type { MetadataStatement } from '../uaf/index.js';
import { loadDispatcherPlugins } from '../dispatch/loadDispatcherPlugins.js';
import type { InjectedSinks } from '@temporalio/worker';
import type { OperationEventSinks } from '../contract/operationEvents.js';
import { createOperationEventSinks, createWorkerMetrics, type WorkerMetrics } from './workerMetrics.js';
import { createAuditListener, type AuditLog } from './auditOperationEvents.js';
import { createAuditTrail } from '../store/audit.js';

export type WorkerConfig = Pick<
  Config,
  'uaf' | 'serverSecret' | 'publicUrl' | 'linkBaseUrl' | 'fcmEmulatorHost' | 'googleApplicationCredentials' | 'dispatchPlugins' | 'dispatchLimits' | 'audit'
>;

export interface WorkerDependencyOptions {
  config: WorkerConfig;
  db: Db;
  /** The authenticators' metadata statements, already loaded (and, in production, vetted). */
  metadata: ReadonlyMap<string, MetadataStatement>;
  /** Bound of one FCM send; the dispatch layer's default when absent. */
  fcmTimeoutMs?: number;
  /** Where audit events go besides the `audit` collection (the worker's logger). */
  auditLog?: AuditLog;
}

export interface WorkerDependencies {
  activities: Activities;
  dispatchers: DispatcherRegistry;
  keys: ServerKeys;
  /** Ids of the dispatchers loaded from DISPATCH_PLUGINS. */
  pluginIds: string[];
  /** The worker's Prometheus registry (worker/workerMetrics.ts), served by worker/metricsServer.ts. */
  metrics: WorkerMetrics;
  /** `Worker.create({ sinks })`: what the workflows report (worker/reportOperationEvents.ts) reaches metrics and audit. */
  sinks: InjectedSinks<OperationEventSinks>;
  /** Releases what was opened here (the firebase-admin app); the database is the caller's. */
  close(): Promise<void>;
}

/**
 * Everything the activities run on, built one way for the worker process, the test stack and the
 * benchmark: keys from the server secret, the dispatcher registry (FCM through firebase-admin to
 * the emulator when FCM_EMULATOR_HOST is set, else to real FCM with GOOGLE_APPLICATION_CREDENTIALS,
 * else no push dispatcher; plus the plug-ins of DISPATCH_PLUGINS), the database's indexes, and
 * `createActivities` over them.
 */
export async function createWorkerDependencies({ config, db, metadata, fcmTimeoutMs, auditLog }: WorkerDependencyOptions): Promise<WorkerDependencies> {
  const messaging = config.fcmEmulatorHost
    ? createFirebaseMessaging({ emulatorHost: config.fcmEmulatorHost })
    : config.googleApplicationCredentials
      ? createFirebaseMessaging({ serviceAccountPath: config.googleApplicationCredentials })
      : undefined;
  try {
    const plugins = await loadDispatcherPlugins(config.dispatchPlugins, { linkBaseUrl: config.linkBaseUrl, publicUrl: config.publicUrl });
    const metrics = createWorkerMetrics();
    const dispatchers = metrics.observeDispatchers(createDispatchers({
      linkBaseUrl: config.linkBaseUrl,
      plugins,
      ...(messaging && { messaging: messaging.messaging }),
      ...(fcmTimeoutMs !== undefined && { fcmTimeoutMs }),
    }));
    await ensureIndexes(db);
    const keys = deriveKeys(config.serverSecret);
    const activities = createActivities({
      db,
      metadata,
      uaf: config.uaf,
      keys,
      dispatchers,
      publicUrl: config.publicUrl,
      dispatchLimits: config.dispatchLimits,
      auditRetentionDays: config.audit.retentionDays,
    });
    const sinks = createOperationEventSinks(metrics.events, createAuditListener(createAuditTrail(db), auditLog));
    return { activities, dispatchers, keys, pluginIds: plugins.map((plugin) => plugin.id), metrics, sinks, close: async () => messaging?.close() };
  } catch (error) {
    await messaging?.close();
    throw error;
  }
}
