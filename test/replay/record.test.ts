/**
 * Records one history per workflow shape into test/replay/histories/ (`npm run record-histories`).
 * Skipped in a normal run: recordings change only when a shape is added or changed on purpose.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createPhone, parseDeepLink, testAuthenticatorProfile } from '../../device/index.js';
import { toolPath } from '../../scripts/services.js';
import { dispatchTokenOf, tokenHashOf, workflowIdOf } from '../../store/sessionKeys.js';
import { deriveKeys } from '../../config/deriveKeys.js';
import { dispatchUpdate, issueRequestUpdate } from '../../workflows/messages.js';
import type { OperationState } from '../../contract/operation.js';
import { bundleWorkflows, uniqueName } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';
import { historiesDir, recordingCodecKey, type HistoryShape, type RecordedHistory } from './shapes.js';

const recording = Boolean(process.env.RECORD_HISTORIES);
const rpKey = 'recording-relying-party-key-0123456789';
let stack: TestStack;

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${rpKey}`, ...headers },
    body: JSON.stringify(body),
  });
  return response.json();
}
const workflowIdOfSession = (sessionId: string): string => workflowIdOf(sessionId, deriveKeys(stack.config.serverSecret).sessionId);
const workflowIdOfRequest = (returned: { uafRequest: string }): string =>
  JSON.parse(Buffer.from(JSON.parse(returned.uafRequest)[0].header.serverData.split('.')[0], 'base64url').toString()).workflowId;

async function save(shape: HistoryShape, workflowId: string, workflowType: string): Promise<void> {
  await stack.client.workflow.getHandle(workflowId).result().catch(() => undefined);
  const { stdout } = await promisify(execFile)(
    toolPath('temporal'),
    ['workflow', 'show', '--workflow-id', workflowId, '--address', stack.temporal.address, '--output', 'json'],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const recorded: RecordedHistory = { workflowId, workflowType, history: JSON.parse(stdout) };
  await writeFile(`${historiesDir}${shape}.json`, `${JSON.stringify(recorded, null, 1)}\n`);
}

describe.runIf(recording)('record histories', () => {
  beforeAll(async () => {
    stack = await startTestStack(await bundleWorkflows(), { RP_API_KEYS: rpKey, PAYLOAD_CODEC_KEY: recordingCodecKey });
  });
  afterAll(() => stack?.close());

  it('records every shape', async () => {
    const phone = createPhone({
      facetID: stack.config.uaf.trustedFacets[0]!,
      authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })],
    });
    const server = `${stack.url}/nevisfido`;

    const registration = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: 'replay' } });
    await phone.respond(registration, server);
    await save('registration-succeeded', workflowIdOfRequest(registration), 'registration');

    const authentication = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: 'replay' } });
    await phone.respond(authentication, server);
    await save('authentication-succeeded', workflowIdOfRequest(authentication), 'authentication');

    const transaction = [{ contentType: 'text/plain', content: Buffer.from('Pay 5 CHF to Replay').toString('base64url') }];
    const confirmation = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: 'replay', transaction } });
    await phone.respond(confirmation, server);
    await save('transaction-confirmation-succeeded', workflowIdOfRequest(confirmation), 'authentication');

    const bad = await post('/nevisfido/uaf/1.1/request/authentication', { op: 'Auth', context: { username: 'replay' } });
    const response = JSON.parse(await phone.client.authenticate(bad.uafRequest, { username: 'replay' }));
    const bytes = Buffer.from(response[0].assertions[0].assertion, 'base64url');
    bytes[bytes.length - 1]! ^= 0xff;
    response[0].assertions[0].assertion = bytes.toString('base64url');
    expect((await post('/nevisfido/uaf/1.1/authentication', { uafResponse: JSON.stringify(response) })).error).toBe('signatureInvalid');
    await save('authentication-bad-signature', workflowIdOfRequest(bad), 'authentication');

    // A one-second lifetime, so the expiry happens for real while recording.
    const expiring = await stack.client.workflow.start('authentication', {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: uniqueName('replay-expired'),
      args: [{ operation: 'authentication', sessionId: uniqueName('session'), lifetimeMillis: 1_000 }],
    });
    await expiring.executeUpdate(issueRequestUpdate);
    expect(((await expiring.result()) as OperationState).failureReason).toBe('requestExpired');
    await save('authentication-expired', expiring.workflowId, 'authentication');

    const deregistration = await post('/nevisfido/uaf/1.1/request/deregistration', { op: 'Dereg', context: { mode: 'username', username: 'replay' } });
    await save('deregistration-succeeded', workflowIdOfRequest(deregistration), 'deregistration');

    // Out-of-band shapes (link dispatcher: no push target needed).
    const registerAgain = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username: 'replay-oob' } });
    await phone.respond(registerAgain, server);
    const oob = (extra: object = {}) =>
      post('/nevisfido/token/dispatch/authentication', { dispatcher: 'link', getUafRequest: { op: 'Auth', context: { username: 'replay-oob' } }, ...extra });
    const sessionWorkflow = async (sessionId: string) => {
      const status = await post('/nevisfido/status', { sessionId });
      expect(status.status).toBe('succeeded');
    };

    const pushed = await oob({ channelLinking: { mode: 'visual-string' } });
    await phone.redeem(parseDeepLink(pushed.dispatcherInformation.response));
    await sessionWorkflow(pushed.sessionId);
    await save('oob-authentication-succeeded', workflowIdOfSession(pushed.sessionId), 'authentication');

    const first = await oob();
    const fallback = await oob({ fallbackFor: first.sessionId });
    await phone.redeem(parseDeepLink(fallback.dispatcherInformation.response));
    await sessionWorkflow(fallback.sessionId);
    await save('oob-fallback-latest-only', workflowIdOfSession(first.sessionId), 'authentication');

    const denied = await oob();
    await phone.redeem(parseDeepLink(denied.dispatcherInformation.response), { deny: true });
    await save('oob-denied', workflowIdOfSession(denied.sessionId), 'authentication');

    const expiringToken = await stack.client.workflow.start('authentication', {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: uniqueName('replay-token-expired'),
      args: [{ operation: 'authentication', sessionId: uniqueName('session'), outOfBand: { sessionPolicy: 'latest-only' } }],
    });
    const expiringSession = uniqueName('session');
    const expiringHash = tokenHashOf(dispatchTokenOf(expiringToken.workflowId, expiringSession, deriveKeys(stack.config.serverSecret).dispatchToken));
    await expiringToken.executeUpdate(dispatchUpdate, {
      args: [{ sessionId: expiringSession, operation: 'authentication', tokenHash: expiringHash, dispatcher: 'link', timeoutSeconds: 1 }],
    });
    expect(((await expiringToken.result()) as OperationState).failureReason).toBe('tokenExpired');
    await save('oob-token-expired', expiringToken.workflowId, 'authentication');

    expect((await fetch(`${stack.url}/healthz/workflow`, { headers: { authorization: `Bearer ${rpKey}` } })).status).toBe(200);
    const { executions } = await stack.client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query: `TaskQueue = "${stack.config.temporal.taskQueue}" AND WorkflowType = "probe"`,
    });
    await save('probe', executions[0]!.execution!.workflowId!, 'probe');
  }, 120_000);
});
