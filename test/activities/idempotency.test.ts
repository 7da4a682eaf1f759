// Every activity is safe to run twice (issue 8 §3): a local activity is retried after a worker
// died or an acknowledgement was lost, and the retry must end as a single run would. Each test
// runs an activity on a "subject" database twice (or once losing the answer of a write that
// happened, then again) and compares outcome and database state with one run on a "reference"
// database fed the same input. Real FerretDB; the simulated phone signs real UAF messages.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import type { Db } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendDispatchInput } from '../../activities/sendDispatch.js';
import type { VerifyResponseInput, VerifyResponseResult, IssueRequestResult } from '../../activities/uafOperations.js';
import type { OperationInput } from '../../contract/operation.js';
import { createCredentials, type Credential } from '../../store/credentials.js';
import { dispatchTokenOf, tokenHashOf } from '../../store/sessionKeys.js';
import { deriveKeys } from '../../config/deriveKeys.js';
import { authenticationRound, createPhone, registrationRound } from '../unit/device/relyingParty.js';
import { connectTestDatabase } from '../setup/harness.js';
import { AnswerLost, activitiesOver, countingOperationsOf, createCountingDispatcher, fixedClock, losingAnswerOf, serverSecret, snapshot } from './activityFixtures.js';
import { createDispatchRecords } from '../../store/dispatches.js';
import { createSessions } from '../../store/sessions.js';

const databases: Awaited<ReturnType<typeof connectTestDatabase>>[] = [];
async function freshDatabase(): Promise<Db> {
  return (await freshDatabaseAt()).db;
}
async function freshDatabaseAt(): Promise<{ db: Db; uri: string }> {
  const database = await connectTestDatabase();
  databases.push(database);
  return database;
}
afterEach(async () => {
  await Promise.all(databases.splice(0).map((database) => database.close()));
});

const aaid = '4F42#0001';
/** A KeyID as the spec shapes it (base64url of 32 bytes), recognisable in failures. */
const keyIdOf = (name: string) => Buffer.from(name.padEnd(32, '.')).toString('base64url');

/** The outcome without what legitimately differs between runs (fresh challenge, timestamps in a signed token). */
function comparableVerify(result: VerifyResponseResult) {
  if (!result.verified) return result;
  const { sub, keys } = decodeJwt(result.deviceToken);
  return { ...result, deviceToken: { sub, keys } };
}
function comparableIssue(result: IssueRequestResult) {
  if (!result.issued) return result;
  const [request] = JSON.parse(result.returnUafRequest.uafRequest!) as [{ header: Record<string, unknown> }];
  const { serverData: _serverData, ...header } = request.header;
  return { op: result.returnUafRequest.op, request: { ...request, header, challenge: undefined } };
}

async function copyCollection(from: Db, to: Db, name: string): Promise<void> {
  const documents = await from.collection(name).find().toArray();
  if (documents.length > 0) await to.collection(name).insertMany(documents);
}

const syntheticKey = (keyId: string, username = 'alice'): Credential => ({
  username,
  appId: 'https://outband.test/nevisfido/uaf/1.1/facets',
  aaid,
  keyId,
  publicKey: 'AA',
  publicKeyAlgAndEncoding: 0x0100,
  authenticationAlgorithm: 1,
  signCounter: 0,
  attestationType: 'basicFull',
  createdAt: new Date('2026-11-01T00:00:00Z'),
});

async function seedKeys(...dbs: Db[]): Promise<void> {
  for (const db of dbs) {
    const credentials = createCredentials(db);
    for (const keyId of ['key-1', 'key-2']) await credentials.add(syntheticKey(keyIdOf(keyId)));
    await credentials.add(syntheticKey(keyIdOf('key-of-bob'), 'bob'));
  }
}

