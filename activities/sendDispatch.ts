import { ApplicationFailure } from '@temporalio/common';
import { buildNmaData, type DispatcherRegistry } from '../dispatch/index.js';
import type { Credentials } from '../store/credentials.js';
import type { DispatchBudget } from '../store/dispatchBudget.js';
import type { DispatchRecords } from '../store/dispatches.js';
import type { PendingDispatches } from '../store/pendingDispatches.js';
import {
  decideDispatch,
  emptyLedger,
  matchFallbackCap,
  type DispatchLimits,
  type DispatchRefusal,
  type DispatchRefusalReason,
  type PushFatigueLedger,
} from '../limits/pushFatigue.js';
import { dispatchTokenOf, tokenHashOf } from '../store/sessionKeys.js';
import type { Sessions } from '../store/sessions.js';
import type { AuthenticatorInfo, DispatchInput, DispatchResult, Operation } from '../contract/operation.js';

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
  /** The key of `dispatchTokenOf` (config/deriveKeys.ts `dispatchToken`), shared with the API. */
  dispatchTokenKey: Uint8Array;
  /** The fetch channel: every dispatch to a target is kept until it expires, so the phone can ask for it (store/pendingDispatches.ts). */
  pendingDispatches?: Pick<PendingDispatches, 'record'>;
  now: () => Date;
}

export interface SendDispatchInput {
  workflowId: string;
  operation: Operation;
  username?: string;
  dispatch: DispatchInput;
  /** 1 for the operation's first dispatch, 2 for its first fallback, … (a fallback's session needs an index row). */
  dispatchNumber: number;
  /** Whose budget the operation's earlier dispatches counted against (`budgetKey` of their results). */
  budgetKey?: string;
}

export interface SendDispatchResult {
  /** Push-fatigue limit: no dispatch happened. */
  refused?: { reason: DispatchRefusalReason; retryAfterSeconds: number };
  dispatchResult: DispatchResult;
  /** Without a `response` that carries the token (link, QR code): the API renders that itself. */
  dispatcherInformation: { name: string; response?: string };
  dispatchTargetExtId?: string;
  /** Keyed hash of the user whose push-fatigue budget this dispatch counted against. */
  budgetKey?: string;
  /** The target's public encryption key, when the API must render an encrypted payload. */
  payloadEncryptionKey?: object;
  /**
   * The user's keys (AAID and KeyID only) as this run read them, for the redeem's request policy
   * (uafOperations.ts `IssueRequestInput`). Not part of the dispatch record: a rerun answers the
   * keys it reads itself.
   */
  userKeys?: AuthenticatorInfo[];
}

/** A user's ledger as read (undefined: none yet). */
type LoadedLedger = { ledger: PushFatigueLedger | undefined };

/** Loads the user's ledger (unless `loaded` already holds it), decides (limits/pushFatigue.ts) and saves an allowed reservation. */
export async function reserveDispatch(
  { budget, dispatchLimits }: Pick<SendDispatchDependencies, 'budget' | 'dispatchLimits'>,
  workflowId: string,
  userHash: string,
  dispatchNumber: number,
  now: Date,
  loaded?: LoadedLedger,
): Promise<{ allowed: true } | DispatchRefusal> {
  const { ledger } = loaded ?? { ledger: await budget.load(userHash) };
  const decision = decideDispatch(ledger ?? emptyLedger, workflowId, dispatchNumber, dispatchLimits, now.getTime());
  if (!decision.allowed) return decision;
  if (!decision.alreadyReserved) {
    await budget.savePending(userHash, workflowId, dispatchNumber, now, { stalePending: decision.stalePending, unanswered: decision.recentUnanswered });
  }
  return { allowed: true };
}

