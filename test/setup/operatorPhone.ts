/**
 * One user with a phone on a test stack, for the operators' suites (metrics, admin, audit): the
 * phone registers by a QR code, creates its push target, and logs in by push.
 */
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
import type { TestStack } from './stack.js';

export interface EnrolledPhone {
  username: string;
  phone: Phone;
  push: PushReceiver;
  targetId: string;
}

type Json = Record<string, any>;
const uafOp = { registration: 'Reg', authentication: 'Auth', deregistration: 'Dereg' } as const;

/** POST to the API with the relying-party key; the answer's status and JSON body. */
export async function postAsRp(stack: TestStack, rpKey: string, path: string, body: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${rpKey}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
}

const getUafRequest = (operation: keyof typeof uafOp, username: string) => ({ op: uafOp[operation], context: JSON.stringify({ username }) });

/** Registers a phone for `username` by a QR code and creates its push target. */
export async function enrolPhone(stack: TestStack, rpKey: string, username: string): Promise<EnrolledPhone> {
  const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') });
  const keys = await createPhoneKeys();
  const phone = createPhone({ facetID: stack.config.uaf.trustedFacets[0]!, authenticators: [authenticator], keys });
  const push = await createPushReceiver({ emulatorUrl: stack.fcm.url });
  const started = await postAsRp(stack, rpKey, '/nevisfido/token/dispatch/registration', {
    dispatcher: 'link-png-qr-code',
    getUafRequest: getUafRequest('registration', username),
  });
  const { serverResponse } = await phone.redeem(parseDeepLink(readQrCode(started.body.dispatcherInformation.response)));
  const deviceToken = serverResponse!.additionalTokens![0]!.value;
  const created = await createDispatchTarget({ serverUrl: `${stack.url}/nevisfido`, deviceToken, name: `${username}'s phone`, pushToken: push.token, keys });
  return { username, phone, push, targetId: created.id };
}

/** A push login: dispatch to the phone's target, the phone approves (or denies); the dispatch answer. */
export async function pushLogin(stack: TestStack, rpKey: string, device: EnrolledPhone, { deny = false } = {}): Promise<Json> {
  const started = await postAsRp(stack, rpKey, '/nevisfido/token/dispatch/authentication', {
    dispatchTargetId: device.targetId,
    getUafRequest: getUafRequest('authentication', device.username),
  });
  const message = await device.push.nextMessage();
  await device.phone.redeem(message.data as never, { deny });
  return started.body;
}

/** Waits until the operation of `sessionId` has ended (the sink reports after the workflow's last task). */
export async function waitForEnd(stack: TestStack, rpKey: string, sessionId: string): Promise<Json> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { body } = await postAsRp(stack, rpKey, '/nevisfido/status', { sessionId });
    if (body.status === 'succeeded' || body.status === 'failed') return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`operation ${sessionId} did not end`);
}