/** A registration response of one phone, or of two phones with the same AAID merged into one response of two assertions. */
async function registrationResponse(phones: number): Promise<Omit<VerifyResponseInput, 'workflowId'>> {
  const round = registrationRound('alice', aaid);
  const responses = await Promise.all(Array.from({ length: phones }, () => createPhone(aaid).client.register(round.uafRequest)));
  const [first, ...rest] = responses.map((response) => JSON.parse(response) as [{ assertions: unknown[] }]);
  for (const other of rest) first![0].assertions.push(...other[0].assertions);
  return { operation: 'registration', uafResponse: JSON.stringify(first), challenge: round.request.challenge, username: 'alice' };
}

/** A registered phone (in every given database) and a signed authentication response. */
async function authenticated(dbs: Db[]): Promise<Omit<VerifyResponseInput, 'workflowId'>> {
  const [first, ...others] = dbs;
  const round = registrationRound('alice', aaid);
  const phone = createPhone(aaid);
  const registered = await activitiesOver(first!).verifyResponse({
    workflowId: 'wf-reg',
    operation: 'registration',
    uafResponse: await phone.client.register(round.uafRequest),
    challenge: round.request.challenge,
    username: 'alice',
  });
  expect(registered.verified).toBe(true);
  for (const other of others) await copyCollection(first!, other, 'credentials');
  const [stored] = await createCredentials(first!).listForUser('alice', round.request.header.appID!);
  const auth = authenticationRound({ ...stored!, keyID: stored!.keyId });
  return { operation: 'authentication', uafResponse: await phone.client.authenticate(auth.uafRequest), challenge: auth.request.challenge, username: 'alice' };
}

const deregistration = (workflowId: string) => ({
  workflowId,
  input: { operation: 'deregistration', username: 'alice', sessionId: 'session-1' } as OperationInput,
});

describe('issueRequest', () => {
  it('deregistration run twice removes and answers the same keys (guard: the record of what the operation removed)', async () => {
    const [subject, reference] = [await freshDatabase(), await freshDatabase()];
    await seedKeys(subject, reference);
    const expected = comparableIssue(await activitiesOver(reference).issueRequest(deregistration('wf-dereg')));
    expect(expected).toMatchObject({ op: 'Dereg', request: { authenticators: [{ aaid, keyID: keyIdOf('key-1') }, { aaid, keyID: keyIdOf('key-2') }] } });

    const activities = activitiesOver(subject);
    const first = await activities.issueRequest(deregistration('wf-dereg'));
    const second = await activities.issueRequest(deregistration('wf-dereg'));
    expect(comparableIssue(first)).toEqual(expected);
    expect(comparableIssue(second)).toEqual(expected);
    expect(await snapshot(subject)).toEqual(await snapshot(reference));
  });

  it.each([
    ['deregistrations', 'insertOne'],
    ['credentials', 'deleteMany'],
  ])('deregistration whose answer is lost after %s.%s answers the same on the rerun', async (collection, method) => {
    const [subject, reference] = [await freshDatabase(), await freshDatabase()];
    await seedKeys(subject, reference);
    const expected = comparableIssue(await activitiesOver(reference).issueRequest(deregistration('wf-dereg')));

    const clock = fixedClock;
    await expect(activitiesOver(losingAnswerOf(subject, collection, method), { clock }).issueRequest(deregistration('wf-dereg'))).rejects.toThrow(AnswerLost);
    expect(comparableIssue(await activitiesOver(subject, { clock }).issueRequest(deregistration('wf-dereg')))).toEqual(expected);
    expect(await snapshot(subject)).toEqual(await snapshot(reference));
  });

  it('a rerun after the removal leaves a key registered again since then alone (guard: only keys older than the record)', async () => {
    const subject = await freshDatabase();
    await seedKeys(subject);
    await expect(activitiesOver(losingAnswerOf(subject, 'credentials', 'deleteMany'), { clock: fixedClock }).issueRequest(deregistration('wf-dereg'))).rejects.toThrow(AnswerLost);
    // Meanwhile the user registers key-1 again (another operation, a minute later).
    const again = { ...syntheticKey(keyIdOf('key-1')), createdAt: new Date(fixedClock().getTime() + 60_000), createdBy: 'wf-reg-again' };
    await createCredentials(subject).add(again);
    await activitiesOver(subject, { clock: fixedClock }).issueRequest(deregistration('wf-dereg'));
    expect(await createCredentials(subject).listForUser('alice', again.appId)).toEqual([again]);
  });

  it('a second deregistration (another operation) finds nothing left: noCredentials', async () => {
    const subject = await freshDatabase();
    await seedKeys(subject);
    const activities = activitiesOver(subject);
    await activities.issueRequest(deregistration('wf-dereg'));
    expect(await activities.issueRequest(deregistration('wf-other'))).toMatchObject({ issued: false, reason: 'noCredentials' });
  });

  it('registration and authentication requests write nothing, however often they run', async () => {
    const subject = await freshDatabase();
    await seedKeys(subject);
    const before = await snapshot(subject);
    const activities = activitiesOver(subject);
    for (const operation of ['registration', 'authentication', 'registration', 'authentication'] as const) {
      const issued = await activities.issueRequest({ workflowId: `wf-${operation}`, input: { operation, username: 'alice', sessionId: 's' } as OperationInput });
      expect(issued.issued).toBe(true);
    }
    expect(await snapshot(subject)).toEqual(before);
  });

  it('the authentication request names the user keys grouped per AAID (uaf/ policy builder)', async () => {
    const subject = await freshDatabase();
    await seedKeys(subject);
    const issued = await activitiesOver(subject).issueRequest({ workflowId: 'wf-auth', input: { operation: 'authentication', username: 'alice', sessionId: 's' } as OperationInput });
    expect(comparableIssue(issued)).toMatchObject({ request: { policy: { accepted: [[{ aaid: [aaid], keyIDs: [keyIdOf('key-1'), keyIdOf('key-2')] }]] } } });
  });
});

