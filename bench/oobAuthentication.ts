// Benchmark of complete out-of-band authentications through the HTTP API, on a stack of its own
// (Temporal dev server, FerretDB, FCM emulator, real worker and api processes on free loopback
// ports). N simulated phones are enrolled (registration by QR code + dispatch target, not timed);
// then, at each concurrency, RP dispatch (push via the FCM emulator) → push received → redeem →
// UAF response → status `succeeded`, timed per HTTP step. The baseline runs the same flow's
// crypto and database work in this process without Temporal: the activities called directly
// (sendDispatch with the FCM send, issueRequest, the phone's signing, verifyResponse) against the
// same FerretDB, so durability's cost is a ratio. Figures: table on stdout, JSON in
// bench/results/latest.json.
//
//   npm run bench -- [--concurrency 1,10,50] [--flows 300] [--seconds 30] [--phones 50]
//                    [--warmup 30] [--temporal-db file|memory] [--no-baseline] [--dist] [--verbose]
//   --dist runs the production build (dist/, pre-bundled workflows) instead of the sources via tsx.
//                    [--cpu-prof <dir>]   (V8 CPU profiles of the worker and api, written at the end)
import { mkdir, writeFile } from 'node:fs/promises';
import { execSync, spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
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
import { readCpuSeconds, readMemory, resetPeak, type Memory } from './processStats.js';

const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '1,10,50' },
    flows: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '30' },
    phones: { type: 'string' },
    warmup: { type: 'string', default: '30' },
    'temporal-db': { type: 'string', default: 'file' },
    'no-baseline': { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    out: { type: 'string', default: `${projectRoot}/bench/results/latest.json` },
  },
});

const levels = args.concurrency.split(',').map(Number);
const maxFlows = Number(args.flows);
const levelSeconds = Number(args.seconds);
const warmupFlows = Number(args.warmup);
const temporalDb = args['temporal-db'] as TemporalDb;
const phoneCount = Number(args.phones ?? Math.max(...levels));
if (levels.some((c) => !Number.isInteger(c) || c < 1) || !(maxFlows > 0) || !(levelSeconds > 0) || !['file', 'memory'].includes(temporalDb)) {
  throw new Error('usage: --concurrency 1,10,50 --flows <n ≥ 1> --seconds <s> --temporal-db file|memory');
}
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

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
}
const asRp = () => ({ authorization: `Bearer ${rpKey}` });
const getUafRequest = (op: 'Reg' | 'Auth', username: string) => ({ op, context: JSON.stringify({ username }) });

/** The phone's fetch: each call is timed into the device's current flow record, by path. */
function timedFetch(device: () => Device): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const step: Step | undefined = url.includes('/token/redeem/') ? 'redeem' : url.endsWith('/facets') ? 'facets' : url.includes('/uaf/1.1/authentication') ? 'uafResponse' : undefined;
    const started = performance.now();
    const response = await fetch(input, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) });
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
  const created = await createDispatchTarget({ serverUrl: `${stack.apiUrl}/nevisfido`, deviceToken, name: `${username}'s phone`, pushToken: push.token, keys });
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
}

