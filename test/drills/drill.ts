/**
 * One fault drill, the same for every fault: push authentications stopped in the middle of each
 * step (dispatched, redeemed, response being verified) and an out-of-band registration whose
 * response is being verified, then the fault, then every flow finished as the phone and the
 * relying party would finish it (retrying a 503 after its `Retry-After`). The drill then asks:
 * was every flow finished exactly once with the right status, are credentials and counters what a
 * run without the fault leaves, and was every HTTP call answered within 10 s?
 * Only the HTTP API, the simulated phone and a read of the drill's own database are used.
 */
import { expect } from 'vitest';
import {
  createAuthenticator,
  createDispatchTarget,
  createPhone,
  createPhoneKeys,
  createPushReceiver,
  decodeNmaPayload,
  parseDeepLink,
  testAuthenticatorProfile,
  type DispatchPayload,
  type Phone,
  type PhoneKeys,
  type PushReceiver,
} from '../../device/index.js';
import type { DrillStack } from './drillStack.js';

/** The longest a caller waits for any answer of the API: past it, the call counts as hung. */
export const answerWithinMs = 10_000;
/** How long a phone or relying party keeps retrying a step refused with 503 before giving up. */
const retryForMs = 90_000;

export interface CallRecord {
  call: string;
  status?: number;
  retryAfter?: string;
  /** `hang`: no answer within 10 s; `refused`: the connection itself failed. */
  failure?: 'hang' | 'refused';
  ms: number;
}

/** `fetch` with the 10 s client timeout, recording every call and its answer. */
export function recordingFetch(calls: CallRecord[]): typeof fetch {
  return async (input, init) => {
    const started = Date.now();
    const method = init?.method ?? 'GET';
    const call = `${method} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`;
    try {
      const response = await fetch(input, { ...init, signal: AbortSignal.timeout(answerWithinMs) });
      // The body too must arrive within the timeout: read it here, hand back a complete response.
      const body = await response.arrayBuffer();
      calls.push({ call, status: response.status, ...(response.headers.has('retry-after') && { retryAfter: response.headers.get('retry-after')! }), ms: Date.now() - started });
      return new Response(response.status === 204 ? null : body, { status: response.status, headers: response.headers });
    } catch (error) {
      const failure = (error as Error).name === 'TimeoutError' ? 'hang' : 'refused';
      calls.push({ call, failure, ms: Date.now() - started });
      throw error;
    }
  };
}

/** Calls that broke the rule "answered within 10 s; a 5xx only as 503 with Retry-After". */
export function unansweredCalls(calls: CallRecord[]): CallRecord[] {
  return calls.filter(
    (record) => record.failure !== undefined || (record.status! >= 500 && !(record.status === 503 && record.retryAfter !== undefined)),
  );
}

interface Device {
  username: string;
  phone: Phone;
  keys: PhoneKeys;
  push: PushReceiver;
  targetId: string;
}

interface Answer {
  status: number;
  body: Record<string, any>;
  retryAfterSeconds?: number;
}

export interface DrillFault {
  /**
   * Injects the fault, runs `during` while it holds (the calls `during` makes must be answered
   * all the same), and recovers. `during` resolves once its calls are answered.
   */
  run(stack: DrillStack, during: () => Promise<void>): Promise<void>;
  /** Also dispatch a push authentication while the fault holds (the FCM faults: the dispatch is the step it hits). */
  dispatchDuringFault?: boolean;
}