describe('verifyResponse: registration', () => {
  it('run twice: the same credential, success both times (guard: createdBy recognises its own insert)', async () => {
    const [subject, reference] = [await freshDatabase(), await freshDatabase()];
    const input = { ...(await registrationResponse(1)), workflowId: 'wf-reg' };
    const expected = comparableVerify(await activitiesOver(reference).verifyResponse(input));
    expect(expected).toMatchObject({ verified: true, userId: 'alice' });

    const activities = activitiesOver(subject);
    expect(comparableVerify(await activities.verifyResponse(input))).toEqual(expected);
    expect(comparableVerify(await activities.verifyResponse(input))).toEqual(expected);
    expect(await snapshot(subject)).toEqual(await snapshot(reference));
  });

  it('two assertions, answer lost after the first insert: the rerun completes the registration (guard: own keys left out of the policy)', async () => {
    const [subject, reference] = [await freshDatabase(), await freshDatabase()];
    const input = { ...(await registrationResponse(2)), workflowId: 'wf-reg' };
    const expected = comparableVerify(await activitiesOver(reference).verifyResponse(input));
    expect(expected).toMatchObject({ verified: true, authenticators: [{ aaid }, { aaid }] });

    const clock = fixedClock;
    await expect(activitiesOver(losingAnswerOf(subject, 'credentials', 'insertOne'), { clock }).verifyResponse(input)).rejects.toThrow(AnswerLost);
    expect(await subject.collection('credentials').countDocuments()).toBe(1); // half-written
    expect(comparableVerify(await activitiesOver(subject, { clock }).verifyResponse(input))).toEqual(expected);
    expect(await snapshot(subject)).toEqual(await snapshot(reference));
  });

  it('the same key in another operation is still refused', async () => {
    const subject = await freshDatabase();
    const input = await registrationResponse(1);
    const activities = activitiesOver(subject);
    await activities.verifyResponse({ ...input, workflowId: 'wf-reg' });
    // Another operation of alice: the policy disallows her key now.
    expect(await activities.verifyResponse({ ...input, workflowId: 'wf-other' })).toMatchObject({ verified: false, code: 'authenticatorDisallowed' });
    // Another user with the same key: the insert finds it written by another operation.
    expect(await activities.verifyResponse({ ...input, username: 'bob', workflowId: 'wf-bob' })).toMatchObject({ verified: false, code: 'credentialExists' });
  });
});

