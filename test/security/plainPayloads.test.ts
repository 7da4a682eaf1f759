/**
 * Finding 1 (issue 9): a client without the payload codec key that reaches Temporal starts a
 * `registration` for alice with plain JSON input and dispatches a token of its choosing. Before
 * the fix the worker ran it and the token redeemed to a server-signed RegistrationRequest. Now the
 * worker decodes strictly: the workflow runs none of its input, ends (not retried), and the token
 * is unknown to the API.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { freePort } from '../../scripts/services.js';
import { createDataConverter } from '../../codec/dataConverter.js';
import { connectTestDatabase, uniqueName } from '../setup/harness.js';
import { testEnvironment } from '../setup/testConfig.js';
import { killEntries, startEntry, waitUntil, type Spawned } from './entryPoints.js';

let database: Awaited<ReturnType<typeof connectTestDatabase>>;
let connection: Connection;
let api: Spawned;
let worker: Spawned;
let apiUrl: string;
let taskQueue: string;
let rpKey: string;
let codecKey: Uint8Array;

beforeAll(async () => {
  database = await connectTestDatabase();
  const port = await freePort();
  taskQueue = uniqueName('plain-payloads');
  const env = testEnvironment({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_URI: database.uri,
  });
  apiUrl = `http://127.0.0.1:${port}`;
  rpKey = env.RP_API_KEYS!;
  codecKey = Buffer.from(env.PAYLOAD_CODEC_KEY!, 'base64');
  worker = startEntry('worker/main.ts', env);
  api = startEntry('api/main.ts', env);
  connection = await Connection.connect({ address: inject('temporalAddress') });
  // Ready: the API answers and the worker polls its task queue (no probe workflow: it would write).
  await waitUntil('the API', async () => (await fetch(`${apiUrl}/healthz`).catch(() => undefined))?.status === 200, 90_000, api);
  await waitUntil('the worker', () => worker.output().includes('worker running'), 120_000, worker);
}, 240_000);

afterAll(async () => {
  killEntries();
  await connection?.close();
  await database?.close();
});

async function documentsInDatabase(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of await database.db.listCollections().toArray()) counts[name] = await database.db.collection(name).countDocuments();
  return counts;
}

it('a workflow started without the codec key runs nothing, ends at once, and its token answers 404', async () => {
  // The attacker's client: the Temporal SDK's default (plain JSON) data converter, no codec.
  const attacker = new Client({ connection, namespace: 'default' });
  const sessionId = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const handle = await attacker.workflow.start('registration', {
    taskQueue,
    workflowId: `attack-${randomUUID()}`,
    args: [{ operation: 'registration', sessionId, username: 'alice', outOfBand: { sessionPolicy: 'any' } }],
  });
  const dispatch = attacker.workflow.getHandle(handle.workflowId).executeUpdate('dispatch', {
    args: [
      {
        sessionId,
        token,
        tokenHash: createHash('sha256').update(token).digest('base64url'),
        dispatcher: 'link',
        timeoutSeconds: 120,
      },
    ],
  });
  // Its outcome proves nothing either way (the attacker cannot decode an encrypted answer); the
  // token, the workflow's end and the database below are what count.
  await dispatch.catch(() => undefined);

  const redeem = await fetch(`${apiUrl}/nevisfido/token/redeem/registration`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  expect(redeem.status).toBe(404);
  expect(JSON.stringify(await redeem.json())).not.toContain('RegistrationRequest');

  // Ended within seconds by a non-retryable failure, not a workflow task retried forever.
  const stillOpen = new Promise((resolve) => setTimeout(() => resolve('still open after 15 s'), 15_000).unref());
  const result = await Promise.race([handle.result().catch((error: unknown) => error), stillOpen]);
  expect(result).toBeInstanceOf(WorkflowFailedError);
  expect((result as WorkflowFailedError).cause).toMatchObject({ type: 'unencryptedPayload', nonRetryable: true });
  const { status } = await handle.describe();
  expect(status.name).toBe('FAILED');
  const events = (await handle.fetchHistory()).events ?? [];
  expect(events.filter((event) => event.activityTaskScheduledEventAttributes)).toEqual([]);
  expect(events.filter((event) => event.workflowTaskFailedEventAttributes)).toEqual([]);
  expect(Object.values(await documentsInDatabase()).reduce((sum, count) => sum + count, 0)).toBe(0);
  // The refusal is not a crash: both processes still run.
  expect(worker.child.exitCode).toBeNull();
  expect(api.child.exitCode).toBeNull();
}, 60_000);

it('a plain update or query to a real flow is refused before its handler, and the flow goes on', async () => {
  const response = await fetch(`${apiUrl}/nevisfido/uaf/1.1/request/registration`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${rpKey}` },
    body: JSON.stringify({ op: 'Reg', context: { username: 'bob' } }),
  });
  expect(response.status).toBe(200);
  const [message] = JSON.parse(((await response.json()) as { uafRequest: string }).uafRequest);
  const { workflowId } = JSON.parse(Buffer.from(message.header.serverData.split('.')[0], 'base64url').toString());
  const attacker = new Client({ connection, namespace: 'default' }).workflow.getHandle(workflowId);

  const update = await attacker.executeUpdate('submitResponse', { args: [{ uafResponse: '[]' }] }).catch((error: unknown) => error);
  expect(update).toMatchObject({ cause: { type: 'unencryptedPayload' } });
  await expect(attacker.query('status', 'anything')).rejects.toThrow(/not encrypted/);
  // A validator-refused update leaves no trace in the history, and the flow is still waiting.
  const events = (await attacker.fetchHistory()).events ?? [];
  const accepted = events.map((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).filter(Boolean);
  expect(accepted).not.toContain('submitResponse');
  // Read as the operator (the memo is encrypted too).
  const operator = new Client({ connection, namespace: 'default', dataConverter: createDataConverter(codecKey) }).workflow.getHandle(workflowId);
  expect((await operator.describe()).status.name).toBe('RUNNING');
  await operator.terminate('test done');
}, 60_000);
