import { ApplicationFailure, proxyLocalActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type {
  FailureReason,
  OperationInput,
  OperationState,
  ReturnUafRequest,
  ServerResponse,
  SubmitResponseInput,
} from './messages.js';
import { statusKey } from './searchAttributes.js';

// Local activities: short CPU and database work, run by the same worker without a task-queue
// round trip. A transient fault (database down) is thrown and retried; an expected refusal comes
// back as a value.
const activities = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumAttempts: 5 },
});

/** UAF status code of a request that outlived its `lifetimeMillis`. */
const requestTimeoutStatusCode = 1408;

/**
 * The state machine shared by the `registration`, `authentication` and `deregistration` workflows:
 * `tokenCreated → clientRegistering | clientAuthenticating → succeeded | failed`. Handlers call its
 * methods; validators call its `assert…` methods, which are pure and synchronous so that a message
 * the state does not admit never reaches history.
 */
export class OperationSession {
  readonly state: OperationState;
  private request?: { returnUafRequest: ReturnUafRequest; challenge: string };
  /** A response was accepted and is being verified: no second one, no expiry under it. */
  private responding = false;

  constructor(private readonly input: OperationInput) {
    this.state = { operation: input.operation, status: awaitingStatus(input), updatedAt: Date.now() };
  }

  get closed(): boolean {
    return this.state.status === 'succeeded' || this.state.status === 'failed';
  }

  get issued(): boolean {
    return this.request !== undefined;
  }

  get busy(): boolean {
    return this.responding;
  }

  assertCanIssue(): void {
    if (this.closed) refuse('operationClosed', 'The operation has already ended.');
  }

  /** Issues the UAF request once; a repeated call answers the same request. */
  async issueRequest(): Promise<ReturnUafRequest> {
    if (!this.request) {
      const issued = await activities.issueRequest({ workflowId: workflowInfo().workflowId, input: this.input });
      if (!issued.issued) {
        this.fail(issued.reason, issued.uafStatusCode);
        refuse(issued.reason, issued.message, issued.uafStatusCode);
      }
      this.request = { returnUafRequest: issued.returnUafRequest, challenge: issued.challenge };
      // Deregistration has no client response: removing the credentials was the operation.
      if (this.input.operation === 'deregistration') this.succeed({ userId: this.input.username });
    }
    return this.request.returnUafRequest;
  }

  assertAwaitingResponse(_input: SubmitResponseInput): void {
    if (this.closed) refuse('operationClosed', 'The operation has already ended; a response is accepted once.');
    if (!this.request) refuse('requestNotIssued', 'No UAF request was issued for this operation yet.');
    if (this.responding) refuse('responseInProgress', 'A response for this operation is already being verified.');
    if (this.input.operation === 'deregistration') refuse('operationClosed', 'A deregistration takes no response.');
  }

  async submitResponse({ uafResponse, asmStatusCode }: SubmitResponseInput): Promise<ServerResponse> {
    const request = this.request!;
    this.responding = true;
    try {
      const verified = await activities.verifyResponse({
        operation: this.input.operation as 'registration' | 'authentication',
        uafResponse,
        challenge: request.challenge,
        username: this.input.username,
        transaction: this.input.transaction,
      });
      if (!verified.verified) {
        this.fail('verificationFailed', verified.uafStatusCode, { asmStatusCode });
        refuse(verified.code, verified.message, verified.uafStatusCode);
      }
      this.succeed({ userId: verified.userId, authenticators: verified.authenticators });
      return { statusCode: 1200, additionalTokens: [{ type: 'JWT', value: verified.deviceToken }] };
    } finally {
      this.responding = false;
    }
  }

  clientError(clientErrorCode: number): void {
    if (this.closed || this.responding) return;
    this.fail('clientError', undefined, { clientErrorCode });
  }

  cancel(): void {
    if (this.closed || this.responding) return;
    this.fail('cancelled');
  }

  /** The request's lifetime ran out before a response arrived. */
  expire(): void {
    if (this.closed || this.responding) return;
    this.fail('requestExpired', requestTimeoutStatusCode);
  }

  private succeed(facts: Pick<OperationState, 'userId' | 'authenticators'>): void {
    Object.assign(this.state, facts, { status: 'succeeded', uafStatusCode: 1200, finalSessionId: this.input.sessionId });
    this.changed();
  }

  private fail(
    failureReason: FailureReason,
    uafStatusCode?: number,
    codes: Pick<OperationState, 'asmStatusCode' | 'clientErrorCode'> = {},
  ): void {
    Object.assign(this.state, { status: 'failed', failureReason, ...codes });
    if (uafStatusCode !== undefined) this.state.uafStatusCode = uafStatusCode;
    this.changed();
  }

  private changed(): void {
    this.state.updatedAt = Date.now();
    upsertSearchAttributes([{ key: statusKey, value: this.state.status }]);
  }
}

function awaitingStatus(input: OperationInput): OperationState['status'] {
  return input.operation === 'registration' ? 'clientRegistering' : 'clientAuthenticating';
}

/** Refuses an update with a coded, non-retryable failure the API maps to HTTP (api/operationErrors.ts). */
function refuse(code: string, message: string, uafStatusCode?: number): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true, details: [{ uafStatusCode }] });
}
