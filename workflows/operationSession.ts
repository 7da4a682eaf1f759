import { ApplicationFailure, condition, proxyLocalActivities, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type {
  AuthenticatorInfo,
  ChannelLinking,
  DispatchAnswer,
  DispatchInput,
  FailureReason,
  OperationInput,
  OperationState,
  RedeemInput,
  ReturnUafRequest,
  ServerResponse,
  StatusAfter,
  SubmitResponseInput,
  WatchResult,
} from '../contract/operation.js';
import { UafStatusCode, type ErrorCode, type RefusalDetails } from '../contract/errors.js';
import { statusKey } from '../contract/searchAttributes.js';
import { statusMemoKey, statusMemoOf } from '../contract/statusMemo.js';

// Local activities: short CPU and database work, run by the same worker without a task-queue
// round trip. A transient fault (database down) is thrown and retried; an expected refusal comes
// back as a value.
const activities = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 ms', maximumAttempts: 5 },
});

// Book-keeping after the answer (one conditional write): a local activity in the same workflow task
// that answers the phone. As a normal activity it cost an activity task, a second workflow task and
// six history events for a write of a few milliseconds.
const { settleDispatch } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 10 },
});

/** FIDO client error code USER_CANCELED: the user denied on the phone. */
const userCancelled = 3;

/** One dispatched token of an out-of-band operation (the first one, or a fallback's). */
interface TokenSession {
  sessionId: string;
  tokenHash: string;
  expiresAt: number;
  state: 'pending' | 'redeemed' | 'superseded';
  channelLinking?: ChannelLinking;
}

/**
 * The state machine shared by the `registration`, `authentication` and `deregistration` workflows:
 * `tokenCreated → clientRegistering | clientAuthenticating → succeeded | failed`. Handlers call its
 * methods; validators call its `assert…` methods, which are pure and synchronous so that a message
 * the state does not admit (a wrong token, a replayed response) never reaches history.
 */
export class OperationSession {
  readonly state: OperationState;
  private request?: { returnUafRequest: ReturnUafRequest; challenge: string; sessionId: string };
  private readonly tokens: TokenSession[] = [];
  /** A response was accepted and is being verified: no second one, no expiry under it. */
  private responding = false;
  /** A redeem is issuing the UAF request: exactly one redeem may win. */
  private redeeming = false;
  /** Counts status changes, for watchers. */
  private version = 0;
  /** Whose push-fatigue budget the dispatches count against (a keyed hash; set by the first that counted). */
  private budgetKey?: string;
  /**
   * The user's keys (AAID and KeyID) as the latest dispatch read them: the redeem's request policy
   * is built from them without a database read. Verification still reads the live keys, so a key
   * removed meanwhile is refused (docs/idempotency.md, "Keys carried from dispatch to redeem").
   */
  private dispatchedUserKeys?: AuthenticatorInfo[];

  constructor(private readonly input: OperationInput) {
    const status = input.outOfBand ? 'tokenCreated' : awaitingStatus(input);
    this.state = { operation: input.operation, status, updatedAt: Date.now() };
  }

  get closed(): boolean {
    return this.state.status === 'succeeded' || this.state.status === 'failed';
  }

  get issued(): boolean {
    return this.request !== undefined;
  }

  get busy(): boolean {
    return this.responding || this.redeeming;
  }

  /** When the last live token dies (out-of-band only). */
  get tokenDeadline(): number {
    return Math.max(0, ...this.tokens.filter((t) => t.state === 'pending').map((t) => t.expiresAt));
  }

  // ---- in-band: the request is issued at once ----

  assertCanIssue(): void {
    if (this.closed) refuse('operationClosed', 'The operation has already ended.');
    if (this.input.outOfBand) refuse('operationClosed', 'An out-of-band operation issues its request on redeem.');
  }

