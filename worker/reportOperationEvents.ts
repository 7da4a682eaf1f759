/**
 * Workflow interceptor (runs in the workflow sandbox): reports what an operation workflow did to
 * its worker through the `operationEvents` sink (contract/operationEvents.ts): each dispatch and
 * its result, a refused dispatch, the redeem, and the end. It changes nothing in the workflow and
 * adds nothing to its history: sink calls are not commands, and are not made again on replay.
 */
import {
  ApplicationFailure,
  proxySinks,
  workflowInfo,
  type Next,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import type { DispatchAnswer, DispatchInput, Operation, OperationInput, OperationState, ReturnUafRequest } from '../contract/operation.js';
import type { OperationEventSinks } from '../contract/operationEvents.js';

const { operationEvents } = proxySinks<OperationEventSinks>();
const operationTypes: ReadonlySet<string> = new Set<Operation>(['registration', 'authentication', 'deregistration']);

type Execute = Next<WorkflowInboundCallsInterceptor, 'execute'>;
type HandleUpdate = Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>;

class ReportOperationEvents implements WorkflowInboundCallsInterceptor {
  private readonly operation = workflowInfo().workflowType as Operation;
  /** Workflow time of the first dispatch that went out. */
  private firstDispatchAt?: number;

  async execute(input: Parameters<Execute>[0], next: Execute): Promise<unknown> {
    const state = (await next(input)) as OperationState;
    if (state.status === 'succeeded' || state.status === 'failed') {
      const { outOfBand } = (input.args[0] ?? {}) as OperationInput;
      operationEvents.ended({
        operation: this.operation,
        status: state.status,
        ...(state.failureReason && { failureReason: state.failureReason }),
        outOfBand: outOfBand !== undefined,
        ...(this.firstDispatchAt !== undefined && { sinceDispatchMs: Date.now() - this.firstDispatchAt }),
      });
    }
    return state;
  }

  async handleUpdate(input: Parameters<HandleUpdate>[0], next: HandleUpdate): Promise<unknown> {
    if (input.name === 'dispatch' || input.name === 'redispatch') return this.reportDispatch(input, next);
    if (input.name === 'redeem') {
      const answer = (await next(input)) as ReturnUafRequest | undefined;
      if (this.firstDispatchAt !== undefined) {
        operationEvents.redeemed({ operation: this.operation, denied: answer === undefined, sinceDispatchMs: Date.now() - this.firstDispatchAt });
      }
      return answer;
    }
    return next(input);
  }

  private async reportDispatch(input: Parameters<HandleUpdate>[0], next: HandleUpdate): Promise<unknown> {
    const dispatch = input.args[0] as DispatchInput;
    try {
      const answer = (await next(input)) as DispatchAnswer;
      this.firstDispatchAt ??= Date.now();
      operationEvents.dispatched({
        operation: this.operation,
        // The dispatcher that ran (a dispatch to a target names none in the request).
        dispatcher: answer.dispatcherInformation?.name ?? dispatch.dispatcher,
        dispatchResult: answer.dispatchResult,
        fallback: input.name === 'redispatch',
      });
      return answer;
    } catch (error) {
      if (error instanceof ApplicationFailure && error.type) operationEvents.dispatchRefused({ operation: this.operation, code: error.type });
      throw error;
    }
  }
}

export const interceptors: WorkflowInterceptorsFactory = () =>
  operationTypes.has(workflowInfo().workflowType) ? { inbound: [new ReportOperationEvents()] } : {};
