import type { Db } from 'mongodb';
import { pingDatabase } from '../store/database.js';

export interface ActivityDependencies {
  db: Db;
}

/** Builds every activity over its dependencies; the worker registers the result. */
export function createActivities({ db }: ActivityDependencies) {
  return {
    /** Proves the worker reaches MongoDB; used by the end-to-end health probe. */
    async checkDatabase(): Promise<{ reachable: true }> {
      await pingDatabase(db);
      return { reachable: true };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
