import { Router, type Response } from 'express';
import { ApiError } from './apiError.js';
import { produces, resource } from './contentNegotiation.js';
import type { Operations, StatusResponse } from './operations.js';

/** A comment line now and then keeps proxies from closing a quiet stream; it costs no Temporal call. */
const keepAliveMs = 15_000;

interface Watch {
  subscribers: Set<Response>;
  last?: StatusResponse;
}

/**
 * `GET /nevisfido/status/{sessionId}/events`: the status as Server-Sent Events, one event per
 * change. However many browsers watch a session, this process runs one watcher for it: one
 * long-waiting Temporal update at a time, woken by the workflow itself, fanned out to all.
 */
export function createStatusEventsRouter({ operations }: { operations: Operations }): Router {
  const router = Router();
  const watches = new Map<string, Watch>();

  const send = (res: Response, status: StatusResponse) => res.write(`event: status\ndata: ${JSON.stringify(status)}\n\n`);

  function watch(sessionId: string): Watch {
    const existing = watches.get(sessionId);
    if (existing) return existing;
    const created: Watch = { subscribers: new Set() };
    watches.set(sessionId, created);
    const onChange = (status: StatusResponse) => {
      created.last = status;
      for (const res of created.subscribers) send(res, status);
    };
    void operations
      .watchStatus(sessionId, onChange, () => created.subscribers.size > 0)
      .catch(() => undefined)
      .finally(() => {
        watches.delete(sessionId);
        for (const res of created.subscribers) res.end();
      });
    return created;
  }

  resource(router, '/nevisfido/status/:sessionId/events', {
    get: [
      produces('text/event-stream'),
      (req, res) => {
        const sessionId = String(req.params.sessionId);
        if (sessionId.length > 128) throw new ApiError('invalidRequest', 'sessionId is too long.');
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.flushHeaders();
        const current = watch(sessionId);
        current.subscribers.add(res);
        if (current.last) send(res, current.last);
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
        res.on('close', () => {
          clearInterval(keepAlive);
          current.subscribers.delete(res);
        });
      },
    ],
  });
  return router;
}
