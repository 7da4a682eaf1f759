import type { Db } from 'mongodb';
import { createCredentials } from './credentials.js';
import { createDispatchTargets } from './dispatchTargets.js';
import { createRequestIds } from './requestIds.js';
import { createDevices } from './devices.js';
import { ensurePendingDispatchIndexes } from './pendingDispatches.js';
import { createAuditTrail } from './audit.js';

/**
 * Creates every index the store relies on, in one place: the worker and the api call it at start,
 * the test stack (and the benchmark through it) before their first write. Idempotent. The other
 * collections (sessions, dispatch budget, dispatch records, deregistrations) are read by
 * `_id` only, and their unique `_id` is what makes a rerun of an activity recognise its own write.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  await createCredentials(db).ensureIndexes();
  await createDispatchTargets(db).ensureIndexes();
  await createRequestIds(db).ensureIndexes();
  await createDevices(db).ensureIndexes();
  await ensurePendingDispatchIndexes(db);
  await createAuditTrail(db).ensureIndexes();
}
