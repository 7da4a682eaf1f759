import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuthenticator, createPhone, testAuthenticatorProfile, type Phone } from '../../device/index.js';
import { freePort, launch, startFerretDb } from '../../scripts/services.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';
import { testEnvironment } from '../setup/testConfig.js';

const rpKey = 'durability-relying-party-key-0123456789';
const env = testEnvironment({ RP_API_KEYS: rpKey });
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), env);
});
afterAll(() => stack?.close());

/**
 * A POST as a client honouring the contract sends it: a 503 (the API's update budget ran out, e.g.
 * while no worker runs or under this file's load) is sent again after its `Retry-After`.
 */
async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const response = await fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/fido+uaf;charset=UTF-8', accept: 'application/fido+uaf, application/json', ...headers },
      body: JSON.stringify(body),
    });
    const answer = { status: response.status, body: (await response.json()) as Record<string, any> };
    if (answer.status !== 503 || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 1_000 * Number(response.headers.get('retry-after') ?? 1)));
  }
}
/**
 * The phone signs once and sends its UAF response (again after a 503, or while an earlier attempt
 * answered 503 is still being verified: 409 responseInProgress). 409 operationClosed means that
 * earlier attempt was applied after all: the operation's status tells the outcome.
 */
async function respond(phone: Phone, ret: Record<string, any>) {
  const registering = ret.op === 'Reg';
  const uafResponse = registering ? await phone.client.register(ret.uafRequest) : await phone.client.authenticate(ret.uafRequest);
  const send = () => post(`/nevisfido/uaf/1.1/${registering ? 'registration' : 'authentication'}`, { uafResponse });
  let answer = await send();
  for (let tries = 0; answer.body.error === 'responseInProgress' && tries < 30; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    answer = await send();
  }
  if (answer.status !== 200) expect(answer.body).toMatchObject({ error: 'operationClosed' });
  return answer;
}
const rp = { authorization: `Bearer ${rpKey}` };
const sessionIdOf = (ret: Record<string, any>): string => JSON.parse(ret.uafRequest)[0].header.exts[0].data;
const status = async (ret: Record<string, any>) =>
  (await post('/nevisfido/status', { sessionId: sessionIdOf(ret) }, { 'content-type': 'application/json' })).body;

function newPhone(): Phone {
  return createPhone({
    facetID: stack.config.uaf.trustedFacets[0]!,
    authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })],
    serverUrl: `${stack.url}/nevisfido`,
  });
}

/**
 * A worker process as an operator runs it, on the stack's task queue and database. Started by the
 * project's launcher, so a test that fails before it stops the worker leaves none behind.
 */
function startWorkerProcess(): ChildProcess {
  const child = launch('worker', process.execPath, ['--import', 'tsx', 'worker/main.ts'], () => {}, {
    PATH: process.env.PATH,
    ...env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue,
    MONGODB_URI: stack.database.uri,
    PUBLIC_URL: stack.config.publicUrl,
  }).process;
  // A worker that dies on its own is a failure to report, not a reason to wait for a timeout.
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  child.once('exit', (code) => {
    if (code !== null && code !== 0) workerFailure = new Error(`worker process exited with ${code}: ${stderr.slice(-2000)}`);
  });
  return child;
}
let workerFailure: Error | undefined;
afterAll(() => {
  if (workerFailure) throw workerFailure;
});

describe('durability', () => {
  it('a worker killed between request and response: the flow completes once a new worker runs', async () => {
    const phone = newPhone();
    const registration = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: 'grace' } }, rp);
    await respond(phone, registration.body);

    // From here only worker processes serve the task queue.
    await stack.stopWorker();
    const first = startWorkerProcess();
    const request = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: 'grace' } }, rp);
    expect(request.status).toBe(200);
    first.kill('SIGKILL');
    await once(first, 'exit');

    // The phone answers while no worker runs; the update waits in Temporal for the next one.
    const answer = respond(phone, request.body);
    const second = startWorkerProcess();
    try {
      const outcome = await Promise.race([
        answer,
        new Promise<never>((_, reject) => second.once('exit', () => reject(workerFailure ?? new Error('worker exited')))),
      ]);
      if (outcome.status === 200) expect(outcome.body).toMatchObject({ statusCode: 1200 });
      expect(await status(request.body)).toMatchObject({ status: 'succeeded', userId: 'grace' });
    } finally {
      second.kill('SIGTERM');
      await once(second, 'exit');
      await stack.startWorker();
    }
  }, 120_000);

  it('50 concurrent registrations and authentications all succeed', async () => {
    const users = Array.from({ length: 50 }, (_, i) => ({ name: `load-${i}`, phone: newPhone() }));
    const outcomes = await Promise.all(
      users.map(async ({ name, phone }) => {
        const registration = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: name } }, rp);
        expect(registration).toMatchObject({ status: 200 });
        await respond(phone, registration.body);
        const authentication = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: name } }, rp);
        expect(authentication).toMatchObject({ status: 200 });
        await respond(phone, authentication.body);
        return [(await status(registration.body)).status, (await status(authentication.body)).status];
      }),
    );
    expect(outcomes).toEqual(users.map(() => ['succeeded', 'succeeded']));
    expect(await stack.database.db.collection('credentials').countDocuments({ username: /^load-/ })).toBe(50);
  }, 120_000);
});

describe('database outage mid-flow', () => {
  it('a response that cannot be verified because MongoDB is gone ends the operation as failed, never a hang', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'outband-outage-'));
    const ferretdb = await startFerretDb({ port: await freePort(), dataDir, output: () => undefined });
    const own = await startTestStack(await bundleWorkflows(), env, ferretdb.address);
    try {
      const phone = createPhone({
        facetID: own.config.uaf.trustedFacets[0]!,
        authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })],
      });
      const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
        const response = await fetch(`${own.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
        return { status: response.status, body: (await response.json()) as Record<string, any> };
      };
      const request = await call('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: 'outage' } }, rp);
      expect(request.status).toBe(200);
      const uafResponse = await phone.client.register(request.body.uafRequest);

      await ferretdb.stop();
      const answer = await call('/nevisfido/uaf/1.1/registration', { uafResponse });
      expect(answer).toMatchObject({ status: 500, body: { error: 'internalError', statusCode: 1500 } });
      const status = await call('/nevisfido/status', { sessionId: sessionIdOf(request.body) });
      expect(status.body).toMatchObject({ status: 'failed', failureReason: 'internalError' });
    } finally {
      await own.close().catch(() => undefined);
      await ferretdb.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
