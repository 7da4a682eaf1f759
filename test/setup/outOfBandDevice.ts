/**
 * What the out-of-band security tests share, over the real stack (test/setup/stack.ts): HTTP calls
 * as the relying party and the phone, and a phone enrolled as a user would (registration by QR
 * code, then its dispatch target with a push token).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import {
  createAuthenticator,
  createDispatchTarget,
  createPhone,
  createPhoneKeys,
  createPushReceiver,
  parseDeepLink,
  readQrCode,
  testAuthenticatorProfile,
  type Phone,
  type PushReceiver,
} from '../../device/index.js';
import { bundleWorkflows } from './harness.js';
import { startTestStack, type TestStack } from './stack.js';

export type Json = Record<string, any>;

export interface EnrolledDevice {
  phone: Phone;
  push: PushReceiver;
  targetId: string;
  deviceToken: string;
}

const ops = { registration: 'Reg', authentication: 'Auth', deregistration: 'Dereg' } as const;
export type OperationName = keyof typeof ops;

export function outOfBandClient(stack: TestStack) {
  const rp = { authorization: `Bearer ${stack.config.rpApiKeys[0]}` };
  async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, application/fido+uaf', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (text ? JSON.parse(text) : undefined) as Json };
  }
  const getUafRequest = (operation: OperationName, context: Json) => ({ op: ops[operation], context: JSON.stringify(context) });
  const dispatch = (operation: OperationName, body: Json) => call(`/nevisfido/token/dispatch/${operation}`, body, rp);

  /** Registration by a QR code read from its PNG, then the phone's dispatch target with its push token. */
  async function enrol(username: string): Promise<EnrolledDevice> {
    const keys = await createPhoneKeys();
    const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') });
    const phone = createPhone({ facetID: stack.config.uaf.trustedFacets[0]!, authenticators: [authenticator], keys });
    const push = await createPushReceiver({ emulatorUrl: stack.fcm.url });
    const started = await dispatch('registration', { dispatcher: 'link-png-qr-code', getUafRequest: getUafRequest('registration', { username }) });
    expect(started.body).toMatchObject({ dispatchResult: 'dispatched' });
    const { serverResponse } = await phone.redeem(parseDeepLink(readQrCode(started.body.dispatcherInformation.response)));
    const deviceToken = serverResponse!.additionalTokens![0]!.value;
    const created = await createDispatchTarget({ serverUrl: `${stack.url}/nevisfido`, deviceToken, name: `${username}'s phone`, pushToken: push.token, keys });
    return { phone, push, targetId: created.id, deviceToken };
  }

  return { rp, call, dispatch, getUafRequest, enrol };
}

/** A test file's own stack (started before its tests, stopped after them) and its client. */
export function useOutOfBandStack(env: Record<string, string> = {}): { stack: TestStack; client: ReturnType<typeof outOfBandClient> } {
  const suite = {} as { stack: TestStack; client: ReturnType<typeof outOfBandClient> };
  beforeAll(async () => {
    suite.stack = await startTestStack(await bundleWorkflows(), env);
    suite.client = outOfBandClient(suite.stack);
  });
  afterAll(() => suite.stack?.close());
  return suite;
}