  /** Issues the UAF request once; a repeated call answers the same request (with the status now). */
  async issueRequest(sessionId = this.input.sessionId): Promise<ReturnUafRequest & StatusAfter> {
    if (!this.request) {
      const issued = await this.run(() =>
        activities.issueRequest({
          workflowId: workflowInfo().workflowId,
          input: { ...this.input, sessionId },
          ...(this.dispatchedUserKeys && { userKeys: this.dispatchedUserKeys }),
        }),
      );
      if (!issued.issued) {
        this.fail(issued.reason, issued.uafStatusCode);
        refuse(issued.reason, issued.message, issued.uafStatusCode);
      }
      this.request = { returnUafRequest: issued.returnUafRequest, challenge: issued.challenge, sessionId };
      // Deregistration has no client response: removing the credentials was the operation.
      if (this.input.operation === 'deregistration') this.succeed({ userId: this.input.username });
    }
    return this.withStatus(this.request.returnUafRequest);
  }

  // ---- out-of-band: dispatch, fallback, redeem ----

  assertCanDispatch(input: DispatchInput, fallback: boolean): void {
    if (this.closed) refuse('operationClosed', 'The operation has already ended.');
    if (!this.input.outOfBand) refuse('invalidRequest', 'An in-band operation takes no dispatch.');
    if (this.request || this.redeeming) refuse('tokenAlreadyRedeemed', 'The operation is already under way on a phone.');
    if (!fallback && this.tokens.length > 0) refuse('operationClosed', 'The operation was dispatched already.');
    if (input.operation !== this.input.operation) refuse('invalidRequest', `fallbackFor names an operation of another kind (${this.input.operation}).`);
    if (this.tokens.some((t) => t.sessionId === input.sessionId || t.tokenHash === input.tokenHash)) {
      refuse('invalidRequest', 'This session was dispatched already.');
    }
  }

  async dispatch(input: DispatchInput): Promise<DispatchAnswer & StatusAfter> {
    const superseded = this.input.outOfBand?.sessionPolicy === 'latest-only' ? this.tokens.filter((t) => t.state === 'pending') : [];
    for (const token of superseded) token.state = 'superseded';
    const token: TokenSession = {
      sessionId: input.sessionId,
      tokenHash: input.tokenHash,
      expiresAt: Date.now() + input.timeoutSeconds * 1000,
      state: 'pending',
      channelLinking: input.channelLinking,
    };
    this.tokens.push(token);
    const dispatchNumber = this.tokens.length;
    const sent = await this.run(() =>
      activities.sendDispatch({
        workflowId: workflowInfo().workflowId,
        operation: this.input.operation,
        username: this.input.username,
        dispatch: input,
        dispatchNumber,
        ...(this.budgetKey !== undefined && { budgetKey: this.budgetKey }),
      }),
    );
    if (sent.refused) {
      const message = sent.refused.reason === 'tooManyFallbacks' ? 'This operation has made all the fallback dispatches it may.' : 'Too many dispatches to this user; try again later.';
      if (dispatchNumber === 1) {
        // Push fatigue: this operation is not started at all; the RP may try again later.
        this.fail('dispatchRefused');
      } else {
        // A refused fallback sent nothing: the operation goes on with the tokens it had.
        this.tokens.splice(this.tokens.indexOf(token), 1);
        for (const earlier of superseded) earlier.state = 'pending';
      }
      refuse(sent.refused.reason, message, undefined, sent.refused.retryAfterSeconds, { dispatchResult: sent.dispatchResult });
    }
    this.budgetKey ??= sent.budgetKey;
    if (sent.userKeys) this.dispatchedUserKeys = sent.userKeys;
    this.state.tokenInformation = {
      ...(sent.dispatchTargetExtId ? { dispatchTargetExtId: sent.dispatchTargetExtId } : {}),
      dispatcherInformation: sent.dispatcherInformation,
    };
    this.state.updatedAt = Date.now();
    this.publishStatus();
    return this.withStatus({
      sessionId: input.sessionId,
      dispatchResult: sent.dispatchResult,
      dispatcherInformation: sent.dispatcherInformation,
      ...(sent.payloadEncryptionKey && { payloadEncryptionKey: sent.payloadEncryptionKey }),
    });
  }

