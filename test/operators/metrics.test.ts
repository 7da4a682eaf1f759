/**
 * Issue 11 "done when": after one push login through the real stack (API, worker, Temporal,
 * FerretDB, FCM emulator), the API's and the worker's /metrics moved by exactly that login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../setup/harness.js';
import { enrolPhone, pushLogin, waitForEnd, type EnrolledPhone } from '../setup/operatorPhone.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

const rpKey = 'metrics-relying-party-key-0123456789abcdef';
const metricsKey = 'metrics-operator-key-0123456789abcdefghij';
let stack: TestStack;
let alice: EnrolledPhone;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), { RP_API_KEYS: rpKey, METRICS_API_KEYS: metricsKey });
  alice = await enrolPhone(stack, 'metrics-alice');
});
afterAll(() => stack?.close());

/** Every sample of a Prometheus text exposition, keyed `name{labels}` (labels as exposed, sorted by prom-client). */
function samplesOf(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

/** The samples of `names` whose value differs between two scrapes (a new series counts from 0). */
function moved(before: Map<string, number>, after: Map<string, number>, names: readonly string[]): Record<string, number> {
  const changes: Record<string, number> = {};
  for (const [key, value] of after) {
    if (!names.some((name) => key === name || key.startsWith(`${name}{`))) continue;
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) changes[key] = delta;
  }
  return changes;
}

const apiMetrics = async () => {
  const response = await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${metricsKey}` } });
  expect(response.status).toBe(200);
  return samplesOf(await response.text());
};
const workerMetrics = async () => samplesOf(await stack.workerMetrics.metrics());

describe('/metrics', () => {
  it('is refused without an operator key, and with a relying-party key', async () => {
    expect((await fetch(`${stack.url}/metrics`)).status).toBe(401);
    const asRp = await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${rpKey}` } });
    expect(asRp.status).toBe(401);
    expect(await asRp.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('moves by exactly one push login: its requests, its dispatch, its operation, its two timings', async () => {
    const [apiBefore, workerBefore] = [await apiMetrics(), await workerMetrics()];

    const started = await pushLogin(stack, alice);
    await waitForEnd(stack, started.sessionId);
    // The sink hears the end once the workflow function returns, a moment after the status says so.
    const operation = 'outband_operations_total{operation="authentication",outcome="succeeded",reason="none",channel="out-of-band"}';
    await expect.poll(async () => (await workerMetrics()).get(operation) ?? 0).toBe((workerBefore.get(operation) ?? 0) + 1);
    const [apiAfter, workerAfter] = [await apiMetrics(), await workerMetrics()];

    expect(moved(workerBefore, workerAfter, ['outband_dispatches_total', 'outband_operations_total', 'outband_delivery_errors_total', 'outband_push_fatigue_refusals_total'])).toEqual({
      'outband_dispatches_total{operation="authentication",dispatcher="firebase-cloud-messaging",dispatch_result="dispatched",fallback="false"}': 1,
      [operation]: 1,
    });
    expect(workerAfter.get('outband_dispatch_to_redeem_seconds_count{operation="authentication",denied="false"}')).toBe(
      (workerBefore.get('outband_dispatch_to_redeem_seconds_count{operation="authentication",denied="false"}') ?? 0) + 1,
    );
    expect(workerAfter.get('outband_dispatch_to_completion_seconds_count{operation="authentication",outcome="succeeded"}')).toBe(
      (workerBefore.get('outband_dispatch_to_completion_seconds_count{operation="authentication",outcome="succeeded"}') ?? 0) + 1,
    );

    // The API: the dispatch, the redeem, the UAF response and the status polls; the first scrape counted itself.
    const requests = moved(apiBefore, apiAfter, ['outband_http_requests_total']);
    const statusPolls = requests['outband_http_requests_total{method="POST",route="/nevisfido/status",status="200"}'];
    expect(statusPolls).toBeGreaterThanOrEqual(1);
    expect(requests).toEqual({
      'outband_http_requests_total{method="POST",route="/nevisfido/token/dispatch/authentication",status="200"}': 1,
      'outband_http_requests_total{method="POST",route="/nevisfido/token/redeem/authentication",status="200"}': 1,
      'outband_http_requests_total{method="POST",route="/nevisfido/uaf/1.1/authentication",status="200"}': 1,
      'outband_http_requests_total{method="POST",route="/nevisfido/status",status="200"}': statusPolls,
      'outband_http_requests_total{method="GET",route="/metrics",status="200"}': 1,
    });
    expect(moved(apiBefore, apiAfter, ['outband_http_refusals_total'])).toEqual({});
  });

  it('counts a denied login as denied, and no user name or id is ever a label', async () => {
    const before = await workerMetrics();
    const started = await pushLogin(stack, alice, { deny: true });
    await waitForEnd(stack, started.sessionId);
    const denied = 'outband_operations_total{operation="authentication",outcome="denied",reason="denied",channel="out-of-band"}';
    await expect.poll(async () => (await workerMetrics()).get(denied) ?? 0).toBe((before.get(denied) ?? 0) + 1);

    const exposition = `${await stack.workerMetrics.metrics()}${[...(await apiMetrics()).keys()].join('\n')}`;
    for (const secret of ['metrics-alice', alice.targetId, started.sessionId, started.token]) expect(exposition).not.toContain(secret);
  });

  it("shows the worker's resident memory and heap (what grows as open flows pile up)", async () => {
    const samples = await workerMetrics();
    expect(samples.get('outband_worker_process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    expect(samples.get('outband_worker_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts a refusal by its code and route pattern, and shows the open operations', async () => {
    const before = await apiMetrics();
    const unknown = await fetch(`${stack.url}/nevisfido/token/dispatch/targets/no-such-target`, { headers: { authorization: `Bearer ${rpKey}` } });
    expect(unknown.status).toBe(404);
    const after = await apiMetrics();
    expect(moved(before, after, ['outband_http_refusals_total'])).toEqual({
      'outband_http_refusals_total{route="/nevisfido/token/dispatch/targets/:id",code="dispatchTargetNotFound"}': 1,
    });
    expect(after.get('outband_open_operations{operation="authentication"}')).toBeGreaterThanOrEqual(0);
  });
});
