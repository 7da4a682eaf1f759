import type { Request, RequestHandler, Response } from 'express';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { ServerKeys } from '../config/deriveKeys.js';
import { isErrorCode } from '../contract/errors.js';
import { createAuditTrail, type AuditEvent } from '../store/audit.js';
import { createDispatchTargets } from '../store/dispatchTargets.js';
import { userHashOf } from '../store/sessionKeys.js';
import type { CodecAuditEvent } from './codecRouter.js';
import { createRelyingPartyKeyOf } from './relyingParty.js';

const targetPath = /^\/nevisfido\/token\/dispatch\/targets(?:\/([^/]+))?\/?$/;
const targetActions = { POST: 'targetCreated', PATCH: 'targetPatched', DELETE: 'targetDeleted' } as const;

export type ApiAudit = ReturnType<typeof createApiAudit>;

/**
 * The API's side of the audit trail (store/audit.ts; the worker records how operations end):
 * dispatch-target changes, admin actions and codec calls, each with the client address and a
 * short hash of the key presented. Written to the log and to the `audit` collection; a database
 * that fails the write is logged, never the caller's error.
 */
export function createApiAudit({ db, rpApiKeys, keys, logger }: { db: Db; rpApiKeys: readonly string[]; keys: ServerKeys; logger: Logger }) {
  const trail = createAuditTrail(db);
  const targets = createDispatchTargets(db);
  const rpKeyOf = createRelyingPartyKeyOf(rpApiKeys);
  const userHash = (username: string) => userHashOf(username, keys.userHash);

  async function write(event: AuditEvent): Promise<void> {
    logger.info({ audit: event }, `audit ${event.action} ${event.outcome}`);
    await trail.record(event).catch((error: unknown) => logger.error({ err: error, action: event.action }, 'audit event not stored'));
  }

  /** An event of this request: time, client address and key hashes filled in. */
  function record(req: Request, res: Response, event: Omit<AuditEvent, 'at' | 'clientAddress' | 'rpKeyId' | 'operatorKeyId'>): Promise<void> {
    const rpKeyId = rpKeyOf(req)?.slice(0, 12);
    const operatorKeyId = res.locals.operatorKeyId as string | undefined;
    return write({
      at: new Date(),
      ...event,
      ...(req.ip && { clientAddress: req.ip }),
      ...(rpKeyId && { rpKeyId }),
      ...(operatorKeyId && { operatorKeyId }),
    });
  }

  /**
   * Audits POST/PATCH/DELETE of dispatch targets by watching the answer (api/dispatchTargetRoutes.ts
   * stays as it is): whose target it was is read before a change or delete, after a creation.
   */
  const targetEvents: RequestHandler = (req, res, next) => {
    const match = targetPath.exec(req.path);
    const action = targetActions[req.method as keyof typeof targetActions];
    if (!match || !action || (action === 'targetCreated') !== (match[1] === undefined)) {
      next();
      return;
    }
    let answer: { id?: unknown; error?: unknown } | undefined;
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      answer = body as typeof answer;
      return json(body);
    };
    const ownerBefore = match[1] ? targets.get(decodeURIComponent(match[1])).catch(() => undefined) : Promise.resolve(undefined);
    res.once('finish', () => {
      void (async () => {
        const id = match[1] ? decodeURIComponent(match[1]) : typeof answer?.id === 'string' ? answer.id : undefined;
        const owner = (await ownerBefore) ?? (id && res.statusCode < 300 ? await targets.get(id).catch(() => undefined) : undefined);
        const code = typeof answer?.error === 'string' && isErrorCode(answer.error) ? answer.error : undefined;
        await record(req, res, {
          action,
          outcome: res.statusCode < 300 ? 'succeeded' : 'failed',
          ...(res.statusCode >= 300 && { reason: code ?? String(res.statusCode) }),
          ...(owner && { userHash: userHash(owner.username) }),
          ...(id && res.statusCode < 300 && { details: { dispatchTargetId: id } }),
        });
      })();
    });
    next();
  };

  /** For createCodecRouter's `audit` option: one event per /codec/decode call. */
  const codecEvent = ({ operator, payloads, outcome }: CodecAuditEvent) =>
    void write({
      at: new Date(),
      action: 'codecDecode',
      outcome: outcome === 'decoded' || outcome === 'encoded' ? 'succeeded' : outcome === 'refused' ? 'refused' : 'failed',
      ...(operator && { operatorKeyId: operator }),
      details: { payloads },
    });

  return { trail, userHash, record, targetEvents, codecEvent };
}