  assertCanRedeem({ tokenHash, operation }: RedeemInput): void {
    const token = this.tokens.find((t) => t.tokenHash === tokenHash);
    if (!token || operation !== this.input.operation) refuse('tokenNotFound', 'The token is not known.');
    if (token.state === 'superseded') refuse('tokenSuperseded', 'A newer token replaced this one.');
    if (token.state === 'redeemed' || this.request || this.redeeming) refuse('tokenAlreadyRedeemed', 'The operation was already redeemed.');
    if (this.closed) refuse(this.state.failureReason === 'tokenExpired' ? 'tokenExpired' : 'operationClosed', 'The operation has already ended.');
    if (Date.now() >= token.expiresAt) refuse('tokenExpired', 'The token has expired.');
  }

  async redeem({ tokenHash, deny, channelLinkingAnswer }: RedeemInput): Promise<(ReturnUafRequest & StatusAfter) | undefined> {
    const token = this.tokens.find((t) => t.tokenHash === tokenHash)!;
    token.state = 'redeemed'; // spent, whatever happens next
    this.state.tokenInformation = { ...this.state.tokenInformation, tokenResult: 'tokenRedeemed' };
    if (deny) {
      this.fail('denied', undefined, { clientErrorCode: userCancelled }, token.sessionId);
      return undefined;
    }
    const linking = token.channelLinking;
    if (linking?.mode === 'number-match' && channelLinkingAnswer !== linking.string) {
      // A wrong pick may be an attacker's push the user did not start: end it, release nothing.
      this.fail('channelLinkingMismatch', undefined, {}, token.sessionId);
      refuse('channelLinkingMismatch', 'The number picked on the phone is not the one shown in the browser.');
    }
    this.redeeming = true;
    try {
      this.state.status = awaitingStatus(this.input);
      this.changed();
      return await this.issueRequest(token.sessionId);
    } finally {
      this.redeeming = false;
    }
  }

  // ---- watchers of the status stream ----

  /** The next change after `known`; a closed operation answers at once (no handler outlives it). */
  async watch(known: number): Promise<WatchResult> {
    await condition(() => this.version !== known || this.closed);
    return { version: this.version, state: this.state };
  }

  // ---- the client's answer ----

  assertAwaitingResponse(_input: SubmitResponseInput): void {
    if (this.closed) refuse('operationClosed', 'The operation has already ended; a response is accepted once.');
    if (!this.request) refuse('requestNotIssued', 'No UAF request was issued for this operation yet.');
    if (this.responding) refuse('responseInProgress', 'A response for this operation is already being verified.');
    if (this.input.operation === 'deregistration') refuse('operationClosed', 'A deregistration takes no response.');
  }

  async submitResponse({ uafResponse, asmStatusCode }: SubmitResponseInput): Promise<ServerResponse & StatusAfter> {
    const request = this.request!;
    this.responding = true;
    try {
      const verified = await this.run(() =>
        activities.verifyResponse({
          workflowId: workflowInfo().workflowId,
          operation: this.input.operation as 'registration' | 'authentication',
          uafResponse,
          challenge: request.challenge,
          username: this.input.username,
          transaction: this.input.transaction,
        }),
      );
      if (!verified.verified) {
        this.fail('verificationFailed', verified.uafStatusCode, { asmStatusCode });
        refuse(verified.code, verified.message, verified.uafStatusCode);
      }
      this.succeed({ userId: verified.userId, authenticators: verified.authenticators });
      return this.withStatus({ statusCode: UafStatusCode.ok, additionalTokens: [{ type: 'JWT', value: verified.deviceToken }] });
    } finally {
      this.responding = false;
    }
  }

  clientError(clientErrorCode: number): void {
    if (this.closed || this.busy) return;
    this.fail('clientError', undefined, { clientErrorCode });
  }

  cancel(): void {
    if (this.closed || this.busy) return;
    this.fail('cancelled');
  }

