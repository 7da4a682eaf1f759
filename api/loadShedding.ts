import type { RequestHandler } from 'express';
import { ApiError } from './apiError.js';

/**
 * Not counted: health checks (an orchestrator must see them), status streams (long-lived; SSE_MAX_*
 * bound them) and status calls (one describe that Temporal answers without the worker: they do not
 * queue behind it, and a page polling every 250 ms must not crowd out the phones' answers).
 */
const isExempt = (path: string) => path.startsWith('/healthz') || path.endsWith('/events') || path === '/nevisfido/status';

/**
 * How far past `maxInFlight` a call may still be admitted, as a share of it: the further its flow
 * has come, the more room. A UAF response finishes a flow whose dispatch, push and redeem are
 * already paid for, and its request dies with its lifetime if it is never accepted; a redeem
 * carries a flow the user is looking at; a dispatch or an in-band request starts new work, which is
 * what overload should turn away first. With 32: new work up to 32 at once, redeems up to 40, UAF
 * responses up to 48.
 */
function headroomOf(path: string): number {
  if (path === '/nevisfido/uaf/1.1/registration' || path === '/nevisfido/uaf/1.1/authentication') return 0.5;
  if (path.startsWith('/nevisfido/token/redeem/')) return 0.25;
  return 0;
}

export interface LoadShedding extends RequestHandler {
  /** Requests now being answered (for tests and metrics). */
  inFlight(): number;
}

/**
 * Past its room (`maxInFlight` requests at once in this process, more for a call that finishes a
 * flow: `headroomOf`), the next call that waits for the worker (dispatch, redeem, UAF request and
 * response) is answered 503 with `Retry-After: 1` at once, before its body is read or Temporal is
 * called: under overload a client hears "later" within milliseconds instead of waiting in a queue
 * for its deadline. A shed request started nothing, so no accepted operation is lost; one let
 * through runs to its end.
 */
export function createLoadShedding({ maxInFlight }: { maxInFlight: number }): LoadShedding {
  let inFlight = 0;
  const handler: RequestHandler = (req, res, next) => {
    if (isExempt(req.path)) return next();
    if (inFlight >= maxInFlight + Math.ceil(maxInFlight * headroomOf(req.path))) {
      return next(new ApiError('serviceUnavailable', 'The server is at capacity; try again shortly.', undefined, { retryAfterSeconds: 1 }));
    }
    inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight--;
    };
    // `finish` when the answer is written, `close` when the client left first: either ends the slot.
    res.once('finish', release);
    res.once('close', release);
    next();
  };
  return Object.assign(handler, { inFlight: () => inFlight });
}
