import type { InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DispatcherRegistry } from '../dispatch/index.js';
import type { EndedEvent, OperationEventSinks } from '../contract/operationEvents.js';

/** The refusals of contract/errors.ts that are push-fatigue limits (limits/pushFatigue.ts). */
const pushFatigueCodes: ReadonlySet<string> = new Set(['tooManyPendingDispatches', 'dispatchBackOff', 'tooManyFallbacks']);
const expiryReasons: ReadonlySet<string> = new Set(['tokenExpired', 'requestExpired']);

/** Seconds from a push to the phone's answer: a person reads and touches, so up to minutes. */
const humanBuckets = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

/** The `outcome` label of an ended operation: succeeded, denied, expired or failed (reason apart). */
export function outcomeOf({ status, failureReason }: Pick<EndedEvent, 'status' | 'failureReason'>): string {
  if (status === 'succeeded') return 'succeeded';
  if (failureReason === 'denied') return 'denied';
  if (failureReason && expiryReasons.has(failureReason)) return 'expired';
  return 'failed';
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/**
 * The worker's own metrics (the Temporal SDK's come from its Prometheus exporter, worker/main.ts).
 * Every label value is bounded: operation types, dispatcher ids this deployment registered
 * (anything else is `unknown`), the closed unions of dispatchResult, failure reasons and codes.
 * No user name, id, token or session id is ever a label.
 */
export function createWorkerMetrics(registry = new Registry()) {
  // The process's resident memory, heap and event loop lag (outband_worker_process_resident_memory_bytes, …):
  // what an operator watches as open flows pile up (docs/benchmarks.md "Scale").
  collectDefaultMetrics({ register: registry, prefix: 'outband_worker_' });
  const dispatches = new Counter({
    name: 'outband_dispatches_total',
    help: 'Token dispatches by operation, dispatcher and dispatchResult (fallback: a redispatch)',
    labelNames: ['operation', 'dispatcher', 'dispatch_result', 'fallback'] as const,
    registers: [registry],
  });
  const deliveryErrors = new Counter({
    name: 'outband_delivery_errors_total',
    help: 'Dispatches the provider did not take, by dispatcher and failure code (targetUnregistered, providerTimeout, providerUnavailable, …)',
    labelNames: ['dispatcher', 'code'] as const,
    registers: [registry],
  });
  const pushFatigueRefusals = new Counter({
    name: 'outband_push_fatigue_refusals_total',
    help: 'Dispatches refused by the push-fatigue limits, by operation and code',
    labelNames: ['operation', 'code'] as const,
    registers: [registry],
  });
  const operations = new Counter({
    name: 'outband_operations_total',
    help: 'Ended operations by type, outcome (succeeded, failed, denied, expired) and failureReason (none when succeeded)',
    labelNames: ['operation', 'outcome', 'reason', 'channel'] as const,
    registers: [registry],
  });
  const dispatchToRedeem = new Histogram({
    name: 'outband_dispatch_to_redeem_seconds',
    help: 'From the first dispatch of an out-of-band operation to the redeem of its token',
    labelNames: ['operation', 'denied'] as const,
    buckets: humanBuckets,
    registers: [registry],
  });
  const dispatchToCompletion = new Histogram({
    name: 'outband_dispatch_to_completion_seconds',
    help: 'From the first dispatch of an out-of-band operation to its end',
    labelNames: ['operation', 'outcome'] as const,
    buckets: humanBuckets,
    registers: [registry],
  });

  let knownDispatchers: ReadonlySet<string> = new Set();
  const dispatcherLabel = (id: string) => (knownDispatchers.has(id) ? id : 'unknown');

  const events: OperationEventListener = {
    dispatched: ({ operation, dispatcher, dispatchResult, fallback }) =>
      dispatches.inc({ operation, dispatcher: dispatcherLabel(dispatcher), dispatch_result: dispatchResult, fallback: String(fallback) }),
    dispatchRefused: ({ operation, code }) => {
      if (pushFatigueCodes.has(code)) pushFatigueRefusals.inc({ operation, code });
    },
    redeemed: ({ operation, denied, sinceDispatchMs }) => dispatchToRedeem.observe({ operation, denied: String(denied) }, sinceDispatchMs / 1000),
    ended: (event) => {
      const outcome = outcomeOf(event);
      operations.inc({ operation: event.operation, outcome, reason: event.failureReason ?? 'none', channel: event.outOfBand ? 'out-of-band' : 'in-band' });
      if (event.sinceDispatchMs !== undefined) dispatchToCompletion.observe({ operation: event.operation, outcome }, event.sinceDispatchMs / 1000);
    },
  };

  return {
    registry,
    events,
    /** Counts each provider failure by its code, as the dispatcher returns it. */
    observeDispatchers(dispatchers: DispatcherRegistry): DispatcherRegistry {
      knownDispatchers = new Set(dispatchers.ids);
      return {
        ...dispatchers,
        ids: dispatchers.ids,
        get: (id) => dispatchers.get(id),
        async dispatch(id, request) {
          const outcome = await dispatchers.dispatch(id, request);
          if (outcome.dispatchResult === 'dispatchError') deliveryErrors.inc({ dispatcher: dispatcherLabel(id), code: outcome.failure.code });
          return outcome;
        },
      };
    },
  };
}

type OperationEvents = OperationEventSinks['operationEvents'];

/** Hears one kind of operation event, with the workflow's info (id, search attributes). */
export type OperationEventListener = { [K in keyof OperationEvents]?: (event: Parameters<OperationEvents[K]>[0], info: WorkflowInfo) => unknown };

/**
 * The worker's `operationEvents` sink: each event goes to every listener (metrics, audit). A
 * listener that throws is logged by the SDK and does not touch the workflow.
 */
export function createOperationEventSinks(...listeners: OperationEventListener[]): InjectedSinks<OperationEventSinks> {
  const fanOut = <K extends keyof OperationEvents>(name: K) => ({
    fn: async (info: WorkflowInfo, event: Parameters<OperationEvents[K]>[0]) => {
      for (const listener of listeners) {
        const hear = listener[name] as ((event: Parameters<OperationEvents[K]>[0], info: WorkflowInfo) => unknown) | undefined;
        await hear?.(event, info);
      }
    },
  });
  return { operationEvents: { dispatched: fanOut('dispatched'), dispatchRefused: fanOut('dispatchRefused'), redeemed: fanOut('redeemed'), ended: fanOut('ended') } };
}