describe('verifyResponse: authentication', () => {
  it('run twice: success both times, the counter moved once (guard: lastOperation recognises its own move)', async () => {
    const [subject, reference] = [await freshDatabase(), await freshDatabase()];
    const input = { ...(await authenticated([subject, reference])), workflowId: 'wf-auth' };
    const expected = comparableVerify(await activitiesOver(reference).verifyResponse(input));
    expect(expected).toMatchObject({ verified: true, userId: 'alice' });

    const activities = activitiesOver(subject);
    expect(comparableVerify(await activities.verifyResponse(input))).toEqual(expected);
    expect(comparableVerify(await activities.verifyResponse(input))).toEqual(expected);
    expect(await snapshot(subject)).toEqual(await snapshot(reference));
  });

  it('answer lost after the counter update: the rerun succeeds with the same state', async () => {
    const [subject, reference] = [await freshDatabase(), await freshDatabase()];
    const input = { ...(await authenticated([subject, reference])), workflowId: 'wf-auth' };
    const expected = comparableVerify(await activitiesOver(reference).verifyResponse(input));

    const clock = fixedClock;
    await expect(activitiesOver(losingAnswerOf(subject, 'credentials', 'updateOne'), { clock }).verifyResponse(input)).rejects.toThrow(AnswerLost);
    expect(comparableVerify(await activitiesOver(subject, { clock }).verifyResponse(input))).toEqual(expected);
    expect(await snapshot(subject)).toEqual(await snapshot(reference));
  });

  it('the same response in another operation (a replay or a clone) is still refused', async () => {
    const subject = await freshDatabase();
    const input = await authenticated([subject]);
    const activities = activitiesOver(subject);
    expect(await activities.verifyResponse({ ...input, workflowId: 'wf-auth' })).toMatchObject({ verified: true });
    expect(await activities.verifyResponse({ ...input, workflowId: 'wf-clone' })).toMatchObject({ verified: false, code: 'counterNotIncreased' });
  });
});

describe('sendDispatch and settleDispatch', () => {
  // The token the activity derives; the workflow sends its hash only.
  const hashOfDispatch = (sessionId: string) => tokenHashOf(dispatchTokenOf('wf-oob', sessionId, deriveKeys(serverSecret).dispatchToken));
  const input: SendDispatchInput = {
    workflowId: 'wf-oob',
    operation: 'authentication',
    username: 'alice',
    dispatch: { sessionId: 'session-1', operation: 'authentication', tokenHash: hashOfDispatch('session-1'), dispatcher: 'counting', timeoutSeconds: 300 },
    dispatchNumber: 1,
  };
  const fallback: SendDispatchInput = {
    ...input,
    dispatch: { ...input.dispatch, sessionId: 'session-2', tokenHash: hashOfDispatch('session-2') },
    dispatchNumber: 2,
  };

  it('run twice: one push, the same answer and state (guard: the dispatch record)', async () => {
    const [subject, reference] = [await freshDatabase(), await freshDatabase()];
    await seedKeys(subject, reference);
    const once = activitiesOver(reference);
    const expected = await once.sendDispatch(input);
    expect(expected).toMatchObject({ dispatchResult: 'dispatched' });
    await once.sendDispatch(fallback);

    const dispatcher = createCountingDispatcher();
    const activities = activitiesOver(subject, { dispatcher });
    // Each run once in order, then each again (as a retry would come after its own first run).
    expect(await activities.sendDispatch(input)).toEqual(expected);
    const fallbackAnswer = await activities.sendDispatch(fallback);
    expect(await activities.sendDispatch(input)).toEqual(expected);
    expect(await activities.sendDispatch(fallback)).toEqual(fallbackAnswer);
    expect(dispatcher.pushes).toBe(2);
    // The record holds the dispatcher's answer; the user's keys go back to the workflow as each run reads them.
    const { userKeys, ...recorded } = expected;
    expect(userKeys).toEqual([{ aaid, keyId: keyIdOf('key-1') }, { aaid, keyId: keyIdOf('key-2') }]);
    expect(await createDispatchRecords(subject).find('wf-oob', input.dispatch.tokenHash)).toEqual(recorded);
    expect(await snapshot(subject)).toEqual(await snapshot(reference));
  });

  it.each([
    ['dispatches', 'insertOne', 1],
    ['dispatchBudget', 'updateOne', 1],
  ])('answer lost after %s.%s: the rerun answers the same, pushes in all %i', async (collection, method, pushes) => {
    const [subject, reference] = [await freshDatabase(), await freshDatabase()];
    await seedKeys(subject, reference);
    const expected = await activitiesOver(reference).sendDispatch(input);

    const [clock, dispatcher] = [fixedClock, createCountingDispatcher()];
    await expect(activitiesOver(losingAnswerOf(subject, collection, method), { clock, dispatcher }).sendDispatch(input)).rejects.toThrow(AnswerLost);
    expect(await activitiesOver(subject, { clock, dispatcher }).sendDispatch(input)).toEqual(expected);
    expect(dispatcher.pushes).toBe(pushes);
    expect(await snapshot(subject)).toEqual(await snapshot(reference));
  });

  it('settle run twice records one unanswered dispatch (guard: conditional on the open entry)', async () => {
    const [subject, reference] = [await freshDatabase(), await freshDatabase()];
    await seedKeys(subject, reference);
    const once = activitiesOver(reference);
    const { budgetKey } = await once.sendDispatch(input);
    const settle = { workflowId: 'wf-oob', budgetKey: budgetKey!, unanswered: 1 };
    await once.settleDispatch(settle);

    const twice = activitiesOver(subject);
    await twice.sendDispatch(input);
    await twice.settleDispatch(settle);
    await twice.settleDispatch(settle);
    expect(await snapshot(subject)).toEqual(await snapshot(reference));
    const [ledger] = await subject.collection('dispatchBudget').find().toArray();
    expect(ledger).toMatchObject({ pending: {}, unanswered: [expect.any(Number)] });
  });
});