export interface DrillReport {
  calls: CallRecord[];
  /** What the calls sent while the fault held were answered, e.g. `authentication response: 503`. */
  duringFault: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createDrill(stack: DrillStack) {
  const calls: CallRecord[] = [];
  const timedFetch = recordingFetch(calls);
  const rp = { 'content-type': 'application/json', authorization: `Bearer ${stack.env.RP_API_KEYS}` };
  const facetID = `${stack.url}/nevisfido/uaf/1.1/facets`;
  const serverUrl = `${stack.url}/nevisfido`;

  async function post(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Answer> {
    const response = await timedFetch(path.startsWith('http') ? path : `${serverUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    const retryAfter = response.headers.get('retry-after');
    return { status: response.status, body: text ? JSON.parse(text) : {}, ...(retryAfter !== null && { retryAfterSeconds: Number(retryAfter) }) };
  }

  /**
   * A step as a client retries it: again after `Retry-After` on a 503 (or after a second when the
   * connection failed) until it gets another answer. A hang is never retried: the drill fails on it.
   */
  async function retrying(step: () => Promise<Answer>): Promise<Answer> {
    const deadline = Date.now() + retryForMs;
    for (;;) {
      let answer: Answer | undefined;
      try {
        answer = await step();
      } catch (error) {
        if ((error as Error).name === 'TimeoutError' || Date.now() > deadline) throw error;
      }
      if (answer && (answer.status !== 503 || Date.now() > deadline)) return answer;
      await sleep(1_000 * (answer?.retryAfterSeconds ?? 1));
    }
  }

  const newPhone = async () => {
    const keys = await createPhoneKeys();
    const phone = createPhone({ facetID, authenticators: [createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') })], keys, fetch: timedFetch });
    return { keys, phone };
  };

  /** Out-of-band registration by link up to its signed response (not yet sent). */
  async function registrationResponse(username: string) {
    const { keys, phone } = await newPhone();
    const dispatched = await retrying(() => post('/token/dispatch/registration', { dispatcher: 'link', getUafRequest: { op: 'Reg', context: { username } } }, rp));
    expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
    const nma = await decodeNmaPayload(parseDeepLink(dispatched.body.dispatcherInformation.response));
    const redeemed = await retrying(() => post(nma.redeem_url, { token: nma.token }));
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
    return { keys, phone, sessionId: dispatched.body.sessionId as string, uafResponse: await phone.client.register(redeemed.body.uafRequest) };
  }

  /** A registered phone with its push target, as the app leaves it after its first registration. */
  async function enrol(username: string): Promise<Device> {
    const { keys, phone, uafResponse } = await registrationResponse(username);
    const registered = await submit('registration', uafResponse);
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    const push = await createPushReceiver({ emulatorUrl: stack.fcmUrl });
    const target = await createDispatchTarget({ serverUrl, deviceToken: registered.body.additionalTokens[0].value, name: username, pushToken: push.token, keys, fetch: timedFetch });
    return { username, phone, keys, push, targetId: target.id };
  }

  const submit = (operation: 'registration' | 'authentication', uafResponse: string) =>
    post(`/uaf/1.1/${operation}`, { uafResponse }, { 'content-type': 'application/fido+uaf;charset=UTF-8', accept: 'application/fido+uaf, application/json' });

  const dispatchAuthentication = (device: Device, fallbackFor?: string) =>
    post('/token/dispatch/authentication', {
      dispatcher: 'firebase-cloud-messaging',
      dispatchTargetId: device.targetId,
      getUafRequest: { op: 'Auth', context: { username: device.username } },
      ...(fallbackFor && { fallbackFor }),
    }, rp);

  /** The RP dispatches; the push reaches the phone. */
  async function dispatched(device: Device): Promise<{ sessionId: string; payload: DispatchPayload }> {
    const answer = await retrying(() => dispatchAuthentication(device));
    expect(answer.body.dispatchResult, JSON.stringify(answer.body)).toBe('dispatched');
    return { sessionId: answer.body.sessionId, payload: await device.push.nextPayload({ timeoutMs: 15_000 }) };
  }

  /** One redeem call for the token of a push, as the phone sends it. */
  async function redeem(device: Device, payload: DispatchPayload): Promise<Answer> {
    const nma = await decodeNmaPayload(payload, { decryptionKey: device.keys.encryption.privateKey });
    return post(nma.redeem_url, { token: nma.token });
  }

  /** The phone redeems the token of a push and gets the UAF request. */
  async function redeemed(device: Device, payload: DispatchPayload): Promise<string> {
    const answer = await retrying(() => redeem(device, payload));
    expect(answer.status, `redeem: ${JSON.stringify(answer.body)}`).toBe(200);
    return answer.body.uafRequest;
  }

  /** Sends a UAF response until it is settled: 200, or 409 when an earlier attempt already settled it. */
  async function settle(operation: 'registration' | 'authentication', uafResponse: string, earlier?: Answer): Promise<Answer> {
    let answer = earlier;
    const deadline = Date.now() + retryForMs;
    while (!answer || answer.status === 503 || (answer.status === 409 && answer.body.error === 'responseInProgress')) {
      if (answer) await sleep(1_000 * (answer.retryAfterSeconds ?? 1));
      if (Date.now() > deadline) break;
      answer = await retrying(() => submit(operation, uafResponse));
    }
    expect([200, 409], `${operation} response: ${JSON.stringify(answer!.body)}`).toContain(answer!.status);
    if (answer!.status === 409) expect(answer!.body.error).toBe('operationClosed');
    return answer!;
  }

  const status = async (sessionId: string) => (await retrying(() => post('/status', { sessionId }))).body;

  /** Credentials as the database holds them, minus timestamps: what a fault must not change. */
  async function credentialsOf(usernames: string[]) {
    const rows = await stack.db
      .collection('credentials')
      .find({ username: { $in: usernames } }, { projection: { _id: 0, username: 1, aaid: 1, keyId: 1, publicKey: 1, signCounter: 1 } })
      .toArray();
    return rows.sort((a, b) => `${a.username}/${a.keyId}`.localeCompare(`${b.username}/${b.keyId}`));
  }

  /** The whole drill; `label` keeps user names apart when one stack runs several drills. */
  async function run(label: string, fault: DrillFault): Promise<DrillReport> {
    const names = { control: `${label}-control`, afterDispatch: `${label}-after-dispatch`, afterRedeem: `${label}-after-redeem`, duringVerification: `${label}-during-verification`, duringDispatch: `${label}-during-dispatch` };
    const devices = await Promise.all(
      [names.control, names.afterDispatch, names.afterRedeem, names.duringVerification, ...(fault.dispatchDuringFault ? [names.duringDispatch] : [])].map(enrol),
    );
    const [control, afterDispatch, afterRedeem, duringVerification, duringDispatch] = devices as [Device, Device, Device, Device, Device | undefined];

    // The same flow without a fault: how far one authentication moves a counter.
    const controlBefore = await credentialsOf([control.username]);
    const controlFlow = await dispatched(control);
    await settle('authentication', await control.phone.client.authenticate(await redeemed(control, controlFlow.payload)));
    expect(await status(controlFlow.sessionId)).toMatchObject({ status: 'succeeded' });
    const controlAfter = await credentialsOf([control.username]);
    const counterStep = controlAfter[0]!.signCounter - controlBefore[0]!.signCounter;
    const controlRegistration = await registrationResponse(`${label}-control-registration`);
    await settle('registration', controlRegistration.uafResponse);
    const credentialsPerRegistration = (await credentialsOf([`${label}-control-registration`])).length;

    // Flows stopped in the middle of each step.
    const flowA = await dispatched(afterDispatch);
    const flowB = await dispatched(afterRedeem);
    const uafRequestB = await redeemed(afterRedeem, flowB.payload);
    const flowC = await dispatched(duringVerification);
    const uafResponseC = await duringVerification.phone.client.authenticate(await redeemed(duringVerification, flowC.payload));
    const registration = await registrationResponse(`${label}-registration`);
    const pushedUsers = [afterDispatch, afterRedeem, duringVerification, ...(duringDispatch ? [duringDispatch] : [])].map((device) => device.username);
    const before = await credentialsOf(pushedUsers);

    // The fault, with responses (and a dispatch) sent while it holds.
    const duringFault: string[] = [];
    let answerC: Answer | undefined;
    let answerRegistration: Answer | undefined;
    let dispatchD: Answer | undefined;
    const note = (what: string, promise: Promise<Answer>, sent = Date.now()) =>
      promise.then(
        (answer) => (duringFault.push(`${what}: ${answer.status}${answer.body.error ? ` ${answer.body.error}` : ''}${answer.body.dispatchResult ? ` ${answer.body.dispatchResult}` : ''} in ${((Date.now() - sent) / 1000).toFixed(1)} s`), answer),
        (error: Error) => (duringFault.push(`${what}: ${error.name === 'TimeoutError' ? 'no answer within 10 s' : 'connection failed'}`), undefined),
      );
    await fault.run(stack, async () => {
      [answerC, answerRegistration, dispatchD] = await Promise.all([
        note('authentication response', submit('authentication', uafResponseC)),
        note('registration response', submit('registration', registration.uafResponse)),
        duringDispatch ? note('dispatch', dispatchAuthentication(duringDispatch)) : Promise.resolve(undefined),
        // The RP polls the status meanwhile: answered too (any status, or 503), never a hang.
        note('status', post('/status', { sessionId: flowA.sessionId })),
      ]);
    });

    // The fault is over once the whole path answers again; then every flow is finished as its
    // phone and RP would finish it.
    await stack.ready();
    const uafRequestA = await redeemed(afterDispatch, flowA.payload);
    await settle('authentication', await afterDispatch.phone.client.authenticate(uafRequestA));
    await settle('authentication', await afterRedeem.phone.client.authenticate(uafRequestB));
    await settle('authentication', uafResponseC, answerC);
    await settle('registration', registration.uafResponse, answerRegistration);
    const sessions = [flowA.sessionId, flowB.sessionId, flowC.sessionId, registration.sessionId];
    if (duringDispatch) {
      // A dispatch the fault made fail is re-sent by the RP as a fallback of the same operation.
      const first = dispatchD?.status === 200 ? (dispatchD.body as { sessionId: string; dispatchResult: string }) : undefined;
      if (first?.dispatchResult !== 'dispatched') {
        const again = await retrying(() => dispatchAuthentication(duringDispatch, first?.sessionId));
        expect(again.body.dispatchResult, JSON.stringify(again.body)).toBe('dispatched');
      }
      const payload = await duringDispatch.push.nextPayload({ timeoutMs: 15_000 });
      await settle('authentication', await duringDispatch.phone.client.authenticate(await redeemed(duringDispatch, payload)));
      if (first) sessions.push(first.sessionId);
    }

    // No flow lost, the right final status.
    for (const sessionId of sessions) expect(await status(sessionId), `session ${sessionId}`).toMatchObject({ status: 'succeeded' });
    // None completed twice: a response sent again is refused, and moves no counter.
    expect((await retrying(() => submit('authentication', uafResponseC))).status).toBe(409);
    // The same credentials, each counter moved by exactly one authentication, one registration's keys.
    const after = await credentialsOf(pushedUsers);
    expect(after).toEqual(before.map((credential) => ({ ...credential, signCounter: credential.signCounter + counterStep })));
    expect(await credentialsOf([`${label}-registration`])).toHaveLength(credentialsPerRegistration);
    return { calls, duringFault };
  }

  return { run, calls, enrol, dispatched, redeem, redeemed, settle, status, retrying };
}

/** The drill's HTTP verdict, with the calls that broke it in the failure message. */
export function expectEveryCallAnswered(report: DrillReport): void {
  expect(unansweredCalls(report.calls), `during the fault: ${report.duringFault.join('; ')}`).toEqual([]);
}