async function apiFlow(device: Device): Promise<FlowResult> {
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
    step = 'push';
    const message = await awaitPush(device, dispatched.body.dispatcherInformation?.response);
    times.pushWait = performance.now() - dispatchedAt;
    step = 'redeem → UAF response';
    const { serverResponse } = await device.phone.redeem(parseDispatchPayload(message.data));
    if (serverResponse?.statusCode !== UafStatusCode.ok) throw new Error(`server response ${JSON.stringify(serverResponse)}`);
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
    return { times, statusCalls, sessionId };
  } catch (error) {
    return { times, statusCalls, ...(sessionId && { sessionId }), failure: { step, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } };
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
      const issued = await activities.issueRequest({ workflowId, input });
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

/** What every measured level reports, through the API or as the in-process baseline. */
interface ReportBase {
  concurrency: number;
  flows: number;
  failures: number;
  flowsPerSecond: number;
  /** CPU of every process per flow (the stack's and the bench's own). */
  cpuMsPerFlow: number;
  steps: Record<string, LatencySummary>;
  processes: Record<string, ProcessFigures>;
  failureSamples: { step: string; message: string }[];
}

interface LevelReport extends ReportBase {
  wallSeconds: number;
  timeBoundHit: boolean;
  statusCallsPerFlow: number;
}

/** The baseline's work runs in the bench process, FerretDB and the emulator. */
type BaselineReport = ReportBase;

function printTables(report: { levels: LevelReport[]; baseline: BaselineReport[]; ratios: Json[] }): void {
  const out: string[] = [];
  const row = (cells: (string | number)[], widths: number[]) => cells.map((cell, i) => String(cell).padStart(widths[i]!)).join('  ');
  out.push('', 'Out-of-band authentication through the HTTP API (ms; p50 / p95 / p99)');
  // facets only shows when the phone had to fetch the trusted facet list (AppID ≠ facet ID).
  const shown = steps.filter((step) => report.levels.some((level) => level.steps[step]?.count));
  const widths = [4, 6, 8, 4, ...shown.map(() => 21)];
  out.push(row(['conc', 'flows', 'flows/s', 'fail', ...shown.map((step) => (step === 'endToEnd' ? 'end to end' : step))], widths));
  for (const level of report.levels) {
    const cell = (step: string) => {
      const s = level.steps[step];
      return s && s.count ? `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)}` : '–';
    };
    out.push(
      row(
        [level.concurrency, level.flows, fmt(level.flowsPerSecond), level.failures, ...shown.map(cell)],
        widths,
      ),
    );
  }
  out.push('', 'Processes per level: peak RSS MiB (VmHWM of the level) · CPU ms per flow · CPU % of one core');
  const names = Object.keys(report.levels[0]?.processes ?? {});
  out.push(row(['conc', ...names, 'CPU ms/flow, all'], [4, ...names.map(() => 22), 17]));
  for (const level of report.levels) {
    out.push(
      row(
        [level.concurrency, ...names.map((name) => {
          const p = level.processes[name]!;
          return `${p.peakRssMiB === undefined ? '–' : fmt(p.peakRssMiB, 0)} · ${fmt(p.cpuMsPerFlow)} · ${p.cpuPercentOfOneCore ?? '–'}%`;
        }), fmt(level.cpuMsPerFlow)],
        [4, ...names.map(() => 22), 17],
      ),
    );
  }
  if (report.baseline.length) {
    out.push('', 'Baseline: the same crypto + database work in-process, no Temporal, no api HTTP (ms; p50)');
    const bw = [4, 6, 8, 4, 12, 9, 12, 7, 14, 14, 10, 9, 12];
    out.push(row(['conc', 'flows', 'flows/s', 'fail', 'sendDispatch', 'pushWait', 'issueRequest', 'sign', 'verifyResponse', 'settleDispatch', 'e2e p50', 'e2e p99', 'CPU ms/flow'], bw));
    for (const b of report.baseline) {
      const p50 = (step: string) => fmt(b.steps[step]?.p50);
      out.push(row([b.concurrency, b.flows, fmt(b.flowsPerSecond), b.failures, p50('sendDispatch'), p50('pushWait'), p50('issueRequest'), p50('sign'), p50('verifyResponse'), p50('settleDispatch'), p50('endToEnd'), fmt(b.steps.endToEnd?.p99), fmt(b.cpuMsPerFlow)], bw));
    }
    out.push('', 'Cost of durability (Temporal flow / baseline)');
    out.push(row(['conc', 'throughput ratio', 'p50 latency ratio', 'CPU per flow ratio'], [4, 18, 18, 19]));
    for (const r of report.ratios) out.push(row([r.concurrency, `${fmt(r.throughputRatio, 2)}×`, `${fmt(r.p50Ratio, 2)}×`, `${fmt(r.cpuRatio, 2)}×`], [4, 18, 18, 19]));
  }
  for (const level of report.levels) {
    if (level.failures) {
      out.push('', `FAILURES at concurrency ${level.concurrency}: ${level.failures}`);
      for (const f of level.failureSamples) out.push(`  ${f.step}: ${f.message}`);
    }
  }
  for (const b of report.baseline) {
    if (b.failures) {
      out.push('', `BASELINE FAILURES at concurrency ${b.concurrency}: ${b.failures}`);
      for (const f of b.failureSamples) out.push(`  ${f.step}: ${f.message}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
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

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAverageAtStart = loadavg().map((value) => Math.round(value * 100) / 100);
  if (args.dist) {
    log('building the production bundle (npm run build)');
    const built = spawnSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: 'ignore' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  stack = await startBenchStack({
    temporalDb,
    verbose: args.verbose,
    log,
    dist: args.dist,
    ...(args['cpu-prof'] && { cpuProfileDir: args['cpu-prof'] }),
  });
  rpKey = stack.config.rpApiKeys[0]!;
  const run = async <T>(work: Promise<T>) => Promise.race([work, stack.died]);

  log(`enrolling ${phoneCount} phones (registration by QR code + dispatch target; not timed)`);
  const devices: Device[] = [];
  for (let first = 0; first < phoneCount; first += 10) {
    devices.push(...(await run(Promise.all(Array.from({ length: Math.min(10, phoneCount - first) }, (_, i) => enrol(first + i))))));
  }

  if (warmupFlows > 0) {
    log(`warm-up: ${warmupFlows} flows at concurrency ${Math.min(5, phoneCount)} (not counted)`);
    const warm = await run(runLevel(devices, Math.min(5, phoneCount), warmupFlows, levelSeconds, apiFlow));
    const failed = warm.results.filter((r) => r.failure);
    if (failed.length) log(`warm-up: ${failed.length} failures, first: ${JSON.stringify(failed[0]!.failure)}`);
  }

  const levelReports: LevelReport[] = [];
  const baselineReports: BaselineReport[] = [];
  let sampleSession: string | undefined;
  const baseline = args['no-baseline'] ? undefined : await createBaseline();
  try {
    if (baseline) await run(runLevel(devices, Math.min(5, phoneCount), Math.min(warmupFlows, 20), levelSeconds, baseline.flow));
    // Each level's baseline runs right after it: both see about the same amount of data in FerretDB.
    for (const concurrency of levels) {
      log(`concurrency ${concurrency}: up to ${maxFlows} flows or ${levelSeconds} s`);
      for (const pid of Object.values(stack.pids)) resetPeak(pid);
      const before = cpuSnapshot();
      const level = await run(runLevel(devices, concurrency, maxFlows, levelSeconds, apiFlow));
      const processes = processFigures(before, level.results.length, level.wallSeconds);
      const ok = level.results.filter((r) => !r.failure);
      sampleSession ??= ok[0]?.sessionId;
      const stepsSummary: Record<string, LatencySummary> = {};
      for (const step of steps) stepsSummary[step] = summarize(ok.map((r) => r.times[step]).filter((t): t is number => t !== undefined));
      const failures = level.results.filter((r) => r.failure);
      levelReports.push({
        concurrency,
        flows: ok.length,
        failures: failures.length,
        wallSeconds: Math.round(level.wallSeconds * 100) / 100,
        flowsPerSecond: Math.round((ok.length / level.wallSeconds) * 10) / 10,
        timeBoundHit: level.timedOut,
        cpuMsPerFlow: totalCpu(processes),
        statusCallsPerFlow: Math.round((ok.reduce((n, r) => n + r.statusCalls, 0) / Math.max(ok.length, 1)) * 100) / 100,
        steps: stepsSummary,
        processes,
        failureSamples: failures.slice(0, 10).map((r) => r.failure!),
      });
      log(`concurrency ${concurrency}: ${ok.length} ok, ${failures.length} failed, ${fmt(ok.length / level.wallSeconds)} flows/s`);

      if (!baseline) continue;
      log(`baseline, concurrency ${concurrency}`);
      const baselineBefore = cpuSnapshot();
      const baselineLevel = await run(runLevel(devices, concurrency, maxFlows, levelSeconds, baseline.flow));
      const baselineProcesses = processFigures(baselineBefore, baselineLevel.results.length, baselineLevel.wallSeconds);
      const baselineOk = baselineLevel.results.filter((r) => !r.failure);
      const baselineFailures = baselineLevel.results.filter((r) => r.failure);
      const baselineSteps: Record<string, LatencySummary> = {};
      for (const step of ['sendDispatch', 'pushWait', 'issueRequest', 'sign', 'verifyResponse', 'settleDispatch', 'endToEnd'] as BaselineStep[]) {
        baselineSteps[step] = summarize(baselineOk.map((r) => r.times[step]).filter((t): t is number => t !== undefined));
      }
      baselineReports.push({
        concurrency,
        flows: baselineOk.length,
        failures: baselineFailures.length,
        flowsPerSecond: Math.round((baselineOk.length / baselineLevel.wallSeconds) * 10) / 10,
        cpuMsPerFlow: totalCpu(baselineProcesses),
        processes: baselineProcesses,
        steps: baselineSteps,
        failureSamples: baselineFailures.slice(0, 10).map((r) => r.failure!),
      });
    }
  } finally {
    await baseline?.close();
  }
  const ratios = levelReports.flatMap((level) => {
    const b = baselineReports.find((x) => x.concurrency === level.concurrency);
    return b
      ? [{ concurrency: level.concurrency, throughputRatio: b.flowsPerSecond / level.flowsPerSecond, p50Ratio: level.steps.endToEnd!.p50 / b.steps.endToEnd!.p50, cpuRatio: level.cpuMsPerFlow / b.cpuMsPerFlow }]
      : [];
  });

  const history = sampleSession ? await historyOf(sampleSession).catch((error: Error) => ({ error: error.message })) : undefined;
  const git = (command: string) => execSync(`git ${command}`, { cwd: projectRoot, encoding: 'utf8' }).trim();
  const report = {
    startedAt: startedAt.toISOString(),
    git: { head: git('rev-parse --short HEAD'), uncommittedChanges: git('status --porcelain --untracked-files=no').split('\n').filter(Boolean).length },
    loadAverageAtStart,
    loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    options: { concurrency: levels, flowsPerLevel: maxFlows, secondsPerLevel: levelSeconds, phones: phoneCount, warmupFlows, temporalDb },
    notes: [
      'Every process (Temporal, FerretDB, FCM emulator, worker, api and this bench with its simulated phones) shares the same machine.',
      'Step times are client-side, body included. facets is the phone UAF client reading the AppID trusted facet list (once per flow).',
      'pushWait: from the dispatch answer until the phone has fetched that push from the emulator queue (one long-poll call; the FCM send itself happens inside the dispatch call).',
      'status: the sum of the status calls of a flow until succeeded (statusCallsPerFlow).',
      'Baseline: activities called in this process with the same FerretDB and FCM emulator; no Temporal, no api HTTP, no retries; facet list cached. Each level\'s baseline runs right after it.',
      'Ratios: throughput = baseline flows/s ÷ Temporal flows/s; p50 = Temporal end-to-end p50 ÷ baseline p50; CPU = CPU ms per flow of all processes, Temporal path ÷ baseline.',
    ],
    levels: levelReports,
    baseline: baselineReports,
    ratios,
    historyOfOneFlow: history,
  };
  printTables({ levels: levelReports, baseline: baselineReports, ratios });
  if (history) process.stdout.write(`\nHistory of one flow: ${'sequence' in history ? history.sequence.join(' → ') : history.error}\n`);
  await mkdir(new URL('.', `file://${args.out}`).pathname, { recursive: true });
  await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
  log(`figures written to ${args.out}`);
  const failed = levelReports.some((l) => l.failures) || baselineReports.some((b) => b.failures);
  process.exitCode = failed ? 1 : 0;
}

try {
  await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (stack) for (const name of ['api', 'worker']) for (const line of stack.tail(name).slice(-10)) log(`${name}: ${line}`);
  process.exitCode = 1;
} finally {
  await stopStack();
}
