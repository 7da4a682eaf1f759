/**
 * What an integration test file needs from the shared servers: its own task queue and database
 * (so files never steal each other's tasks or data), Temporal clients, and a time-skipping
 * environment.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { MongoClient, type Db } from 'mongodb';
import { inject } from 'vitest';
import { workflowInterceptorModules } from '../../worker/workflowSource.js';

/** A name unique to this run, e.g. a task queue or database per test file. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export interface TemporalHarness {
  address: string;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** Client and worker connections to the shared dev server. */
export async function connectTemporal(): Promise<TemporalHarness> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection, namespace: 'default' }),
    connection,
    nativeConnection,
    async close() {
      await Promise.allSettled([connection.close(), nativeConnection.close()]);
    },
  };
}

/** A database of its own on the shared FerretDB, dropped by `close()`. */
export async function connectTestDatabase(
  server = inject('mongoUri'),
): Promise<{ mongo: MongoClient; db: Db; uri: string; close(): Promise<void> }> {
  const name = uniqueName('test').replace('-', '_');
  const uri = `${server}${name}`;
  const mongo = new MongoClient(uri, { serverSelectionTimeoutMS: 2_000 });
  const db = mongo.db();
  return {
    mongo,
    db,
    uri,
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await mongo.close();
    },
  };
}

/**
 * A time-skipping environment on the shared test server. The SDK's public factories either spawn
 * a server of their own (`createTimeSkipping`) or turn time skipping off (`createFromExistingServer`);
 * its internal `create` connects to an existing one with time skipping on.
 */
export async function connectTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const create = (TestWorkflowEnvironment as unknown as {
    create(options: object): Promise<TestWorkflowEnvironment>;
  }).create.bind(TestWorkflowEnvironment);
  return create({
    server: { type: 'existing' },
    address: inject('timeSkippingAddress'),
    namespace: 'default',
    supportsTimeSkipping: true,
  });
}

/** Bundles `workflows/` (or a fixture) once per test file; workers then start in milliseconds. */
export function bundleWorkflows(
  workflowsPath = new URL('../../workflows/index.ts', import.meta.url).pathname,
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: new DefaultLogger('WARN') });
}