describe('removeExpiredRows and checkDatabase', () => {
  it('cleanup run twice leaves the state of one run; the second finds nothing more to remove', async () => {
    const [subject, reference] = [await freshDatabase(), await freshDatabase()];
    for (const db of [subject, reference]) {
      await createSessions(db).add('old-session', 'wf-1', new Date('2026-11-01T00:00:00Z'));
      await createSessions(db).add('fresh-session', 'wf-2', new Date('2026-11-22T11:59:00Z'));
    }
    expect(await activitiesOver(reference).removeExpiredRows()).toMatchObject({ sessions: 1 });
    const activities = activitiesOver(subject);
    expect(await activities.removeExpiredRows()).toMatchObject({ sessions: 1 });
    expect(await activities.removeExpiredRows()).toEqual({ sessions: 0, requestIds: 0, dispatches: 0, deregistrations: 0, audit: 0, pendingDispatches: 0 });
    expect(await snapshot(subject)).toEqual(await snapshot(reference));
  });

  it('checkDatabase only reads', async () => {
    const subject = await freshDatabase();
    await seedKeys(subject);
    const before = await snapshot(subject);
    const activities = activitiesOver(subject);
    expect(await activities.checkDatabase()).toEqual({ reachable: true });
    expect(await activities.checkDatabase()).toEqual({ reachable: true });
    expect(await snapshot(subject)).toEqual(before);
  });
});

