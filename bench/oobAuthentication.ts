// Benchmark of complete out-of-band authentications through the HTTP API, on a stack of its own
// (Temporal dev server, FerretDB, FCM emulator, real worker and api processes on free loopback
// ports). N simulated phones are enrolled (registration by QR code + dispatch target, not timed);
// then, at each concurrency, RP dispatch (push via the FCM emulator) → push received → redeem →
// UAF response → status `succeeded`, timed per HTTP step. The baseline runs the same flow's
// crypto and database work in this process without Temporal: the activities called directly
// (sendDispatch with the FCM send, issueRequest, the phone's signing, verifyResponse) against the
// same FerretDB, so durability's cost is a ratio. The engine floor (bench/floor/) runs a bare
// workflow with the same message shape on the same Temporal server, its worker a process of its
// own, so Outband's cost over its engine is a ratio too. Each Outband level runs once per browser
// mode: a browser polling status every 1 s (poll1000), every 250 ms (poll250), or following the
// status event stream (sse). Figures: tables on stdout, JSON in bench/results/<date>.json and an
// SVG chart of throughput and p99 against concurrency beside it. After the sweep, an open loop at
// half the best 1 s-polling throughput (flows started at a fixed pace) gives every HTTP step's
// latency at half the peak rate.
//
//   npm run bench -- [--concurrency 1,5,10,25,50] [--flows 300] [--seconds 20] [--phones 50]
//                    [--browsers poll1000,poll250,sse] [--warmup 30] [--temporal-db file|memory]
//                    [--no-baseline] [--no-floor] [--no-half-peak] [--tsx] [--verbose] [--cpu-prof <dir>] [--out <file.json>]
//                    [--worker-node-options="--max-semi-space-size=4 …"]   (the worker process only; note the =)
//   npm run bench -- --quick          concurrency 1,10; 8 s or 60 flows per level
//   npm run bench -- --scale 10000    N out-of-band flows held open at once (RSS, status latency), then all completed
//   The production build runs by default (dist/, pre-bundled workflows; built first when stale);
//   --tsx runs the sources through tsx instead. --cpu-prof writes V8 CPU profiles of the worker and api.
import { mkdir, writeFile } from 'node:fs/promises';
import { execSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { deriveKeys } from '../config/deriveKeys.js';
import {
  createAuthenticator,
  createPhone,
  createDispatchTarget,
  createPhoneKeys,
  createPushReceiver,
  decodeNmaPayload,
  parseDeepLink,
  parseDispatchPayload,
  readQrCode,
  testAuthenticatorProfile,
  type Authenticator,
  type Phone,
  type PhoneKeys,
  type PushMessage,
  type PushReceiver,
} from '../device/index.js';
import { projectRoot } from '../scripts/services.js';
import { createDatabase } from '../store/database.js';
import { readMetadataDirectory } from '../store/metadataDirectory.js';
import { createWorkerDependencies } from '../worker/createWorkerDependencies.js';
import { UafStatusCode } from '../uaf/statusCodes.js';
import { dispatchTokenOf, newSessionId, tokenHashOf, userHashOf, workflowIdOf } from '../store/sessionKeys.js';
import { startBenchStack, type BenchStack, type TemporalDb } from './benchStack.js';
import { summarize, type LatencySummary } from './latencyStats.js';
import { bucketsBetween, routeBuckets, summarizeBuckets, type Buckets, type ServerLatency } from './apiHistogram.js';
import { readCpuSeconds, readMemory, resetPeak, type Memory } from './processStats.js';
import { browserModeName, parseBrowserMode, watchLikeABrowser, type BrowserFigures, type BrowserMode } from './browsers.js';
import { renderChart, type ChartSeries } from './chart.js';
import { createFloorFlow } from './floor/flow.js';
import { buildIfStale } from '../scripts/buildIfStale.mjs';

const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string' },
    flows: { type: 'string' },
    seconds: { type: 'string' },
    phones: { type: 'string' },
    warmup: { type: 'string' },
    browsers: { type: 'string', default: 'poll1000,poll250,sse' },
    'temporal-db': { type: 'string', default: 'file' },
    'no-baseline': { type: 'boolean', default: false },
    'no-floor': { type: 'boolean', default: false },
    'no-half-peak': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    scale: { type: 'string' },
    tsx: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'worker-node-options': { type: 'string' },
    out: { type: 'string', default: `${projectRoot}/bench/results/${new Date().toISOString().slice(0, 16).replace(':', '-')}.json` },
  },
});

const scaleFlows = args.scale === undefined ? 0 : Number(args.scale);
const levels = (args.concurrency ?? (scaleFlows && !args.quick ? '' : args.quick ? '1,10' : '1,5,10,25,50')).split(',').filter(Boolean).map(Number);
const maxFlows = Number(args.flows ?? (args.quick ? 60 : 300));
const levelSeconds = Number(args.seconds ?? (args.quick ? 8 : 20));
const warmupFlows = Number(args.warmup ?? (args.quick ? 10 : 30));
const temporalDb = args['temporal-db'] as TemporalDb;
const browserModes: BrowserMode[] = args.browsers.split(',').filter(Boolean).map(parseBrowserMode);
/** Open flows one user may have during the scale run (DISPATCH_MAX_PENDING's ceiling). */
const scaleFlowsPerPhone = 100;
/** Sampling interval of the bench's own event loop delay (ms). */
const loopDelayResolutionMs = 10;
/** How long the scale run holds its open flows quietly before reading memory again. */
const scaleHoldSeconds = 30;
const phoneCount = Number(args.phones ?? Math.max(5, ...levels, Math.ceil(scaleFlows / scaleFlowsPerPhone)));
const dist = !args.tsx;
const halfPeak = !args['no-half-peak'] && browserModes.some((mode) => browserModeName(mode) === 'poll1000');
const floorTaskQueue = 'bench-floor';
if (levels.some((c) => !Number.isInteger(c) || c < 1) || !(maxFlows > 0) || !(levelSeconds > 0) || !['file', 'memory'].includes(temporalDb) || !(scaleFlows >= 0)) {
  throw new Error('usage: --concurrency 1,10,50 --flows <n ≥ 1> --seconds <s> --temporal-db file|memory --scale <n>');
}
if (scaleFlows > phoneCount * scaleFlowsPerPhone) throw new Error(`--scale ${scaleFlows} needs at least ${Math.ceil(scaleFlows / scaleFlowsPerPhone)} phones`);
// One phone runs one flow at a time: two flows on one authenticator would race its sign counter.
if (phoneCount < Math.max(...levels)) throw new Error(`--phones (${phoneCount}) must be at least the highest concurrency`);

