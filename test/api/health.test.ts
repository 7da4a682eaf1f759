import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { createApp } from '../../api/createApp.js';
import { freePort, startFerretDb, type Service } from '../../scripts/services.js';
import { createDatabase, type Database } from '../../store/database.js';
import { bundleWorkflows, connectTemporal, connectTestDatabase, uniqueName, type TemporalHarness } from '../setup/harness.js';
import { testConfig } from '../setup/testConfig.js';
import { deriveKeys } from '../../config/deriveKeys.js';
import { createDispatchers } from '../../dispatch/index.js';
import type { Db } from 'mongodb';

const activityDependencies = (db: Db) => {
  const config = testConfig();
  return { db, metadata: new Map(), uaf: config.uaf, keys: deriveKeys(config.serverSecret), dispatchers: createDispatchers({ linkBaseUrl: config.linkBaseUrl }), publicUrl: config.publicUrl };
};

const logger = pino({ level: 'silent' });
let temporal: TemporalHarness;
let bundle: WorkflowBundleWithSourceMap;

async function listen(app: ReturnType<typeof createApp>): Promise<{ url: string; server: Server }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

beforeAll(async () => {
  temporal = await connectTemporal();
  bundle = await bundleWorkflows();
});
afterAll(() => temporal?.close());

describe('GET /healthz/workflow', () => {
  it('runs the probe workflow on a real worker that reaches FerretDB', async () => {
    const database = await connectTestDatabase();
    const taskQueue = uniqueName('health');
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: { checkDatabase: createActivities(activityDependencies(database.db)).checkDatabase },
    });
    const config = testConfig({ TEMPORAL_TASK_QUEUE: taskQueue });
    const { url, server } = await listen(createApp({ client: temporal.client, db: database.db, config, logger }));
    try {
      await worker.runUntil(async () => {
        const response = await fetch(`${url}/healthz/workflow`, { headers: { authorization: `Bearer ${config.rpApiKeys[0]}` } });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ status: 'ok', taskQueue, database: 'reachable' });
      });
      // The workflow really ran on the server: its history is there and it completed.
      const { executions } = await temporal.client.workflowService.listWorkflowExecutions({
        namespace: 'default',
        query: `TaskQueue = "${taskQueue}" AND WorkflowType = "probe" AND ExecutionStatus = "Completed"`,
      });
      expect(executions).toHaveLength(1);
    } finally {
      server.close();
      await database.close();
    }
  });

  it('answers 503 when no worker polls the task queue', async () => {
    const database = await connectTestDatabase();
    const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueName('no-worker') });
    const { url, server } = await listen(createApp({ client: temporal.client, db: database.db, config, logger }));
    try {
      const response = await fetch(`${url}/healthz/workflow`, { headers: { authorization: `Bearer ${config.rpApiKeys[0]}` } });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: 'serviceUnavailable' });
    } finally {
      server.close();
      await database.close();
    }
  }, 30_000);
});

describe('GET /healthz', () => {
  let dataDir: string;
  let ferretdb: Service;
  let database: Database;
  let port: number;

  beforeAll(async () => {
    // A FerretDB of this file's own, so stopping it disturbs no other test.
    dataDir = await mkdtemp(join(tmpdir(), 'outband-health-'));
    port = await freePort();
    ferretdb = await startFerretDb({ port, dataDir, output: () => undefined });
    database = createDatabase(`${ferretdb.address}health`);
  });
  afterAll(async () => {
    await database?.client.close();
    await ferretdb?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 200 while both are up, 503 naming MongoDB while FerretDB is down, 200 once it is back', async () => {
    const config = testConfig();
    const { url, server } = await listen(createApp({ client: temporal.client, db: database.db, config, logger }));
    const health = async () => {
      const response = await fetch(`${url}/healthz`);
      return { status: response.status, body: await response.json() };
    };
    try {
      expect(await health()).toEqual({ status: 200, body: { status: 'ok', temporal: 'up', mongodb: 'up' } });

      await ferretdb.stop();
      expect(await health()).toEqual({
        status: 503,
        body: { error: 'serviceUnavailable', message: 'MongoDB is unreachable.', temporal: 'up', mongodb: 'down' },
      });

      ferretdb = await startFerretDb({ port, dataDir, output: () => undefined });
      await expect.poll(health, { timeout: 20_000, interval: 500 }).toMatchObject({ status: 200 });
    } finally {
      server.close();
    }
  });

  it('answers 503 naming Temporal when the Temporal server cannot be reached', async () => {
    const { Client, Connection } = await import('@temporalio/client');
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const client = new Client({ connection });
    const { url, server } = await listen(createApp({ client, db: database.db, config: testConfig(), logger }));
    try {
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ message: 'Temporal is unreachable.', temporal: 'down', mongodb: 'up' });
    } finally {
      server.close();
      await connection.close().catch(() => undefined);
    }
  });
});
