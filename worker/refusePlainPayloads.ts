/**
 * Workflow interceptor (runs in the workflow sandbox): a workflow whose input, update, signal or
 * query arguments were not encrypted with our key (a client without the key reached Temporal)
 * runs none of it. The start fails the workflow with a non-retryable failure before the workflow
 * function runs (no activity, no write, no token), so it ends instead of retrying; an update or
 * query is refused before its validator or handler; a signal is dropped.
 */
import {
  ApplicationFailure,
  log,
  type Next,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { isRefusedPayload } from '../codec/refusedPayload.js';

const refusal = (what: string) =>
  ApplicationFailure.create({
    type: 'unencryptedPayload',
    message: `The ${what} is not encrypted with this server's payload codec key: refused.`,
    nonRetryable: true,
  });

const anyRefused = (args: readonly unknown[]) => args.some(isRefusedPayload);

class RefusePlainPayloads implements WorkflowInboundCallsInterceptor {
  async execute(
    input: Parameters<Next<WorkflowInboundCallsInterceptor, 'execute'>>[0],
    next: Next<WorkflowInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    if (anyRefused(input.args)) throw refusal('workflow input');
    return next(input);
  }

  validateUpdate(
    input: Parameters<Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>>[0],
    next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>,
  ): void {
    if (anyRefused(input.args)) throw refusal(`'${input.name}' update`);
    next(input);
  }

  async handleUpdate(
    input: Parameters<Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>>[0],
    next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>,
  ): Promise<unknown> {
    // Updates without a validator reach here directly.
    if (anyRefused(input.args)) throw refusal(`'${input.name}' update`);
    return next(input);
  }

  async handleSignal(
    input: Parameters<Next<WorkflowInboundCallsInterceptor, 'handleSignal'>>[0],
    next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>,
  ): Promise<void> {
    // A signal cannot be refused to its sender; throwing would fail the (legitimate) workflow.
    if (anyRefused(input.args)) {
      log.warn('unencrypted signal dropped', { signalName: input.signalName });
      return;
    }
    return next(input);
  }

  async handleQuery(
    input: Parameters<Next<WorkflowInboundCallsInterceptor, 'handleQuery'>>[0],
    next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>,
  ): Promise<unknown> {
    if (anyRefused(input.args)) throw refusal(`'${input.queryName}' query`);
    return next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new RefusePlainPayloads()] });