const log = (line: string) => process.stderr.write(`bench  ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Bounds, not targets: an overloaded stack answers slowly, and a flow only fails past these.
const requestTimeoutMs = 60_000;
const pushTimeoutMs = 60_000;
const statusBoundMs = 10_000;

type Json = Record<string, any>;

interface Device {
  username: string;
  authenticator: Authenticator;
  keys: PhoneKeys;
  push: PushReceiver;
  phone: Phone;
  targetId: string;
  /** Where the phone's timed fetch records the current flow's steps. */
  record?: StepTimes;
}

/** Milliseconds per step of one flow. */
type StepTimes = Partial<Record<Step, number>>;
const httpSteps = ['dispatch', 'redeem', 'facets', 'uafResponse', 'status'] as const;
const steps = [...httpSteps, 'pushWait', 'endToEnd'] as const;
type Step = (typeof steps)[number];

// ---------------------------------------------------------------- HTTP helpers

let stack!: BenchStack;
let rpKey: string;

/** Calls answered 503 + Retry-After (load shed) and sent again after the wait, as an RP or a phone app would. */
let shedRetries = 0;
/**
 * How long a client keeps resending a call answered 503 + Retry-After: a minute, inside the
 * 2-minute life of a UAF request (a user watching a spinner; an RP backend with a deadline).
 */
const shedRetryBudgetMs = 60_000;
const mayRetryShed = (firstSentAt: number) => !interrupted && performance.now() - firstSentAt < shedRetryBudgetMs;

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const firstSentAt = performance.now();
  for (;;) {
    const answer = await postOnce(path, body, headers);
    if (answer.status !== 503 || answer.retryAfter === undefined || !mayRetryShed(firstSentAt)) return answer;
    shedRetries++;
    await sleep(answer.retryAfter * 1000);
  }
}

async function postOnce(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; retryAfter?: number }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const text = await response.text();
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json, ...(retryAfter >= 0 && { retryAfter }) };
}
const asRp = () => ({ authorization: `Bearer ${rpKey}` });
const getUafRequest = (op: 'Reg' | 'Auth', username: string) => ({ op, context: JSON.stringify({ username }) });

/** The phone's fetch: each call is timed into the device's current flow record, by path. */
function timedFetch(device: () => Device): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const step: Step | undefined = url.includes('/token/redeem/') ? 'redeem' : url.endsWith('/facets') ? 'facets' : url.includes('/uaf/1.1/authentication') ? 'uafResponse' : undefined;
    const started = performance.now();
    let response = await fetch(input, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) });
    // A shed call (503 + Retry-After) is sent again after the wait, as the phone app would.
    while (response.status === 503 && response.headers.has('retry-after') && mayRetryShed(started)) {
      shedRetries++;
      await response.arrayBuffer();
      await sleep(Number(response.headers.get('retry-after')) * 1000);
      response = await fetch(input, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) });
    }
    // The body is part of the step: buffer it before stopping the clock.
    const body = await response.arrayBuffer();
    const record = device().record;
    if (record && step) record[step] = (record[step] ?? 0) + performance.now() - started;
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

// ---------------------------------------------------------------- enrolment (not timed)

async function enrol(index: number): Promise<Device> {
  const username = `bench-user-${index}`;
  const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') });
  const keys = await createPhoneKeys();
  const push = await createPushReceiver({ emulatorUrl: stack.fcmUrl });
  const device = { username, authenticator, keys, push } as Device;
  device.phone = createPhone({ facetID: stack.config.uaf.trustedFacets[0]!, authenticators: [authenticator], keys, fetch: timedFetch(() => device) });

  const started = await post('/nevisfido/token/dispatch/registration', { dispatcher: 'link-png-qr-code', getUafRequest: getUafRequest('Reg', username) }, asRp());
  if (started.body.dispatchResult !== 'dispatched') throw new Error(`enrol ${username}: dispatch answered ${JSON.stringify(started.body)}`);
  const { serverResponse } = await device.phone.redeem(parseDeepLink(readQrCode(started.body.dispatcherInformation.response)));
  const deviceToken = serverResponse?.additionalTokens?.[0]?.value;
  if (!deviceToken) throw new Error(`enrol ${username}: no device token`);
  // With a deviceId, as the Nevis SDK sends it: the enrolment also marks the credential's device (Device Service).
  const created = await createDispatchTarget({ serverUrl: `${stack.apiUrl}/nevisfido`, deviceToken, name: `${username}'s phone`, pushToken: push.token, keys, deviceId: `bench-device-${username}` });
  device.targetId = created.id;
  return device;
}

// ---------------------------------------------------------------- the timed flow through the API

/**
 * The push of this dispatch, by its FCM message name. The emulator queues a device's messages, so
 * the phone fetches it after the dispatch answer; a stale one (of an earlier flow that failed) is
 * skipped, never redeemed in place of this flow's.
 */
async function awaitPush(device: Device, name: string | undefined, timeoutMs = pushTimeoutMs): Promise<PushMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await device.push.nextMessage({ timeoutMs: Math.max(1, deadline - Date.now()) });
    if (message.name === name) return message;
  }
}

interface FlowResult {
  times: StepTimes;
  statusCalls: number;
  sessionId?: string;
  failure?: { step: string; message: string };
  /** The browser's figures, once it has stopped (it may poll on after the flow's slot is free). */
  browser?: Promise<BrowserFigures>;
  /** When the phone had the server's answer (performance.now()): the browser's lag is from here. */
  answeredAt?: number;
}

