import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readMetadataDirectory } from '../../store/metadataDirectory.js';
import { createWorkerDependencies } from '../../worker/createWorkerDependencies.js';
import { createDataConverter } from '../../codec/dataConverter.js';
import { dispatchUpdate, issueRequestUpdate, statusQuery } from '../../workflows/messages.js';
import type { OperationState } from '../../contract/operation.js';
import { bundleWorkflows, connectTestDatabase, connectTimeSkipping, uniqueName } from '../setup/harness.js';
import { testConfig } from '../setup/testConfig.js';
import { deriveKeys } from '../../config/deriveKeys.js';
import { dispatchTokenOf, tokenHashOf } from '../../store/sessionKeys.js';

let env: TestWorkflowEnvironment;
let database: Awaited<ReturnType<typeof connectTestDatabase>>;
beforeAll(async () => {
  [env, database] = await Promise.all([connectTimeSkipping(), connectTestDatabase()]);
});
afterAll(async () => {
  await env?.teardown();
  await database?.close();
});

/** A worker with the real activities on the time-skipping server, and a client sharing its codec. */
async function createExpiryWorker() {
  const config = testConfig();
  const taskQueue = uniqueName('expiry');
  const dataConverter = createDataConverter(config.payloadCodecKey);
  const client = new Client({ connection: env.connection, dataConverter });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows(),
    dataConverter,
    // testConfig() names no FCM: no firebase-admin app is opened, so there is nothing to close.
    ...(({ activities, sinks }) => ({ activities, sinks }))(await createWorkerDependencies({ config, db: database.db, metadata: await readMetadataDirectory(config.uaf.metadataDir) })),
  });
  return { client, worker, taskQueue, dispatchTokenKey: deriveKeys(config.serverSecret).dispatchToken };
}

it('a UAF request nobody answers expires by workflow timer: failed, requestExpired, 1408', async () => {
  const { client, worker, taskQueue } = await createExpiryWorker();
  await worker.runUntil(async () => {
    const handle = await client.workflow.start('authentication', {
      taskQueue,
      workflowId: uniqueName('expiring'),
      args: [{ operation: 'authentication', sessionId: uniqueName('session') }],
    });
    const issued = await handle.executeUpdate(issueRequestUpdate);
    expect(issued).toMatchObject({ statusCode: 1200, op: 'Auth', lifetimeMillis: 120_000 });

      await env.sleep('121 seconds');
    const state = (await handle.result()) as OperationState;
    expect(state).toMatchObject({ status: 'failed', failureReason: 'requestExpired', uafStatusCode: 1408 });
    // Two minutes of workflow time, far less of ours.
    });
});

it('an out-of-band token nobody redeems expires by workflow timer: failed, tokenTimedOut', async () => {
  const { client, worker, taskQueue, dispatchTokenKey } = await createExpiryWorker();
  await worker.runUntil(async () => {
    const workflowId = uniqueName('token-expiring');
    const sessionId = uniqueName('session');
    const handle = await client.workflow.start('authentication', {
      taskQueue,
      workflowId,
      args: [{ operation: 'authentication', sessionId: uniqueName('session'), outOfBand: { sessionPolicy: 'latest-only' } }],
    });
    const dispatched = await handle.executeUpdate(dispatchUpdate, {
      args: [{ sessionId, operation: 'authentication', tokenHash: tokenHashOf(dispatchTokenOf(workflowId, sessionId, dispatchTokenKey)), dispatcher: 'link', timeoutSeconds: 300 }],
    });
    expect(dispatched).toMatchObject({ dispatchResult: 'dispatched', dispatcherInformation: { name: 'link' } });
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'tokenCreated' });

    await env.sleep('301 seconds');
    const state = (await handle.result()) as OperationState;
    expect(state).toMatchObject({ status: 'failed', failureReason: 'tokenExpired', tokenInformation: { tokenResult: 'tokenTimedOut' } });
  });
});
