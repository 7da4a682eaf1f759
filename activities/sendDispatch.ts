import type { DispatcherRegistry } from '../dispatch/index.js';
import type { Credentials } from '../store/credentials.js';
import type { DispatchBudget } from '../store/dispatchBudget.js';
import type { DispatchRecords } from '../store/dispatches.js';
import { decideDispatch, emptyLedger, type DispatchLimits, type DispatchRefusal } from '../limits/pushFatigue.js';
import type { Sessions, Tokens } from '../store/tokens.js';
import type { DispatchInput, DispatchResult, Operation } from '../contract/operation.js';

/** What the dispatch needs of a stored dispatch target (store/dispatchTargets.ts). */
export interface DispatchTargetDirectory {
  get(id: string): Promise<
    | { username: string; extId: string; dispatcher: string; target?: string; encryptionKey?: object; pushTokenDead?: boolean }
    | undefined
  >;
  /** With `target`: only while that push token is still the stored one (not rotated meanwhile). */
  markTargetDead(id: string, target?: string): Promise<unknown>;
}

export interface SendDispatchDependencies {
  dispatchers: DispatcherRegistry;
  targets: DispatchTargetDirectory;
  tokens: Tokens;
  sessions: Sessions;
  credentials: Credentials;
  budget: DispatchBudget;
  dispatchLimits: DispatchLimits;
  /** What each dispatch answered: a rerun answers the same instead of pushing again. */
  records: DispatchRecords<SendDispatchResult>;
  /** Keyed hash of a user name (the budget never stores names). */
  userHashOf: (username: string) => string;
  appId: string;
  publicUrl: string;
  /** Session id → index key (api/sessions.ts `workflowIdOf`): the same derivation the API uses. */
  sessionKeyOf: (sessionId: string) => string;
  now: () => Date;
}

export interface SendDispatchInput {
  workflowId: string;
  operation: Operation;
  username?: string;
  dispatch: DispatchInput;
  /** The first session's workflow id is derived from it; a fallback's needs an index row. */
  firstSession: boolean;
}

export interface SendDispatchResult {
  /** Push-fatigue limit: no dispatch happened; the operation is refused as a whole. */
  refused?: { reason: 'tooManyPendingDispatches' | 'dispatchBackOff'; retryAfterSeconds: number };
  dispatchResult: DispatchResult;
  dispatcherInformation: { name: string; response?: string };
  dispatchTargetExtId?: string;
}

/** Loads the user's ledger, decides (limits/pushFatigue.ts) and saves an allowed reservation. */
export async function reserveDispatch(
  { budget, dispatchLimits }: Pick<SendDispatchDependencies, 'budget' | 'dispatchLimits'>,
  workflowId: string,
  userHash: string,
  now: Date,
): Promise<{ allowed: true } | DispatchRefusal> {
  const decision = decideDispatch((await budget.load(userHash)) ?? emptyLedger, workflowId, dispatchLimits, now.getTime());
  if (!decision.allowed) return decision;
  if (!decision.alreadyReserved) {
    await budget.savePending(userHash, workflowId, now, { stalePending: decision.stalePending, unanswered: decision.recentUnanswered });
  }
  return { allowed: true };
}

/**
 * Sends one token to the phone: indexes it (hash only) so it can be redeemed, checks the target,
 * and hands the payload to the dispatcher. Every outcome is a value (`dispatchResult`): a failed
 * push leaves the operation open for a fallback.
 *
 * Safe to run twice: the reservation is one per workflow, the index rows are inserts of a unique
 * key, and the dispatcher's answer is recorded per (workflow, token), so a rerun after the record
 * answers it again without a second push. A worker that dies between the push and its record
 * pushes again on the rerun (at least once): the same single-use token, so the phone can redeem
 * only one of the two.
 */
export function createSendDispatch(deps: SendDispatchDependencies) {
  return async function sendDispatch({ workflowId, operation, username, dispatch, firstSession }: SendDispatchInput): Promise<SendDispatchResult> {
    const now = deps.now();
    const earlier = await deps.records.find(workflowId, dispatch.tokenHash);
    if (earlier) return earlier;

    const target = dispatch.dispatchTargetId ? await deps.targets.get(dispatch.dispatchTargetId) : undefined;
    // The request may leave the dispatcher to the target's own.
    const name = dispatch.dispatcher || target?.dispatcher || '';
    const answer = (dispatchResult: DispatchResult, extra: Partial<SendDispatchResult> = {}): SendDispatchResult => ({
      dispatchResult,
      dispatcherInformation: { name },
      ...extra,
    });
    if (firstSession && username) {
      const reserved = await reserveDispatch(deps, workflowId, deps.userHashOf(username), now);
      if (!reserved.allowed) return answer('dispatchError', { refused: { reason: reserved.reason, retryAfterSeconds: reserved.retryAfterSeconds } });
    }
    if (operation !== 'registration' && username && (await deps.credentials.listForUser(username, deps.appId)).length === 0) {
      return answer('userNotFound');
    }
    if (dispatch.dispatchTargetId && (!target || (username !== undefined && target.username !== username))) {
      return answer('dispatchTargetNotFound');
    }
    if (target?.pushTokenDead) return answer('dispatchTargetExpired', { dispatchTargetExtId: target.extId });

    await deps.tokens.add(dispatch.tokenHash, workflowId, operation, now);
    if (!firstSession) await deps.sessions.add(deps.sessionKeyOf(dispatch.sessionId), workflowId, now);

    const linking = dispatch.channelLinking;
    const outcome = await deps.dispatchers.dispatch(name, {
      nmaData: {
        token: dispatch.token,
        redeem_url: `${deps.publicUrl}/nevisfido/token/redeem/${operation}`,
        ...(linking && { channel_linking: linking.mode === 'number-match' ? linking.choices : linking.string }),
      },
      ...(target && { target: { target: target.target, encryptionKey: target.encryptionKey as never } }),
      ...(dispatch.dispatchInformation && { dispatchInformation: dispatch.dispatchInformation }),
    });
    if (outcome.targetDead && dispatch.dispatchTargetId) await deps.targets.markTargetDead(dispatch.dispatchTargetId, target?.target);
    const sent: SendDispatchResult = {
      dispatchResult: outcome.dispatchResult,
      dispatcherInformation: outcome.dispatcherInformation,
      ...(target && { dispatchTargetExtId: target.extId }),
    };
    await deps.records.record(workflowId, dispatch.tokenHash, sent, now);
    return sent;
  };
}

/**
 * Settles the push-fatigue ledger when an out-of-band operation ends: answered or not. Safe to
 * run twice: the write is conditional on the operation's entry still being open.
 */
export function createSettleDispatch({ budget, userHashOf, now }: Pick<SendDispatchDependencies, 'budget' | 'userHashOf' | 'now'>) {
  return async function settleDispatch({ workflowId, username, answered }: { workflowId: string; username: string; answered: boolean }): Promise<void> {
    await budget.savePendingClosed(userHashOf(username), workflowId, answered, now());
  };
}
