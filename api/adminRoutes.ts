import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { channelKey, statusKey } from '../contract/searchAttributes.js';
import { createCredentials, type Credential } from '../store/credentials.js';
import { createDispatchBudget } from '../store/dispatchBudget.js';
import { createDispatchRecords } from '../store/dispatches.js';
import { createDispatchTargets, type DispatchTargetRecord } from '../store/dispatchTargets.js';
import { createSessions } from '../store/sessions.js';
import { ApiError } from './apiError.js';
import type { ApiAudit } from './auditTrail.js';
import { resource } from './contentNegotiation.js';
import { requireOperatorKey } from './operatorKey.js';
import { parseBody } from './schemas.js';

/** A user name as the RP sent it (`context.username`); the path carries it percent-encoded. */
export const adminUsernameSchema = z.object({ username: z.string().min(1).max(256) });
export const adminCredentialSchema = adminUsernameSchema.extend({ aaid: z.string().regex(/^[0-9A-F]{4}#[0-9A-F]{4}$/i, 'must be an AAID (XXXX#XXXX)'), keyId: z.string().min(1).max(512) });
export const adminLimitSchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** The most operations an erasure looks up in visibility (their sessions and dispatch records). */
const erasureScanLimit = 10_000;

const credentialView = (credential: Credential) => ({
  aaid: credential.aaid,
  keyId: credential.keyId,
  createdAt: credential.createdAt.toISOString(),
  lastUsedAt: credential.lastUsedAt?.toISOString() ?? null,
  attestationType: credential.attestationType,
  signCounter: credential.signCounter,
});
// No keys, no push address: the operator sees which phone, not how to reach it.
const targetView = (target: DispatchTargetRecord) => ({
  id: target.id,
  extId: target.extId,
  name: target.name,
  dispatcher: target.dispatcher,
  deviceId: target.deviceId ?? null,
  pushTokenDead: target.pushTokenDead === true,
  createdAt: target.createdAt.toISOString(),
  updatedAt: target.updatedAt.toISOString(),
});

export interface AdminRouterOptions {
  client: Client;
  db: Db;
  adminApiKeys: readonly string[];
  /** UAF_APP_ID: the credentials listed are this deployment's. */
  appId: string;
  audit: ApiAudit;
}

/**
 * The operators' admin API (docs/api.md "Admin API"), for holders of ADMIN_API_KEYS: a user's
 * credentials and dispatch targets, revocation, erasure, recent operations (Temporal visibility
 * by OutbandUserHash) and audit events. Every call is itself audited.
 */
export function createAdminRouter({ client, db, adminApiKeys, appId, audit }: AdminRouterOptions): Router {
  const router = Router();
  const credentials = createCredentials(db);
  const targets = createDispatchTargets(db);
  const budget = createDispatchBudget(db);
  const sessions = createSessions(db);
  const dispatchRecords = createDispatchRecords<object>(db);
  const operator = requireOperatorKey(adminApiKeys, 'ADMIN_API_KEYS');
  const usernameOf = (req: Request) => parseBody(adminUsernameSchema, req.params).username;
  /** Workflow executions of one user, newest first, from the OutbandUserHash search attribute. */
  const operationsOf = (userHash: string) => client.workflow.list({ query: `OutbandUserHash = "${userHash}"` });

  resource(router, '/admin/users/:username', {
    get: [
      operator,
      async (req, res) => {
        const username = usernameOf(req);
        const [keys, phones] = await Promise.all([credentials.listForUser(username, appId), targets.listForUser(username)]);
        await audit.record(req, res, { action: 'adminListed', outcome: 'succeeded', userHash: audit.userHash(username) });
        res.json({ credentials: keys.map(credentialView), dispatchTargets: phones.map(targetView) });
      },
    ],
    delete: [
      operator,
      async (req, res) => {
        const username = usernameOf(req);
        const userHash = audit.userHash(username);
        // Running operations first, so none writes a credential or a budget entry after the erasure.
        const workflowIds: string[] = [];
        let terminated = 0;
        for await (const execution of operationsOf(userHash)) {
          workflowIds.push(execution.workflowId);
          if (execution.status.name === 'RUNNING') {
            await client.workflow.getHandle(execution.workflowId).terminate('user erased by an operator').then(() => terminated++, () => undefined);
          }
          if (workflowIds.length >= erasureScanLimit) break;
        }
        const [removedKeys, removedTargets, removedSessions, removedDispatches, removedBudget] = await Promise.all([
          credentials.removeForUser(username),
          targets.removeForUser(username),
          sessions.removeForWorkflows(workflowIds),
          dispatchRecords.removeForWorkflows(workflowIds),
          budget.remove(userHash),
        ]);
        const erased = {
          credentials: removedKeys.length,
          dispatchTargets: removedTargets.length,
          sessions: removedSessions,
          dispatchRecords: removedDispatches,
          dispatchBudget: removedBudget,
          operationsTerminated: terminated,
        };
        await audit.record(req, res, { action: 'adminErased', outcome: 'succeeded', userHash, details: erased });
        res.json({ erased });
      },
    ],
  });

  resource(router, '/admin/users/:username/credentials', {
    delete: [
      operator,
      async (req, res) => {
        const username = usernameOf(req);
        const revoked = await credentials.removeForUser(username);
        await audit.record(req, res, { action: 'adminRevoked', outcome: 'succeeded', userHash: audit.userHash(username), details: { credentials: revoked.length } });
        res.json({ revoked });
      },
    ],
  });

  resource(router, '/admin/users/:username/credentials/:aaid/:keyId', {
    delete: [
      operator,
      async (req, res) => {
        const { username, aaid, keyId } = parseBody(adminCredentialSchema, req.params);
        const revoked = await credentials.removeForUser(username, { aaid, keyId });
        const userHash = audit.userHash(username);
        if (revoked.length === 0) {
          await audit.record(req, res, { action: 'adminRevoked', outcome: 'failed', reason: 'notFound', userHash });
          throw new ApiError('notFound', 'This user has no credential with that AAID and KeyID.');
        }
        await audit.record(req, res, { action: 'adminRevoked', outcome: 'succeeded', userHash, details: { aaid, keyId } });
        res.status(204).end();
      },
    ],
  });

  resource(router, '/admin/users/:username/operations', {
    get: [
      operator,
      async (req, res) => {
        const username = usernameOf(req);
        const { limit } = parseBody(adminLimitSchema, req.query);
        const operations = [];
        for await (const execution of operationsOf(audit.userHash(username))) {
          operations.push({
            workflowId: execution.workflowId,
            operation: execution.type,
            executionStatus: execution.status.name,
            status: execution.typedSearchAttributes.get(statusKey) ?? null,
            channel: execution.typedSearchAttributes.get(channelKey) ?? null,
            startTime: execution.startTime.toISOString(),
            closeTime: execution.closeTime?.toISOString() ?? null,
          });
          if (operations.length >= limit) break;
        }
        await audit.record(req, res, { action: 'adminListed', outcome: 'succeeded', userHash: audit.userHash(username), details: { what: 'operations' } });
        res.json({ operations });
      },
    ],
  });

  resource(router, '/admin/users/:username/audit', {
    get: [
      operator,
      async (req, res) => {
        const username = usernameOf(req);
        const { limit } = parseBody(adminLimitSchema, req.query);
        const userHash = audit.userHash(username);
        const events = await audit.trail.listForUser(userHash, limit);
        res.json({ userHash, events: events.map((event) => ({ ...event, at: event.at.toISOString() })) });
      },
    ],
  });

  return router;
}
