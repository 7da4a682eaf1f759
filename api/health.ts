import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { Router, type RequestHandler } from 'express';
import { pingDatabase } from '../store/database.js';
import type { ProbeWorkflow } from '../contract/probe.js';
import { resource } from './contentNegotiation.js';

export interface HealthDependencies {
  client: Client;
  db: Db;
  taskQueue: string;
  /** `/healthz/workflow` starts a workflow: relying parties and their monitors only (api/relyingParty.ts). */
  relyingParty: RequestHandler;
}

type Reachability = 'up' | 'down';

const checkTimeoutMs = 2_000;
const probeTimeoutMs = 5_000;

async function reachable(check: () => Promise<unknown>): Promise<Reachability> {
  try {
    await check();
    return 'up';
  } catch {
    return 'down';
  }
}

/**
 * `GET /healthz`: can this API process reach Temporal and MongoDB (200, or 503 naming what is
 * down)? `GET /healthz/workflow` (relying-party key: it starts a workflow): the whole path, a
 * `probe` workflow run by a worker whose activity pings MongoDB.
 */
export function createHealthRouter({ client, db, taskQueue, relyingParty }: HealthDependencies): Router {
  const router = Router();

  resource(router, '/healthz', {
    get: [
      async (_req, res) => {
        const [temporal, mongodb] = await Promise.all([
          reachable(() =>
            client.withDeadline(Date.now() + checkTimeoutMs, () => client.workflowService.getSystemInfo({})),
          ),
          reachable(() => pingDatabase(db)),
        ]);
        const down = [temporal === 'down' && 'Temporal', mongodb === 'down' && 'MongoDB'].filter(Boolean);
        if (down.length === 0) {
          res.json({ status: 'ok', temporal, mongodb });
          return;
        }
        res.status(503).json({
          error: 'serviceUnavailable',
          message: `${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} unreachable.`,
          temporal,
          mongodb,
        });
      },
    ],
  });

  resource(router, '/healthz/workflow', {
    get: [
      relyingParty,
      async (_req, res) => {
        const started = performance.now();
        try {
          const result = await client.workflow.execute<ProbeWorkflow>('probe', {
            taskQueue,
            workflowId: `probe-${randomUUID()}`,
            // Bounded: no worker polling must not hang the health check.
            workflowExecutionTimeout: probeTimeoutMs,
          });
          res.json({ status: 'ok', ...result, elapsedMs: Math.round(performance.now() - started) });
        } catch (error) {
          res.status(503).json({
            error: 'serviceUnavailable',
            message: 'The probe workflow did not complete: no worker, or the worker cannot reach MongoDB.',
            cause: error instanceof Error ? error.name : 'unknown',
          });
        }
      },
    ],
  });

  return router;
}