  /** The request's lifetime ran out before a response arrived. */
  expire(): void {
    if (this.closed || this.busy) return;
    this.fail('requestExpired', UafStatusCode.requestTimeout);
  }

  /** Every token's time-to-live ran out before a redeem (out-of-band). */
  expireTokens(): void {
    if (this.closed || this.busy || this.request) return;
    this.state.tokenInformation = { ...this.state.tokenInformation, tokenResult: 'tokenTimedOut' };
    this.fail('tokenExpired');
  }

  /** Out-of-band with a known user: tell the push-fatigue ledger whether the phone answered. */
  async settle(): Promise<void> {
    if (!this.input.outOfBand || this.budgetKey === undefined || this.state.failureReason === 'dispatchRefused') return;
    // A denial or a wrong number pick is no answer: an attacker's pushes the user keeps refusing
    // must bring the back-off as surely as pushes the user ignores.
    const refusedOnPhone = this.state.failureReason === 'denied' || this.state.failureReason === 'channelLinkingMismatch';
    const approved = !refusedOnPhone && this.tokens.some((token) => token.state === 'redeemed');
    await settleDispatch({ workflowId: workflowInfo().workflowId, budgetKey: this.budgetKey, unanswered: approved ? 0 : this.tokens.length });
  }

  /**
   * Calls an activity. One that failed even after its retries (the database gone for long) ends
   * the operation, rather than leave it waiting for an answer that can no longer come. Expected
   * refusals are values, checked by the caller after this returns.
   */
  private async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch {
      if (!this.closed) this.fail('internalError', UafStatusCode.internalServerError);
      refuse('internalError', 'The server could not complete the operation.', UafStatusCode.internalServerError);
    }
  }

  private succeed(facts: Pick<OperationState, 'userId' | 'authenticators'>): void {
    const finalSessionId = this.request?.sessionId ?? this.input.sessionId;
    Object.assign(this.state, facts, { status: 'succeeded', uafStatusCode: UafStatusCode.ok, finalSessionId });
    this.changed();
  }

  private fail(
    failureReason: FailureReason,
    uafStatusCode?: number,
    codes: Pick<OperationState, 'asmStatusCode' | 'clientErrorCode'> = {},
    finalSessionId = this.request?.sessionId,
  ): void {
    Object.assign(this.state, { status: 'failed', failureReason, ...codes });
    if (uafStatusCode !== undefined) this.state.uafStatusCode = uafStatusCode;
    if (finalSessionId) this.state.finalSessionId = finalSessionId;
    this.changed();
  }

  /**
   * An update's answer with the status it leaves (contract/operation.ts `StatusAfter`), for the
   * API's status cache. Added where the answer is made, not by a wrapper around the handler: an
   * extra await there would move the update's completion in history (replay would fail).
   */
  private withStatus<T extends object>(answer: T): T & StatusAfter {
    return { ...answer, statusAfter: statusMemoOf(this.state) };
  }

  private changed(): void {
    this.version++;
    this.state.updatedAt = Date.now();
    upsertSearchAttributes([{ key: statusKey, value: this.state.status }]);
    this.publishStatus();
  }

  /** The status readers see (contract/statusMemo.ts): kept in the memo, read by one describe. */
  private publishStatus(): void {
    upsertMemo({ [statusMemoKey]: statusMemoOf(this.state) });
  }
}

function awaitingStatus(input: OperationInput): OperationState['status'] {
  return input.operation === 'registration' ? 'clientRegistering' : 'clientAuthenticating';
}

/**
 * Refuses an update with a coded, non-retryable failure; the API answers the code with the
 * statuses of contract/errors.ts `errorCodes`.
 */
function refuse(
  code: ErrorCode,
  message: string,
  uafStatusCode?: number,
  retryAfterSeconds?: number,
  extra: Pick<RefusalDetails, 'dispatchResult'> = {},
): never {
  const details: RefusalDetails = { uafStatusCode, retryAfterSeconds, ...extra };
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true, details: [details] });
}
