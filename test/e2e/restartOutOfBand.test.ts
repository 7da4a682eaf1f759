import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import {
  createAuthenticator,
  createDispatchTarget,
  createPhone,
  createPhoneKeys,
  createPushReceiver,
  parseDeepLink,
  testAuthenticatorProfile,
} from '../../device/index.js';
import { createFcmEmulator } from '../../emulators/fcm/createFcmEmulator.js';
import { freePort, projectRoot } from '../../scripts/services.js';
import { connectTestDatabase, uniqueName } from '../setup/harness.js';
import { testEnvironment } from '../setup/testConfig.js';

// Seed scenario 11 with the real entry points: the API process is restarted and the worker
// process killed while a push authentication waits for the phone; the flow still completes.
const children = new Set<ChildProcess>();
let fcmServer: Server;
let database: Awaited<ReturnType<typeof connectTestDatabase>>;
let env: Record<string, string>;
let url: string;
let fcmUrl: string;

function start(entry: 'api/main.ts' | 'worker/main.ts'): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: projectRoot, env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
const healthy = async () => (await fetch(`${url}/healthz/workflow`, { headers: { authorization: `Bearer ${env.RP_API_KEYS}` } }).catch(() => undefined))?.status;

beforeAll(async () => {
  const emulator = createFcmEmulator({ logger: pino({ level: 'silent' }) });
  fcmServer = emulator.app.listen(0, '127.0.0.1');
  await once(fcmServer, 'listening');
  fcmUrl = `http://127.0.0.1:${(fcmServer.address() as { port: number }).port}`;
  database = await connectTestDatabase();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  env = testEnvironment({
    PORT: String(port),
    PUBLIC_URL: url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: uniqueName('restart'),
    MONGODB_URI: database.uri,
    FCM_EMULATOR_HOST: fcmUrl.replace('http://', ''),
  });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  fcmServer?.closeAllConnections();
  fcmServer?.close();
  await database?.close();
});

it('a push authentication survives an API restart and a killed worker', async () => {
  let api = start('api/main.ts');
  const worker = start('worker/main.ts');
  await expect.poll(healthy, { timeout: 60_000, interval: 500 }).toBe(200);

  const rp = { 'content-type': 'application/json', authorization: `Bearer ${env.RP_API_KEYS}` };
  const keys = await createPhoneKeys();
  const phone = createPhone({ facetID: `${url}/nevisfido/uaf/1.1/facets`, authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })], keys });
  const push = await createPushReceiver({ emulatorUrl: fcmUrl });
  const registration = await (await fetch(`${url}/nevisfido/token/dispatch/registration`, {
    method: 'POST', headers: rp,
    body: JSON.stringify({ dispatcher: 'link', getUafRequest: { op: 'Reg', context: { username: 'restart-user' } } }),
  })).json() as Record<string, any>;
  const { serverResponse } = await phone.redeem(parseDeepLink(registration.dispatcherInformation.response));
  const target = await createDispatchTarget({ serverUrl: `${url}/nevisfido`, deviceToken: serverResponse!.additionalTokens![0]!.value, name: 'phone', pushToken: push.token, keys });

  const started = await (await fetch(`${url}/nevisfido/token/dispatch/authentication`, {
    method: 'POST', headers: rp,
    body: JSON.stringify({ dispatchTargetId: target.id, getUafRequest: { op: 'Auth', context: { username: 'restart-user' } } }),
  })).json() as Record<string, any>;
  expect(started.dispatchResult).toBe('dispatched');
  const payload = await push.nextPayload();

  // Mid-flow: the worker dies hard, the API is restarted; nothing of the flow lived in either.
  await stop(worker, 'SIGKILL');
  await stop(api, 'SIGTERM');
  api = start('api/main.ts');
  start('worker/main.ts');
  await expect.poll(healthy, { timeout: 60_000, interval: 500 }).toBe(200);

  await phone.redeem(payload);
  const status = await (await fetch(`${url}/nevisfido/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: started.sessionId }) })).json();
  expect(status).toMatchObject({ status: 'succeeded', userId: 'restart-user', finalSessionId: started.sessionId });
}, 180_000);
