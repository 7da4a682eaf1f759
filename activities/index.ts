import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import type { ServerKeys } from '../config/deriveKeys.js';
import { createCredentials } from '../store/credentials.js';
import { pingDatabase } from '../store/database.js';
import type { MetadataStatement } from '../uaf/index.js';
import { createUafOperations } from './uafOperations.js';

export interface ActivityDependencies {
  db: Db;
  metadata: ReadonlyMap<string, MetadataStatement>;
  uaf: { appId: string; trustedFacets: readonly string[] };
  keys: ServerKeys;
  /** Injected for tests; defaults to the wall clock. */
  now?: () => Date;
}

/** Builds every activity over its dependencies; the worker registers the result. */
export function createActivities({ db, metadata, uaf, keys, now = () => new Date() }: ActivityDependencies) {
  return {
    /** Proves the worker reaches MongoDB; used by the end-to-end health probe. */
    async checkDatabase(): Promise<{ reachable: true }> {
      await pingDatabase(db);
      return { reachable: true };
    },
    ...createUafOperations({
      credentials: createCredentials(db),
      metadata,
      appId: uaf.appId,
      trustedFacetIds: uaf.trustedFacets,
      keys,
      random: (length) => new Uint8Array(randomBytes(length)),
      now,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
