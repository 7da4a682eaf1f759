import { MongoClient, type Db } from 'mongodb';

export interface Database {
  client: MongoClient;
  db: Db;
}

/**
 * Builds the MongoDB client without connecting: the driver connects on first use, so a process
 * starts (and reports itself unhealthy) while the database is still down.
 */
export function createDatabase(uri: string): Database {
  // Fail fast when the server is gone instead of the driver's 30 s default.
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2_000, appName: 'outband' });
  return { client, db: client.db() };
}

/** Round trip to the database server; throws when it cannot be reached. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.command({ ping: 1 });
}
