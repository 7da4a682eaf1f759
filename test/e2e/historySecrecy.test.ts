import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { toolPath } from '../../scripts/services.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthenticator, createPhone, testAuthenticatorProfile } from '../../device/index.js';
import { channelKey, operationKey, statusKey, userHashKey } from '../../contract/searchAttributes.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';
import { deriveKeys } from '../../config/deriveKeys.js';
import { tokenHashOf, workflowIdOf } from '../../store/sessionKeys.js';
import { decodedHistoryText } from '../setup/decodedHistory.js';
import { outOfBandClient } from '../setup/outOfBandDevice.js';

let stack: TestStack;
const operatorKey = `operator-${randomBytes(16).toString('hex')}`;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), { CODEC_API_KEYS: operatorKey });
});
afterAll(() => stack?.close());

const username = 'zoe.secret-user@example.com';

it('keeps user names, challenges and tokens out of the history in clear; the codec endpoint decodes for an operator key only', async () => {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<any> =>
    (await fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })).json();
  const rp = { authorization: `Bearer ${stack.config.rpApiKeys[0]}` };
  const request = await post('/nevisfido/uaf/1.1/request/registration', { op: 'Reg', context: { username } }, rp);
  const phone = createPhone({
    facetID: stack.config.uaf.trustedFacets[0]!,
    authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })],
  });
  const { serverResponse } = await phone.respond(request, `${stack.url}/nevisfido`);
  const deviceToken = serverResponse!.additionalTokens![0]!.value;
  const [message] = JSON.parse(request.uafRequest);

  // Read as an operator with UI access but no codec key would: the raw history, from the CLI.
  const workflowId = JSON.parse(Buffer.from(message.header.serverData.split('.')[0], 'base64url').toString()).workflowId;
  // Described through the codec: the status memo (contract/statusMemo.ts) is an encrypted payload too.
  const handle = stack.client.workflow.getHandle(workflowId);
  const { stdout: raw } = await promisify(execFile)(toolPath('temporal'), [
    'workflow', 'show', '--workflow-id', workflowId, '--address', stack.temporal.address, '--output', 'json',
  ]);
  for (const secret of [username, message.challenge, deviceToken, message.header.exts[0].data]) {
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(Buffer.from(secret).toString('base64'));
  }
  // Every payload is encrypted, except search-attribute values, which Temporal indexes in clear
  // and which therefore hold only non-secret facts (operation, status, channel, a keyed hash).
  const { typedSearchAttributes } = await handle.describe();
  const searchAttributeValues = [operationKey, statusKey, userHashKey, channelKey]
    .map((key) => typedSearchAttributes.get(key))
    .concat(['clientRegistering']);
  const clearPayloads: unknown[] = [];
  let encrypted = 0;
  JSON.stringify(JSON.parse(raw), (_key, value) => {
    if (value && typeof value === 'object' && value.metadata?.encoding) {
      const encoding = Buffer.from(value.metadata.encoding, 'base64').toString();
      if (encoding === 'binary/encrypted') encrypted++;
      else clearPayloads.push(JSON.parse(Buffer.from(value.data, 'base64').toString()));
    }
    return value;
  });
  expect(encrypted).toBeGreaterThan(3);
  for (const value of clearPayloads) {
    // The SDK's local-activity markers carry their bookkeeping in clear: type, sequence, times.
    const isMarkerMetadata = typeof value === 'object' && value !== null && 'activity_type' in value;
    if (isMarkerMetadata) expect(Object.keys(value).sort()).toEqual(['activity_id', 'activity_type', 'attempt', 'backoff', 'complete_time', 'original_schedule_time', 'seq']);
    else expect(searchAttributeValues).toContain(value);
  }

  // Search attributes let an operator find the flow without revealing the user.
  expect(typedSearchAttributes.get(operationKey)).toBe('registration');
  expect(typedSearchAttributes.get(statusKey)).toBe('succeeded');
  expect(typedSearchAttributes.get(userHashKey)).toMatch(/^[0-9a-f]{32}$/);

  // The codec endpoint: the workflow input decodes back to the user name, for an operator only
  // (CODEC_API_KEYS; a relying-party key is not enough: test/security/codecAccess.test.ts).
  const started = JSON.parse(raw).events[0].workflowExecutionStartedEventAttributes.input;
  const decode = (headers: Record<string, string>) =>
    fetch(`${stack.url}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(started) });
  expect((await decode({})).status).toBe(401);
  expect((await decode(rp)).status).toBe(401);
  const decoded = (await (await decode({ authorization: `Bearer ${operatorKey}` })).json()) as { payloads: { data: string }[] };
  expect(Buffer.from(decoded.payloads[0]!.data, 'base64').toString()).toContain(username);
});

it('keeps the raw token of a push, link and QR dispatch out of the history even decoded: only its hash is there', async () => {
  const client = outOfBandClient(stack);
  const device = await client.enrol('zoe.oob-user');
  const getUafRequest = client.getUafRequest('authentication', { username: 'zoe.oob-user' });
  const dispatches = {
    push: await client.dispatch('authentication', { dispatchTargetId: device.targetId, getUafRequest }),
    link: await client.dispatch('authentication', { dispatcher: 'link', getUafRequest }),
    qr: await client.dispatch('authentication', { dispatcher: 'png-qr-code', getUafRequest }),
  };
  for (const [kind, { body }] of Object.entries(dispatches)) {
    expect(body, kind).toMatchObject({ dispatchResult: 'dispatched', token: expect.any(String) });
    const workflowId = workflowIdOf(body.sessionId, deriveKeys(stack.config.serverSecret).sessionId);
    const decoded = await decodedHistoryText(stack.client, stack.config.payloadCodecKey, workflowId);
    // Decoding worked: the dispatch's session id and the token's hash are there in clear.
    expect(decoded, kind).toContain(body.sessionId);
    expect(decoded, kind).toContain(tokenHashOf(body.token));
    // The token is not, nor is the secret half of it, in any encoding the RP response carries it in.
    const secret = body.token.split('.')[1];
    for (const form of [body.token, secret, Buffer.from(body.token).toString('base64'), Buffer.from(secret).toString('base64')]) {
      expect(decoded.includes(form), `${kind}: ${form.length}-character form of the token in the decoded history`).toBe(false);
    }
    // A link or QR response carries the token (a push's is the FCM message name).
    if (kind !== 'push') expect(decoded.includes(body.dispatcherInformation.response), `${kind}: dispatcher response`).toBe(false);
  }
  // The link the RP received still carries the token the phone redeems.
  expect(dispatches.link.body.dispatcherInformation.response).toContain('dispatchTokenResponse=');
});