async function apiFlow(device: Device, browserMode?: BrowserMode): Promise<FlowResult> {
  let browser: ReturnType<typeof watchLikeABrowser> | undefined;
  let answeredAt: number | undefined;
  const withBrowser = (result: FlowResult): FlowResult => ({ ...result, ...(browser && { browser: browser.stop() }), ...(answeredAt !== undefined && { answeredAt }) });
  const times: StepTimes = {};
  device.record = times;
  let step = 'dispatch';
  let statusCalls = 0;
  let sessionId: string | undefined;
  const started = performance.now();
  try {
    const dispatched = await post(
      '/nevisfido/token/dispatch/authentication',
      { dispatchTargetId: device.targetId, getUafRequest: getUafRequest('Auth', device.username) },
      asRp(),
    );
    const dispatchedAt = performance.now();
    times.dispatch = dispatchedAt - started;
    sessionId = dispatched.body.sessionId;
    if (dispatched.status !== 200 || dispatched.body.dispatchResult !== 'dispatched') {
      throw new Error(`HTTP ${dispatched.status} ${JSON.stringify(dispatched.body)}`);
    }
    // The RP's page opens as the dispatch answers, and watches until the flow ends.
    if (browserMode) browser = watchLikeABrowser(stack.apiUrl, sessionId!, browserMode);
    step = 'push';
    const message = await awaitPush(device, dispatched.body.dispatcherInformation?.response);
    times.pushWait = performance.now() - dispatchedAt;
    step = 'redeem → UAF response';
    const { serverResponse } = await device.phone.redeem(parseDispatchPayload(message.data));
    if (serverResponse?.statusCode !== UafStatusCode.ok) throw new Error(`server response ${JSON.stringify(serverResponse)}`);
    answeredAt = performance.now();
    step = 'status';
    const statusStarted = performance.now();
    for (;;) {
      const callStarted = performance.now();
      const answer = await post('/nevisfido/status', { sessionId });
      statusCalls++;
      times.status = (times.status ?? 0) + performance.now() - callStarted;
      if (answer.body.status === 'succeeded') break;
      if (answer.status !== 200 || answer.body.status === 'failed' || performance.now() - statusStarted > statusBoundMs) {
        throw new Error(`HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      await sleep(10);
    }
    times.endToEnd = performance.now() - started;
    return withBrowser({ times, statusCalls, sessionId });
  } catch (error) {
    return withBrowser({ times, statusCalls, ...(sessionId && { sessionId }), failure: { step, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } });
  } finally {
    device.record = undefined;
  }
}

// ---------------------------------------------------------------- the same work without Temporal

type BaselineStep = 'sendDispatch' | 'pushWait' | 'issueRequest' | 'sign' | 'verifyResponse' | 'settleDispatch' | 'endToEnd';

async function createBaseline() {
  const config = stack.config;
  const { client: mongo, db } = createDatabase(config.mongodbUri);
  // The worker's own wiring, in this process: the same activities over the same FerretDB and FCM emulator.
  const dependencies = await createWorkerDependencies({ config, db, metadata: await readMetadataDirectory(config.uaf.metadataDir) });
  const { activities, keys } = dependencies;
  // The phone's facet list, read once: the baseline makes no HTTP call to the api.
  const facets = await (await fetch(config.uaf.appId)).text();
  const facetsFetch = (async () => new Response(facets, { headers: { 'content-type': 'application/fido.trusted-apps+json' } })) as typeof fetch;
  const phones = new Map<Device, Phone>();

  async function flow(device: Device): Promise<{ times: Partial<Record<BaselineStep, number>>; failure?: { step: string; message: string } }> {
    const times: Partial<Record<BaselineStep, number>> = {};
    let phone = phones.get(device);
    if (!phone) phones.set(device, (phone = createPhone({ facetID: config.uaf.trustedFacets[0]!, authenticators: [device.authenticator], keys: device.keys, fetch: facetsFetch })));
    let step: BaselineStep = 'sendDispatch';
    const sessionId = newSessionId();
    const workflowId = workflowIdOf(sessionId, keys.sessionId);
    const token = dispatchTokenOf(workflowId, sessionId, keys.dispatchToken);
    const budgetKey = userHashOf(device.username, keys.userHash);
    const input = { operation: 'authentication' as const, sessionId, username: device.username, outOfBand: { sessionPolicy: 'latest-only' as const } };
    const started = performance.now();
    let mark = started;
    const lap = (name: BaselineStep) => {
      const now = performance.now();
      times[name] = now - mark;
      mark = now;
    };
    try {
      const sent = await activities.sendDispatch({
        workflowId,
        operation: 'authentication',
        username: device.username,
        dispatch: { sessionId, operation: 'authentication', tokenHash: tokenHashOf(token), dispatcher: '', dispatchTargetId: device.targetId, timeoutSeconds: 300 },
        dispatchNumber: 1,
      });
      if (sent.dispatchResult !== 'dispatched') throw new Error(`dispatchResult ${sent.dispatchResult}`);
      lap('sendDispatch');
      step = 'pushWait';
      const message = await awaitPush(device, sent.dispatcherInformation.response);
      const nmaData = await decodeNmaPayload(parseDispatchPayload(message.data), { decryptionKey: device.keys.encryption.privateKey });
      if (tokenHashOf(nmaData.token) !== tokenHashOf(token)) throw new Error('the push carried another token');
      lap('pushWait');
      step = 'issueRequest';
      // The keys the dispatch read, as the workflow hands them to the redeem (no read of its own).
      const issued = await activities.issueRequest({ workflowId, input, ...(sent.userKeys && { userKeys: sent.userKeys }) });
      if (!issued.issued) throw new Error(`issueRequest: ${issued.reason}`);
      lap('issueRequest');
      step = 'sign';
      const uafResponse = await phone.client.authenticate(issued.returnUafRequest.uafRequest!);
      lap('sign');
      step = 'verifyResponse';
      const verified = await activities.verifyResponse({ workflowId, operation: 'authentication', uafResponse, challenge: issued.challenge, username: device.username });
      if (!verified.verified) throw new Error(`verifyResponse: ${verified.code}`);
      lap('verifyResponse');
      // The workflow settles the push-fatigue ledger when the operation ends.
      step = 'settleDispatch';
      await activities.settleDispatch({ workflowId, budgetKey, unanswered: 0 });
      lap('settleDispatch');
      times.endToEnd = performance.now() - started;
      return { times };
    } catch (error) {
      // As the workflow would at its end: a failed flow must not hold the user's dispatch budget.
      if (step !== 'settleDispatch') await activities.settleDispatch({ workflowId, budgetKey, unanswered: 1 }).catch(() => {});
      return { times, failure: { step, message: error instanceof Error ? error.message : String(error) } };
    }
  }

  return {
    flow,
    async close() {
      await dependencies.close();
      await mongo.close();
    },
  };
}

// ---------------------------------------------------------------- load levels

interface LevelRun<R> {
  results: R[];
  wallSeconds: number;
  timedOut: boolean;
}

/** `concurrency` loops, loop i on phone i: at most `flows` flows and `seconds` in all. */
async function runLevel<R>(devices: Device[], concurrency: number, flows: number, seconds: number, flow: (device: Device) => Promise<R>): Promise<LevelRun<R>> {
  const results: R[] = [];
  let started = 0;
  const deadline = performance.now() + seconds * 1000;
  let timedOut = false;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      for (;;) {
        if (started >= flows || interrupted) return;
        if (performance.now() >= deadline) {
          timedOut = true;
          return;
        }
        started++;
        results.push(await flow(devices[loop]!));
      }
    }),
  );
  return { results, wallSeconds: (performance.now() - begin) / 1000, timedOut };
}

/**
 * Open loop: a flow starts every 1/`rate` s for `seconds`, whether or not earlier ones have ended
 * (as users arrive), each on a phone that has no flow under way; none free is a failure of the
 * load generator, not of the stack, and is reported as such.
 */
async function runAtRate<R>(devices: Device[], rate: number, seconds: number, flow: (device: Device) => Promise<R>): Promise<LevelRun<R> & { noFreePhone: number }> {
  const free = [...devices];
  const running: Promise<void>[] = [];
  const results: R[] = [];
  let noFreePhone = 0;
  const begin = performance.now();
  for (let index = 0; index < Math.round(rate * seconds) && !interrupted; index++) {
    const due = begin + (index * 1000) / rate;
    if (due > performance.now()) await sleep(due - performance.now());
    const device = free.pop();
    if (!device) {
      noFreePhone++;
      continue;
    }
    running.push(
      flow(device).then((result) => {
        results.push(result);
        free.push(device);
      }),
    );
  }
  await Promise.all(running);
  return { results, wallSeconds: (performance.now() - begin) / 1000, timedOut: false, noFreePhone };
}

interface ProcessFigures extends Partial<Memory> {
  cpuMsPerFlow?: number;
  cpuPercentOfOneCore?: number;
}

function cpuSnapshot(): Record<string, number | undefined> {
  const snapshot: Record<string, number | undefined> = {};
  for (const [name, pid] of Object.entries(stack.pids)) snapshot[name] = readCpuSeconds(pid);
  const own = process.cpuUsage();
  snapshot['bench (phones, RP)'] = (own.user + own.system) / 1e6;
  return snapshot;
}

function processFigures(before: Record<string, number | undefined>, flows: number, wallSeconds: number): Record<string, ProcessFigures> {
  const after = cpuSnapshot();
  const figures: Record<string, ProcessFigures> = {};
  for (const name of Object.keys(after)) {
    const pid = stack.pids[name];
    const cpu = after[name] !== undefined && before[name] !== undefined ? after[name]! - before[name]! : undefined;
    figures[name] = {
      ...(pid !== undefined && readMemory(pid)),
      ...(cpu !== undefined && {
        cpuMsPerFlow: Math.round((cpu * 1000 * 10) / Math.max(flows, 1)) / 10,
        cpuPercentOfOneCore: Math.round((cpu / wallSeconds) * 100),
      }),
    };
  }
  return figures;
}

/** CPU ms per flow of all processes together. */
function totalCpu(processes: Record<string, ProcessFigures>): number {
  return Math.round(Object.values(processes).reduce((sum, p) => sum + (p.cpuMsPerFlow ?? 0), 0) * 10) / 10;
}

/** The API's histogram of status calls now (undefined when /metrics does not answer: the figure is left out). */
async function apiStatusBuckets(): Promise<Buckets | undefined> {
  try {
    const response = await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: `Bearer ${stack.env.METRICS_API_KEYS}` }, signal: AbortSignal.timeout(10_000) });
    return response.ok ? routeBuckets(await response.text(), 'POST', '/nevisfido/status') : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- Temporal's share of one flow

async function historyOf(sessionId: string): Promise<{ events: number; counts: Record<string, number>; sequence: string[] }> {
  const connection = await Connection.connect({ address: stack.config.temporal.address });
  try {
    const client = new Client({ connection, namespace: stack.config.temporal.namespace });
    const workflowId = workflowIdOf(sessionId, deriveKeys(stack.config.serverSecret).sessionId);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const counts: Record<string, number> = {};
    const sequence: string[] = [];
    for (const event of history.events ?? []) {
      const name = (proto.temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
      counts[name] = (counts[name] ?? 0) + 1;
      sequence.push(name);
    }
    return { events: sequence.length, counts, sequence };
  } finally {
    await connection.close();
  }
}

// ---------------------------------------------------------------- report

const fmt = (value: number | undefined, digits = 1) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
const round1 = (value: number) => Math.round(value * 10) / 10;

/** One measured level of one series: the floor, Outband with one browser mode, or the baseline. */
interface LevelReport {
  series: string;
  /** Flows kept under way at once; 0 for an open-loop level (`ratePerSecond`). */
  concurrency: number;
  /** Open loop: flows started per second, whatever the stack's pace (`--no-half-peak` leaves it out). */
  ratePerSecond?: number;
  /** Open loop: starts skipped because every phone was busy (the load generator's limit, not the stack's). */
  noFreePhone?: number;
  flows: number;
  failures: number;
  wallSeconds: number;
  timeBoundHit: boolean;
  flowsPerSecond: number;
  /** CPU of every process per flow (the stack's and the bench's own). */
  cpuMsPerFlow: number;
  /** Outband's own processes (api + worker), or the floor's worker. */
  ownCpuMsPerFlow?: number;
  steps: Record<string, LatencySummary>;
  processes: Record<string, ProcessFigures>;
  failureSamples: { step: string; message: string }[];
  statusCallsPerFlow?: number;
  /** Calls answered 503 + Retry-After and sent again (load shedding at work). */
  shedRetries: number;
  /** Every status call the browsers made (poll modes). */
  browserStatus?: LatencySummary & { unanswered: number };
  /** From the phone's answer until the browser saw `succeeded` (ms). */
  browserLag?: LatencySummary;
  /** Every status call of the level as the API timed it (its histogram: no client queueing). */
  apiStatus?: ServerLatency;
  /** This bench process's event loop delay during the level (ms): what its client-side times carry of its own. */
  benchLoopDelay: { p50: number; p99: number };
}

function printTables(levels: LevelReport[], ratios: Json[]): void {
  const out: string[] = [];
  const row = (cells: (string | number)[], widths: number[]) => cells.map((cell, i) => String(cell).padStart(widths[i]!)).join('  ');
  const p = (s?: LatencySummary) => (s && s.count ? `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)}` : '–');
  out.push('', 'Flows per series and concurrency (ms: p50 / p95 / p99; CPU ms per flow: all processes · own = api+worker, or the floor worker)');
  const shown = ['dispatch', 'redeem', 'uafResponse', 'status', 'endToEnd'];
  const widths = [22, 4, 5, 7, 4, ...shown.map(() => 21), 21, 23, 14];
  out.push(row(['series', 'conc', 'flows', 'flows/s', 'fail', ...shown, 'browser status calls', 'browser lag to success', 'CPU all · own'], widths));
  for (const level of levels) {
    out.push(
      row(
        [
          level.series,
          level.ratePerSecond ? `${fmt(level.ratePerSecond)}/s` : level.concurrency,
          level.flows,
          fmt(level.flowsPerSecond),
          level.failures,
          ...shown.map((step) => p(level.steps[step])),
          level.browserStatus ? `${p(level.browserStatus)}${level.browserStatus.unanswered ? ` ✗${level.browserStatus.unanswered}` : ''}` : '–',
          p(level.browserLag),
          `${fmt(level.cpuMsPerFlow, 0)} · ${fmt(level.ownCpuMsPerFlow, 0)}`,
        ],
        widths,
      ),
    );
  }
  out.push('', 'Processes per level: peak RSS MiB · CPU ms per flow');
  for (const level of levels) {
    out.push(`${level.series.padStart(22)}  ${String(level.concurrency).padStart(4)}  ${Object.entries(level.processes).map(([name, fig]) => `${name} ${fmt(fig.peakRssMiB, 0)} · ${fmt(fig.cpuMsPerFlow)}`).join(' | ')}`);
  }
  out.push('', 'Status as the API timed it (its histogram; p50 / p99 estimated within buckets) · this bench\'s event loop delay p50 / p99 (ms)');
  for (const level of levels) {
    const api = level.apiStatus;
    out.push(`${level.series.padStart(22)}  ${String(level.concurrency).padStart(4)}  ${api ? `${api.count} calls, ${fmt(api.p50)} / ${fmt(api.p99)}, ${fmt(api.within50msPercent)} % within 50 ms` : '–'} · loop ${fmt(level.benchLoopDelay.p50)} / ${fmt(level.benchLoopDelay.p99)}`);
  }
  if (ratios.length) {
    out.push('', 'Ratios (throughput at the same concurrency): Outband ÷ engine floor, Outband ÷ in-process baseline');
    for (const r of ratios) out.push(`${String(r.series).padStart(22)}  ${String(r.concurrency).padStart(4)}  ÷floor ${fmt(r.ofFloor, 2)}  ÷baseline ${fmt(r.ofBaseline, 2)}`);
  }
  for (const level of levels) {
    if (!level.failures) continue;
    out.push('', `FAILURES in ${level.series} at concurrency ${level.concurrency}: ${level.failures}`);
    for (const f of level.failureSamples) out.push(`  ${f.step}: ${f.message}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

// ---------------------------------------------------------------- one level of one series

/** Work that fails as soon as a service of the stack dies. */
const run = async <T>(work: Promise<T>): Promise<T> => Promise.race([work, stack.died]);

interface AnyFlowResult {
  times: Partial<Record<string, number>>;
  failure?: { step: string; message: string };
  statusCalls?: number;
  sessionId?: string;
  browser?: Promise<BrowserFigures>;
  answeredAt?: number;
}

async function measureLevel(
  series: string,
  devices: Device[],
  concurrency: number,
  flow: (device: Device) => Promise<AnyFlowResult>,
  stepNames: readonly string[],
  own: readonly string[],
  /** Open loop at this many flows per second instead of `concurrency` loops (`concurrency` is then 0). */
  rate?: number,
): Promise<{ report: LevelReport; results: AnyFlowResult[] }> {
  log(rate ? `${series}, open loop at ${fmt(rate)} flows/s for ${levelSeconds} s` : `${series}, concurrency ${concurrency}: up to ${maxFlows} flows or ${levelSeconds} s`);
  for (const pid of Object.values(stack.pids)) resetPeak(pid);
  const before = cpuSnapshot();
  const shedBefore = shedRetries;
  const statusBefore = await apiStatusBuckets();
  const loopDelay = monitorEventLoopDelay({ resolution: loopDelayResolutionMs });
  loopDelay.enable();
  const level: LevelRun<AnyFlowResult> & { noFreePhone?: number } = await run(
    rate ? runAtRate(devices, rate, levelSeconds, flow) : runLevel(devices, concurrency, maxFlows, levelSeconds, flow),
  );
  // Browsers still watching finish within an interval; their calls belong to this level.
  const browsers = await Promise.all(level.results.map((r) => r.browser).filter((b): b is Promise<BrowserFigures> => b !== undefined));
  const processes = processFigures(before, level.results.length, level.wallSeconds);
  loopDelay.disable();
  const statusAfter = await apiStatusBuckets();
  const apiStatus = statusBefore && statusAfter ? summarizeBuckets(bucketsBetween(statusBefore, statusAfter)) : undefined;
  const ok = level.results.filter((r) => !r.failure);
  const failures = level.results.filter((r) => r.failure);
  const steps: Record<string, LatencySummary> = {};
  for (const step of stepNames) steps[step] = summarize(ok.map((r) => r.times[step]).filter((t): t is number => t !== undefined));
  const browserLags: number[] = [];
  const withBrowser = level.results.filter((r) => r.browser);
  for (const [i, figures] of browsers.entries()) {
    const result = withBrowser[i]!;
    if (figures.succeededAt !== undefined && result.answeredAt !== undefined) browserLags.push(Math.max(0, figures.succeededAt - result.answeredAt));
  }
  const statusMs = browsers.flatMap((b) => b.statusMs);
  const report: LevelReport = {
    series,
    concurrency,
    ...(rate && { ratePerSecond: round1(rate), noFreePhone: level.noFreePhone ?? 0 }),
    flows: ok.length,
    failures: failures.length,
    wallSeconds: round1(level.wallSeconds),
    timeBoundHit: level.timedOut,
    flowsPerSecond: round1(ok.length / level.wallSeconds),
    cpuMsPerFlow: totalCpu(processes),
    ownCpuMsPerFlow: round1(own.reduce((sum, name) => sum + (processes[name]?.cpuMsPerFlow ?? 0), 0)),
    steps,
    processes,
    failureSamples: failures.slice(0, 10).map((r) => r.failure!),
    shedRetries: shedRetries - shedBefore,
    ...(ok.some((r) => r.statusCalls !== undefined) && { statusCallsPerFlow: Math.round((ok.reduce((n, r) => n + (r.statusCalls ?? 0), 0) / Math.max(ok.length, 1)) * 100) / 100 }),
    ...(statusMs.length && { browserStatus: { ...summarize(statusMs), unanswered: browsers.reduce((n, b) => n + b.unanswered, 0) } }),
    ...(browserLags.length && { browserLag: summarize(browserLags) }),
    ...(apiStatus?.count && { apiStatus }),
    // The histogram holds each 10 ms sampling timer's whole wait: the delay is what lies beyond it.
    benchLoopDelay: { p50: round1(Math.max(0, loopDelay.percentile(50) / 1e6 - loopDelayResolutionMs)), p99: round1(Math.max(0, loopDelay.percentile(99) / 1e6 - loopDelayResolutionMs)) },
  };
  log(`${series}, concurrency ${concurrency}: ${ok.length} ok, ${failures.length} failed, ${fmt(report.flowsPerSecond)} flows/s, ${report.shedRetries} calls shed and retried`);
  return { report, results: level.results };
}

// ---------------------------------------------------------------- scale: many open flows at once

interface ScaleReport {
  flows: number;
  dispatched: number;
  dispatchSeconds: number;
  open: { processes: Record<string, Partial<Memory>>; status: LatencySummary & { unanswered: number } };
  /** Resident memory after the open flows were held `seconds` with no traffic but the status sample. */
  held: { seconds: number; processes: Record<string, Partial<Memory>> };
  /** The worker's RSS every 500 dispatches, in dispatch order (MiB). */
  workerRssByOpen: { open: number; workerRssMiB: number }[];
  /** Flows whose status ended `succeeded` (the RP's view, read after the phones are done). */
  completed: number;
  completeSeconds: number;
  /** Final statuses other than `succeeded`, by failure reason (or the status when not final). */
  notCompleted: Record<string, number>;
  /** Pushes beyond the dispatches answered 200: operations started by a dispatch whose answer was a 503 (then sent again). */
  extraPushes: number;
  /** Exchanges where the phone saw an error, although its flow may have succeeded (a response resent after a 503 meets 409). */
  phoneErrors: number;
  failures: number;
  failureSamples: string[];
}

/**
 * `count` authentications dispatched (pushed, not redeemed) and held open together; then the
 * resident memory of each process and the latency of status calls over the open flows; then every
 * phone redeems its pushes one by one until all are completed.
 */
async function runScale(devices: Device[], count: number): Promise<ScaleReport> {
  const perPhone = devices.map(() => [] as { sessionId: string }[]);
  const failureSamples: string[] = [];
  const rssByOpen: { open: number; workerRssMiB: number }[] = [];
  let failures = 0;
  let next = 0;
  log(`scale: dispatching ${count} flows (25 at a time), each held open`);
  const dispatchStarted = performance.now();
  await run(
    Promise.all(
      Array.from({ length: 25 }, async () => {
        for (let index = next++; index < count; index = next++) {
          const phoneIndex = index % devices.length;
          const device = devices[phoneIndex]!;
          const answer = await post(
            '/nevisfido/token/dispatch/authentication',
            { dispatchTargetId: device.targetId, getUafRequest: getUafRequest('Auth', device.username), timeoutSeconds: 900 },
            asRp(),
          ).catch((error: Error) => ({ status: 0, body: { message: error.message } as Json }));
          if (answer.status !== 200 || answer.body.dispatchResult !== 'dispatched') {
            failures++;
            if (failureSamples.length < 10) failureSamples.push(`dispatch: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
            continue;
          }
          perPhone[phoneIndex]!.push({ sessionId: answer.body.sessionId });
          if (index % 500 === 499) {
            // Memory as flows pile up: growth with open flows, or a plateau after the first peak.
            const rssMiB = readMemory(stack.pids.worker!)?.rssMiB;
            rssByOpen.push({ open: index + 1, workerRssMiB: rssMiB ?? NaN });
            log(`scale: ${index + 1} dispatched (worker RSS ${fmt(rssMiB, 0)} MiB)`);
          }
        }
      }),
    ),
  );
  const dispatchSeconds = (performance.now() - dispatchStarted) / 1000;
  const open = perPhone.flat();
  log(`scale: ${open.length} open; sampling status latency over them`);
  const processes: Record<string, Partial<Memory>> = {};
  for (const [name, pid] of Object.entries(stack.pids)) processes[name] = readMemory(pid) ?? {};
  const statusMs: number[] = [];
  let unanswered = 0;
  const samples = Math.min(500, open.length);
  let sampled = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (sampled < samples) {
        const { sessionId } = open[Math.floor(Math.random() * open.length)]!;
        sampled++;
        const started = performance.now();
        const answer = await post('/nevisfido/status', { sessionId }).catch(() => undefined);
        if (answer?.body.status === 'tokenCreated') statusMs.push(performance.now() - started);
        else unanswered++;
      }
    }),
  );
  // Held, not just dispatched: after a quiet half minute the heaps have been collected, and the
  // resident memory is what holding the open flows costs rather than the dispatch burst's peak.
  await sleep(scaleHoldSeconds * 1000);
  const processesHeld: Record<string, Partial<Memory>> = {};
  for (const [name, pid] of Object.entries(stack.pids)) processesHeld[name] = readMemory(pid) ?? {};
  log(`scale: after ${scaleHoldSeconds} s held, RSS MiB ${Object.entries(processesHeld).map(([name, m]) => `${name} ${fmt(m.rssMiB, 0)}`).join(', ')}`);
  log(`scale: completing ${open.length} flows (every phone redeems its pushes in order)`);
  const completeStarted = performance.now();
  let exchanged = 0;
  let phoneErrors = 0;
  let extraPushes = 0;
  await run(
    Promise.all(
      devices.map(async (device, phoneIndex) => {
        // Pushes arrive in the order the dispatches were sent, not the order they answered: the
        // phone takes its queue as it comes (every message is one of its own open flows).
        for (const _flow of perPhone[phoneIndex]!) {
          try {
            const message = await device.push.nextMessage({ timeoutMs: pushTimeoutMs });
            const { serverResponse } = await device.phone.redeem(parseDispatchPayload(message.data));
            if (serverResponse?.statusCode !== UafStatusCode.ok) throw new Error(`server response ${JSON.stringify(serverResponse)}`);
          } catch (error) {
            // A UAF response answered 503 is sent again; when the first was accepted meanwhile, the
            // resend meets 409. The flow's status (read below) says whether it succeeded.
            phoneErrors++;
            if (failureSamples.length < 10) failureSamples.push(`phone: ${(error as Error).message}`);
          }
          if (++exchanged % 500 === 0) log(`scale: ${exchanged} exchanges done`);
        }
        // A dispatch answered 503 after its update budget had started its operation, which pushed;
        // the retry pushed again for a second one. The phone answers every push it got.
        for (;;) {
          const extra = await device.push.nextMessage({ timeoutMs: 3_000 }).catch(() => undefined);
          if (!extra) break;
          extraPushes++;
          await device.phone.redeem(parseDispatchPayload(extra.data)).catch(() => phoneErrors++);
        }
      }),
    ),
  );
  const completeSeconds = round1((performance.now() - completeStarted) / 1000);
  // Every flow's outcome as the RP sees it: its final status.
  const outcomes = new Map<string, number>();
  let read = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let index = read++; index < open.length; index = read++) {
        const answer = await post('/nevisfido/status', { sessionId: open[index]!.sessionId }).catch((error: Error) => ({ status: 0, body: { status: `unanswered: ${error.message}` } as Json }));
        const outcome = answer.body.status === 'failed' ? `failed: ${answer.body.failureReason}` : String(answer.body.status);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }),
  );
  const completed = outcomes.get('succeeded') ?? 0;
  outcomes.delete('succeeded');
  return {
    flows: count,
    dispatched: open.length,
    dispatchSeconds: round1(dispatchSeconds),
    open: { processes, status: { ...summarize(statusMs), unanswered } },
    workerRssByOpen: rssByOpen,
    held: { seconds: scaleHoldSeconds, processes: processesHeld },
    completed,
    completeSeconds,
    notCompleted: Object.fromEntries(outcomes),
    phoneErrors,
    extraPushes,
    failures: failures + open.length - completed,
    failureSamples,
  };
}

// ---------------------------------------------------------------- main

let stopping: Promise<void> | undefined;
/** Set on SIGINT/SIGTERM: no new flow starts while the stack stops. */
let interrupted = false;
const stopStack = () => (stopping ??= stack ? stack.stop() : Promise.resolve());
process.on('exit', () => stack?.killNow());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    log(`${signal}: stopping the stack`);
    void stopStack().finally(() => process.exit(130));
  });
}

/** Counts of one flow's history: what Temporal stored and dispatched for it. */
function historyCounts(counts: Record<string, number>): Json {
  return {
    workflowTasks: counts.WORKFLOW_TASK_COMPLETED ?? 0,
    activityTasks: counts.ACTIVITY_TASK_SCHEDULED ?? 0,
    localActivities: counts.MARKER_RECORDED ?? 0,
    timers: counts.TIMER_STARTED ?? 0,
    updates: counts.WORKFLOW_EXECUTION_UPDATE_ACCEPTED ?? 0,
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAverageAtStart = loadavg().map((value) => Math.round(value * 100) / 100);
  if (dist) buildIfStale(log);
  const floor = !args['no-floor'] && levels.length > 0;
  stack = await startBenchStack({
    temporalDb,
    verbose: args.verbose,
    log,
    dist,
    ...(floor && { floorTaskQueue }),
    ...(scaleFlows > 0 && { extraEnv: { DISPATCH_MAX_PENDING: String(scaleFlowsPerPhone) } }),
    ...(args['cpu-prof'] && { cpuProfileDir: args['cpu-prof'] }),
    ...(args['worker-node-options'] && { workerNodeOptions: args['worker-node-options'].split(' ').filter(Boolean) }),
  });
  rpKey = stack.config.rpApiKeys[0]!;

  log(`enrolling ${phoneCount} phones (registration by QR code + dispatch target; not timed)`);
  const devices: Device[] = [];
  for (let first = 0; first < phoneCount; first += 10) {
    devices.push(...(await run(Promise.all(Array.from({ length: Math.min(10, phoneCount - first) }, (_, i) => enrol(first + i))))));
  }

  const connection = await Connection.connect({ address: stack.config.temporal.address });
  const floorClient = new Client({ connection, namespace: 'default' });
  const floorFlow = createFloorFlow(floorClient, floorTaskQueue);
  const levelReports: LevelReport[] = [];
  let sampleSession: string | undefined;
  const baseline = args['no-baseline'] || levels.length === 0 ? undefined : await createBaseline();
  try {
    if (warmupFlows > 0 && levels.length) {
      log(`warm-up: ${warmupFlows} flows at concurrency ${Math.min(5, phoneCount)} (not counted)`);
      const warm = await run(runLevel(devices, Math.min(5, phoneCount), warmupFlows, levelSeconds, (device) => apiFlow(device)));
      const failed = warm.results.filter((r) => r.failure);
      if (failed.length) log(`warm-up: ${failed.length} failures, first: ${JSON.stringify(failed[0]!.failure)}`);
      if (floor) await run(runLevel(devices, 5, warmupFlows, levelSeconds, () => floorFlow()));
      if (baseline) await run(runLevel(devices, Math.min(5, phoneCount), Math.min(warmupFlows, 20), levelSeconds, baseline.flow));
    }
    // At each concurrency every series runs in turn, so all see about the same data in FerretDB.
    for (const concurrency of levels) {
      if (floor) {
        levelReports.push((await measureLevel('engine floor', devices, concurrency, () => floorFlow(), ['dispatch', 'redeem', 'uafResponse', 'endToEnd'], ['floor-worker'])).report);
      }
      for (const mode of browserModes) {
        const measured = await measureLevel(`outband ${browserModeName(mode)}`, devices, concurrency, (device) => apiFlow(device, mode), steps, ['api', 'worker']);
        sampleSession ??= measured.results.find((r) => !r.failure)?.sessionId;
        levelReports.push(measured.report);
      }
      if (baseline) {
        levelReports.push((await measureLevel('in-process baseline', devices, concurrency, baseline.flow, ['sendDispatch', 'pushWait', 'issueRequest', 'sign', 'verifyResponse', 'settleDispatch', 'endToEnd'], [])).report);
      }
    }
    // Every HTTP step at half the peak rate: an open loop at half the best 1 s-polling throughput
    // of the sweep above, so the step latencies are those of a stack with room to spare.
    const peak = Math.max(0, ...levelReports.filter((l) => l.series === 'outband poll1000').map((l) => l.flowsPerSecond));
    if (halfPeak && peak > 0) {
      levelReports.push((await measureLevel('outband poll1000 ½ peak', devices, 0, (device) => apiFlow(device, parseBrowserMode('poll1000')), steps, ['api', 'worker'], peak / 2)).report);
    }
  } finally {
    await baseline?.close();
  }
  const ratios = levelReports
    .filter((level) => level.series.startsWith('outband') && !level.ratePerSecond)
    .map((level) => {
      const at = (series: string) => levelReports.find((x) => x.series === series && x.concurrency === level.concurrency)?.flowsPerSecond;
      const [floorRate, baselineRate] = [at('engine floor'), at('in-process baseline')];
      return {
        series: level.series,
        concurrency: level.concurrency,
        ...(floorRate && { ofFloor: Math.round((level.flowsPerSecond / floorRate) * 100) / 100 }),
        ...(baselineRate && { ofBaseline: Math.round((level.flowsPerSecond / baselineRate) * 100) / 100 }),
      };
    });

  const scale = scaleFlows > 0 ? await runScale(devices, scaleFlows) : undefined;
  await connection.close();

  const history = sampleSession ? await historyOf(sampleSession).catch((error: Error) => ({ error: error.message })) : undefined;
  const git = (command: string) => execSync(`git ${command}`, { cwd: projectRoot, encoding: 'utf8' }).trim();
  const command = `npm run bench --${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const report = {
    startedAt: startedAt.toISOString(),
    command,
    git: { head: git('rev-parse --short HEAD'), uncommittedChanges: git('status --porcelain --untracked-files=no').split('\n').filter(Boolean).length },
    loadAverageAtStart,
    loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    // Tuning the caller's shell passed to the worker and api (WORKER_*, API_*, MALLOC_*), for A/B runs.
    settings: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => /^(WORKER_|API_|STATUS_CACHE_|MALLOC_)/.test(key))),
      ...(args['worker-node-options'] && { workerNodeOptions: args['worker-node-options'] }),
    },
    options: { concurrency: levels, flowsPerLevel: maxFlows, secondsPerLevel: levelSeconds, phones: phoneCount, warmupFlows, temporalDb, browsers: browserModes.map(browserModeName), runtime: dist ? 'dist (compiled, pre-built workflow bundle)' : 'tsx' },
    notes: [
      'Every process (Temporal, FerretDB, FCM emulator, worker, api, the floor worker and this bench with its simulated phones and browsers) shares the same machine.',
      'Step times are client-side, body included. status: the RP\'s own status calls after the phone\'s answer, until succeeded (statusCallsPerFlow).',
      'Browser modes: from the dispatch answer a browser polls status every N ms (pollN) or follows the event stream (sse) until the flow ends; browserStatus = every such call; browserLag = from the phone\'s answer until that browser saw succeeded.',
      'Engine floor: bench/floor/, a bare workflow with the same messages (update-with-start, 2 updates, completion) and 3 no-op local activities, no codec, worker in its own process, same Temporal server; times per client call.',
      'Baseline: activities called in this process with the same FerretDB and FCM emulator; no Temporal, no api HTTP, no retries; facet list cached.',
      'ownCpuMsPerFlow: api + worker for Outband; the floor worker for the floor.',
    ],
    levels: levelReports,
    ratios,
    ...(scale && { scale }),
    historyOfOneFlow: history && 'counts' in history ? { ...history, ...historyCounts(history.counts) } : history,
  };
  printTables(levelReports, ratios);
  if (scale) {
    process.stdout.write(
      `\nScale: ${scale.dispatched}/${scale.flows} flows open at once (dispatched in ${scale.dispatchSeconds} s); RSS MiB ${Object.entries(scale.open.processes).map(([name, m]) => `${name} ${fmt(m.rssMiB, 0)}`).join(', ')}; after ${scale.held.seconds} s held: worker ${fmt(scale.held.processes.worker?.rssMiB, 0)}, api ${fmt(scale.held.processes.api?.rssMiB, 0)}; status over open flows p50 ${fmt(scale.open.status.p50)} / p99 ${fmt(scale.open.status.p99)} ms (${scale.open.status.unanswered} unanswered); completed ${scale.completed} in ${scale.completeSeconds} s, ${scale.failures} failures (not completed: ${JSON.stringify(scale.notCompleted)}; phone-side errors ${scale.phoneErrors}; extra pushes ${scale.extraPushes})\n`,
    );
    for (const sample of scale.failureSamples) process.stdout.write(`  ${sample}\n`);
  }
  if (history) process.stdout.write(`\nHistory of one flow: ${'sequence' in history ? `${history.events} events: ${history.sequence.join(' → ')}` : history.error}\n`);
  await mkdir(new URL('.', `file://${args.out}`).pathname, { recursive: true });
  await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
  if (levelReports.length) {
    const series: ChartSeries[] = [...new Set(levelReports.filter((l) => !l.ratePerSecond).map((l) => l.series))].map((name) => {
      const of = levelReports.filter((l) => l.series === name && l.flows > 0 && !l.ratePerSecond);
      return { name, throughput: of.map((l) => [l.concurrency, l.flowsPerSecond]), p99: of.map((l) => [l.concurrency, l.steps.endToEnd?.p99 ?? NaN]) };
    });
    const chart = args.out.replace(/\.json$/, '') + '.svg';
    await writeFile(chart, renderChart(series, `${command} · ${report.machine.cpus} × ${report.machine.cpuModel} · load ${loadAverageAtStart[0]} at start · ${startedAt.toISOString().slice(0, 16)}Z`));
    log(`chart written to ${chart}`);
  }
  log(`figures written to ${args.out}`);
  const failed = levelReports.some((l) => l.failures) || (scale?.failures ?? 0) > 0;
  process.exitCode = failed ? 1 : 0;
}

try {
  await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}${error instanceof Error && error.cause ? ` (cause: ${String(error.cause)})` : ''}`);
  if (stack) for (const name of ['api', 'worker']) for (const line of stack.tail(name).slice(-10)) log(`${name}: ${line}`);
  process.exitCode = 1;
} finally {
  await stopStack();
}