describe('one database read per step (issue 10)', () => {
  const appId = syntheticKey('').appId;
  const redeem = (userKeys?: { aaid: string; keyId: string }[]) => ({
    workflowId: 'wf-auth',
    input: { operation: 'authentication', username: 'alice', sessionId: 's' } as OperationInput,
    ...(userKeys && { userKeys }),
  });
  /** The first dispatch of wf-auth, for alice. */
  const firstDispatch = {
    workflowId: 'wf-auth',
    operation: 'authentication',
    username: 'alice',
    dispatch: { sessionId: 's', operation: 'authentication', tokenHash: tokenHashOf(dispatchTokenOf('wf-auth', 's', deriveKeys(serverSecret).dispatchToken)), dispatcher: 'counting', timeoutSeconds: 300 },
    dispatchNumber: 1,
  } satisfies SendDispatchInput;

  it('verifying with a user name reads the user\'s keys once (no lookup per assertion), then moves the counter', async () => {
    const subject = await freshDatabase();
    const input = { ...(await authenticated([subject])), workflowId: 'wf-auth' };
    const counted = countingOperationsOf(subject);
    expect(await activitiesOver(counted.db).verifyResponse(input)).toMatchObject({ verified: true, userId: 'alice' });
    expect(counted.operations).toEqual(['credentials.find', 'credentials.updateOne']);
  });

  it('verifying without a user name looks the asserted key up by id only, then moves the counter', async () => {
    const subject = await freshDatabase();
    const { username: _username, ...input } = { ...(await authenticated([subject])), workflowId: 'wf-auth' };
    const counted = countingOperationsOf(subject);
    expect(await activitiesOver(counted.db).verifyResponse(input)).toMatchObject({ verified: true, userId: 'alice' });
    expect(counted.operations).toEqual(['credentials.findOne', 'credentials.updateOne']);
  });

  it('a key of another user is as unknown as no key (guard: picked from the named user\'s keys only)', async () => {
    const subject = await freshDatabase();
    const input = { ...(await authenticated([subject])), workflowId: 'wf-auth' };
    await createCredentials(subject).add(syntheticKey(keyIdOf('key-of-bob'), 'bob')); // bob has a key, so his policy is not empty
    const before = await snapshot(subject);
    expect(await activitiesOver(subject).verifyResponse({ ...input, username: 'bob' })).toMatchObject({ verified: false, code: 'unknownKeyId' });
    expect(await snapshot(subject)).toEqual(before);
  });

  it('a dispatch to a named user reads record, keys and ledger at once, then writes its reservation and its record', async () => {
    const subject = await freshDatabase();
    await seedKeys(subject);
    const counted = countingOperationsOf(subject);
    const sent = await activitiesOver(counted.db).sendDispatch(firstDispatch);
    expect(sent).toMatchObject({ dispatchResult: 'dispatched', budgetKey: expect.any(String) });
    // The first three are issued together (one Promise.all); no second read of the ledger.
    expect(counted.operations).toEqual(['dispatches.findOne', 'credentials.find', 'dispatchBudget.findOne', 'dispatchBudget.updateOne', 'dispatches.insertOne']);
  });

  it('the redeem builds its request from the keys the dispatch carried, without a read, however often it runs', async () => {
    const subject = await freshDatabase();
    await seedKeys(subject);
    const { userKeys } = await activitiesOver(subject).sendDispatch(firstDispatch);
    const expected = comparableIssue(await activitiesOver(subject).issueRequest(redeem()));
    const before = await snapshot(subject);
    const counted = countingOperationsOf(subject);
    const activities = activitiesOver(counted.db);
    expect(comparableIssue(await activities.issueRequest(redeem(userKeys)))).toEqual(expected);
    expect(comparableIssue(await activities.issueRequest(redeem(userKeys)))).toEqual(expected);
    expect(counted.operations).toEqual([]);
    expect(await snapshot(subject)).toEqual(before);
  });

  it('a key removed between dispatch and response is refused: verification reads the live keys', async () => {
    const subject = await freshDatabase();
    const input = { ...(await authenticated([subject])), workflowId: 'wf-auth' };
    const [carried] = await createCredentials(subject).listForUser('alice', appId);
    expect(await activitiesOver(subject).issueRequest(redeem([carried!]))).toMatchObject({ issued: true });
    await createCredentials(subject).removeForUser('alice');
    expect(await activitiesOver(subject).verifyResponse(input)).toMatchObject({ verified: false, code: 'unknownKeyId' });
  });

  it('registration and deregistration requests do not take carried keys: registration reads live, deregistration reads no key list', async () => {
    const subject = await freshDatabase();
    await seedKeys(subject);
    const counted = countingOperationsOf(subject);
    const activities = activitiesOver(counted.db);
    const stale = [{ aaid, keyId: keyIdOf('gone') }];
    const registration = await activities.issueRequest({ ...redeem(stale), input: { operation: 'registration', username: 'alice', sessionId: 's' } as OperationInput });
    // The live keys, each disallowed (an array in toMatchObject must match in length: no stale key).
    const disallowed = [keyIdOf('key-1'), keyIdOf('key-2')].map((keyID) => ({ aaid: [aaid], keyIDs: [keyID] }));
    expect(comparableIssue(registration)).toMatchObject({ request: { policy: { disallowed } } });
    expect(counted.operations).toEqual(['credentials.find']);
    counted.operations.length = 0;
    await activities.issueRequest({ ...deregistration('wf-dereg'), userKeys: stale });
    expect(counted.operations).toEqual(['deregistrations.findOne', 'credentials.find', 'deregistrations.insertOne', 'credentials.deleteMany']);
  });
});

