import { Router, type Response } from 'express';
import { ApiError } from './apiError.js';
import { produces, resource } from './contentNegotiation.js';
import type { Operations, StatusResponse } from './operations.js';
import { publicStatusOf } from './publicStatus.js';

/** A comment line now and then keeps proxies from closing a quiet stream; it costs no Temporal call. */
const keepAliveMs = 15_000;

interface Watch {
  subscribers: Set<Response>;
  last?: StatusResponse;
}

export interface StatusEventsDependencies {
  operations: Operations;
  /** Open streams allowed per session and per process (SSE_MAX_PER_SESSION, SSE_MAX_CONNECTIONS). */
  limits: { perSession: number; perProcess: number };
}

/** How long a refused subscriber should wait: streams end with their operation, within minutes. */
const retryAfterSeconds = 5;

/**
 * `GET /nevisfido/status/{sessionId}/events`: the status as Server-Sent Events, one event per
 * change, in the shape of `POST /nevisfido/status` (never the dispatcher's response). However many
 * browsers watch a session, this process runs one watcher for it: one long-waiting Temporal update
 * at a time, woken by the workflow itself, fanned out to all.
 */
export function createStatusEventsRouter({ operations, limits }: StatusEventsDependencies): Router {
  const router = Router();
  const watches = new Map<string, Watch>();
  // Every open stream holds a socket and a timer: bounded per session and for the whole process.
  let openStreams = 0;

  const send = (res: Response, status: StatusResponse) => res.write(`event: status\ndata: ${JSON.stringify(status)}\n\n`);

  function watch(sessionId: string): Watch {
    const existing = watches.get(sessionId);
    if (existing) return existing;
    const created: Watch = { subscribers: new Set() };
    watches.set(sessionId, created);
    const onChange = (status: StatusResponse) => {
      const shown = publicStatusOf(status);
      created.last = shown;
      for (const res of created.subscribers) send(res, shown);
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
        if (openStreams >= limits.perProcess || (watches.get(sessionId)?.subscribers.size ?? 0) >= limits.perSession) {
          const scope = openStreams >= limits.perProcess ? 'this server' : 'this session';
          throw new ApiError('tooManyEventStreams', `Too many open event streams for ${scope}; close one or poll POST /nevisfido/status.`, undefined, { retryAfterSeconds });
        }
        openStreams++;
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.flushHeaders();
        const current = watch(sessionId);
        current.subscribers.add(res);
        if (current.last) send(res, current.last);
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
        res.on('close', () => {
          openStreams--;
          clearInterval(keepAlive);
          current.subscribers.delete(res);
        });
      },
    ],
  });
  return router;
}