/** What `sendDispatch` read before deciding. */
interface DispatchReads {
  target: Awaited<ReturnType<DispatchTargetDirectory['get']>>;
  /** How many keys the named user has (undefined when not read: registration, or no user name). */
  userKeyCount: number | undefined;
  /** The ledger of `budgetKey`, when that owner was known before the target was read. */
  ledger: ({ budgetKey: string } & LoadedLedger) | undefined;
}

/**
 * Sends one token to the phone: derives it (it is never an input, so it never enters workflow
 * history), checks the target and the push-fatigue budget of the target's owner (every dispatch,
 * first or fallback, counts), and hands the payload to the dispatcher. Every outcome is a value
 * (`dispatchResult`): a failed push leaves the operation open for a fallback.
 *
 * Safe to run twice: the reservation is keyed by (workflow, dispatch number), the session index
 * row is an insert of a unique key, and the dispatcher's answer is recorded per (workflow, token),
 * so a rerun after the record answers it again without a second push. A worker that dies between
 * the push and its record pushes again on the rerun (at least once): the same single-use token,
 * so the phone can redeem only one of the two.
 */
export function createSendDispatch(deps: SendDispatchDependencies) {
  return async function sendDispatch(input: SendDispatchInput): Promise<SendDispatchResult> {
    const { workflowId, operation, username, dispatch } = input;
    const now = deps.now();
    // The reads that do not depend on one another go out together: one database round trip of
    // latency instead of four. The push-fatigue ledger is among them when its owner is known
    // before the target is read (the named user, or whom the operation's earlier dispatches
    // counted against). The user's keys also go back to the workflow, for the redeem's request
    // policy (so it needs no read of its own).
    const knownBudgetKey = input.budgetKey ?? (username === undefined ? undefined : deps.userHashOf(username));
    const [earlier, target, userKeys, knownLedger] = await Promise.all([
      deps.records.find(workflowId, dispatch.tokenHash),
      dispatch.dispatchTargetId ? deps.targets.get(dispatch.dispatchTargetId) : undefined,
      operation !== 'registration' && username ? deps.credentials.listForUser(username, deps.appId) : undefined,
      knownBudgetKey === undefined ? undefined : deps.budget.load(knownBudgetKey),
    ]);
    const ledger = knownBudgetKey === undefined ? undefined : { budgetKey: knownBudgetKey, ledger: knownLedger };
    const result = earlier ?? (await dispatchOnce(input, now, { target, userKeyCount: userKeys?.length, ledger }));
    // Only an authentication's request names the user's keys (a deregistration removes them).
    if (operation !== 'authentication' || !userKeys?.length) return result;
    return { ...result, userKeys: userKeys.map(({ aaid, keyId }) => ({ aaid, keyId })) };
  };

  async function dispatchOnce(
    { workflowId, operation, username, dispatch, dispatchNumber, budgetKey: operationBudgetKey }: SendDispatchInput,
    now: Date,
    { target, userKeyCount, ledger }: DispatchReads,
  ): Promise<SendDispatchResult> {
    const token = dispatchTokenOf(workflowId, dispatch.sessionId, deps.dispatchTokenKey);
    if (tokenHashOf(token) !== dispatch.tokenHash) {
      // The API derived another token: its SERVER_SECRET is not the worker's. Nothing can be redeemed.
      throw ApplicationFailure.nonRetryable('The API and the worker derive different dispatch tokens (SERVER_SECRET differs).', 'internalError');
    }

    // The request may leave the dispatcher to the target's own.
    const name = dispatch.dispatcher || target?.dispatcher || '';
    const answer = (dispatchResult: DispatchResult, extra: Partial<SendDispatchResult> = {}): SendDispatchResult => ({
      dispatchResult,
      dispatcherInformation: { name },
      ...extra,
    });
    const refusal = (refused: DispatchRefusal) => answer('dispatchError', { refused: { reason: refused.reason, retryAfterSeconds: refused.retryAfterSeconds } });

    const overCap = matchFallbackCap(dispatchNumber, deps.dispatchLimits);
    if (overCap) return refusal(overCap);
    if (userKeyCount === 0) return answer('userNotFound');
    if (dispatch.dispatchTargetId && (!target || (username !== undefined && target.username !== username))) {
      return answer('dispatchTargetNotFound');
    }
    // The budget is the target owner's when the request names no user; one operation has one owner.
    const owner = username ?? target?.username;
    const ownerKey = owner === undefined ? undefined : deps.userHashOf(owner);
    if (operationBudgetKey !== undefined && ownerKey !== undefined && ownerKey !== operationBudgetKey) return answer('dispatchTargetNotFound');
    const budgetKey = operationBudgetKey ?? ownerKey;
    if (budgetKey !== undefined) {
      const reserved = await reserveDispatch(deps, workflowId, budgetKey, dispatchNumber, now, ledger?.budgetKey === budgetKey ? ledger : undefined);
      if (!reserved.allowed) return refusal(reserved);
    }
    const counted = budgetKey === undefined ? {} : { budgetKey };
    if (target?.pushTokenDead) return answer('dispatchTargetExpired', { dispatchTargetExtId: target.extId, ...counted });

    if (dispatchNumber > 1) await deps.sessions.add(deps.sessionKeyOf(dispatch.sessionId), workflowId, now);

    const outcome = await deps.dispatchers.dispatch(name, {
      nmaData: buildNmaData(token, deps.publicUrl, operation, dispatch.channelLinking, dispatch.dispatchInformation?.data),
      ...(target && { target: { target: target.target, encryptionKey: target.encryptionKey as never } }),
      ...(dispatch.dispatchInformation && { dispatchInformation: dispatch.dispatchInformation }),
    });
    if (outcome.targetDead && dispatch.dispatchTargetId) await deps.targets.markTargetDead(dispatch.dispatchTargetId, target?.target);
    // Delivered or not, the phone may fetch it (a push that failed is what the fetch channel is for).
    if (dispatch.dispatchTargetId && target && outcome.dispatchResult !== 'dispatcherNotFound') {
      await deps.pendingDispatches?.record(dispatch.tokenHash, {
        workflowId,
        dispatchTargetId: dispatch.dispatchTargetId,
        operation,
        dispatcher: name,
        sessionId: dispatch.sessionId,
        ...(dispatch.channelLinking && { channelLinking: dispatch.channelLinking }),
        ...(dispatch.dispatchInformation?.data !== undefined && { data: dispatch.dispatchInformation.data }),
        createdAt: now,
        expiresAt: new Date(now.getTime() + dispatch.timeoutSeconds * 1000),
      });
    }
    // A response that carries the token (a link, a QR code; any that contains it) stays out of history.
    const { response, ...information } = outcome.dispatcherInformation;
    const withheld = deps.dispatchers.get(name)?.responseCarriesToken === true || response?.includes(token) === true;
    const sent: SendDispatchResult = {
      dispatchResult: outcome.dispatchResult,
      dispatcherInformation: withheld || response === undefined ? information : { ...information, response },
      ...(target && { dispatchTargetExtId: target.extId }),
      ...counted,
      ...(withheld && target?.encryptionKey && { payloadEncryptionKey: target.encryptionKey }),
    };
    await deps.records.record(workflowId, dispatch.tokenHash, sent, now);
    return sent;
  }
}

/**
 * Settles the push-fatigue ledger when an out-of-band operation ends: how many of its dispatches
 * went unanswered (all of them unless one was redeemed and approved; a denial or a wrong number
 * pick counts as unanswered). Safe to run twice: the write is conditional on the operation's
 * entry still being open.
 */
export function createSettleDispatch({ budget, now }: Pick<SendDispatchDependencies, 'budget' | 'now'>) {
  return async function settleDispatch({ workflowId, budgetKey, unanswered }: { workflowId: string; budgetKey: string; unanswered: number }): Promise<void> {
    await budget.savePendingClosed(budgetKey, workflowId, unanswered, now());
  };
}
