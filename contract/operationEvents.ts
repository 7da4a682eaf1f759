/**
 * What an operation workflow reports to its worker process as it runs: the facts behind the
 * metrics (worker/workerMetrics.ts) and the audit trail (store/audit.ts). They travel through a
 * Temporal sink (worker/reportOperationEvents.ts calls it from inside the workflow sandbox): not
 * recorded in history, not called again when a history is replayed. Types only.
 */
import type { Sinks } from '@temporalio/workflow';
import type { DispatchResult, FailureReason, Operation, OperationStatus } from './operation.js';

export interface DispatchedEvent {
  operation: Operation;
  /** As the RP named it; the worker maps an id it does not know to one label. */
  dispatcher: string;
  dispatchResult: DispatchResult;
  fallback: boolean;
}

export interface DispatchRefusedEvent {
  operation: Operation;
  /** The refusal's error code (tooManyPendingDispatches, dispatchBackOff, tooManyFallbacks, …). */
  code: string;
}

export interface RedeemedEvent {
  operation: Operation;
  denied: boolean;
  /** From the first dispatch to this redeem (workflow time). */
  sinceDispatchMs: number;
}

export interface EndedEvent {
  operation: Operation;
  status: Extract<OperationStatus, 'succeeded' | 'failed'>;
  failureReason?: FailureReason;
  outOfBand: boolean;
  /** From the first dispatch to the end; out-of-band operations that dispatched only. */
  sinceDispatchMs?: number;
}

export interface OperationEventSinks extends Sinks {
  operationEvents: {
    dispatched(event: DispatchedEvent): void;
    dispatchRefused(event: DispatchRefusedEvent): void;
    redeemed(event: RedeemedEvent): void;
    ended(event: EndedEvent): void;
  };
}