describe('a worker process SIGKILLed right after the write', () => {
  /** Runs `activity(input)` in a child process that kills itself right after `killAfter`; resolves with its exit. */
  function runInKilledWorker(uri: string, killAfter: string, activity: string, input: unknown) {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./killAfterWrite.ts', import.meta.url))], {
      env: { ...process.env, MONGO_URI: uri, KILL_AFTER: killAfter, ACTIVITY: activity, ACTIVITY_INPUT: JSON.stringify(input) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
    );
  }

  it('deregistration: killed after recording what it removes, the rerun removes and answers the same', async () => {
    const [subject, reference] = [await freshDatabaseAt(), await freshDatabase()];
    await seedKeys(subject.db, reference);
    const expected = comparableIssue(await activitiesOver(reference).issueRequest(deregistration('wf-dereg')));

    const killed = await runInKilledWorker(subject.uri, 'deregistrations.insertOne', 'issueRequest', deregistration('wf-dereg'));
    expect(killed, killed.stderr).toMatchObject({ signal: 'SIGKILL' });
    // The record is written, the keys are not removed yet: the state a dead worker leaves.
    expect(await subject.db.collection('deregistrations').countDocuments()).toBe(1);
    expect(await createCredentials(subject.db).listForUser('alice', syntheticKey('').appId)).toHaveLength(2);

    expect(comparableIssue(await activitiesOver(subject.db, { clock: fixedClock }).issueRequest(deregistration('wf-dereg')))).toEqual(expected);
    expect(await snapshot(subject.db)).toEqual(await snapshot(reference));
  });

  it('authentication: killed after the counter update, the rerun succeeds with the same state', async () => {
    const [subject, reference] = [await freshDatabaseAt(), await freshDatabase()];
    const input = { ...(await authenticated([subject.db, reference])), workflowId: 'wf-auth' };
    const expected = comparableVerify(await activitiesOver(reference).verifyResponse(input));

    const killed = await runInKilledWorker(subject.uri, 'credentials.updateOne', 'verifyResponse', input);
    expect(killed, killed.stderr).toMatchObject({ signal: 'SIGKILL' });
    expect(comparableVerify(await activitiesOver(subject.db, { clock: fixedClock }).verifyResponse(input))).toEqual(expected);
    expect(await snapshot(subject.db)).toEqual(await snapshot(reference));
  });

  it('registration of two assertions: killed after the first insert, the rerun completes it', async () => {
    const [subject, reference] = [await freshDatabaseAt(), await freshDatabase()];
    const input = { ...(await registrationResponse(2)), workflowId: 'wf-reg' };
    const expected = comparableVerify(await activitiesOver(reference).verifyResponse(input));

    const killed = await runInKilledWorker(subject.uri, 'credentials.insertOne', 'verifyResponse', input);
    expect(killed, killed.stderr).toMatchObject({ signal: 'SIGKILL' });
    expect(await subject.db.collection('credentials').countDocuments()).toBe(1);
    expect(comparableVerify(await activitiesOver(subject.db, { clock: fixedClock }).verifyResponse(input))).toEqual(expected);
    expect(await snapshot(subject.db)).toEqual(await snapshot(reference));
  });
});
