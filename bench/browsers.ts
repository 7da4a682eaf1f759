/**
 * A browser on the RP's login page while a flow runs: it polls `POST /nevisfido/status` every
 * `everyMs` (as the kit's fallback does) or follows the status event stream (SSE), from the
 * dispatch answer until the flow ends. Every status call's latency is recorded; a call without an
 * answer within `unansweredMs` counts as unanswered.
 */
import { performance } from 'node:perf_hooks';

export type BrowserMode = { kind: 'poll'; everyMs: number } | { kind: 'sse' };

/** `poll1000`, `poll250`, `sse` (the `--browsers` option's words). */
export function parseBrowserMode(word: string): BrowserMode {
  if (word === 'sse') return { kind: 'sse' };
  const poll = /^poll(\d+)$/.exec(word);
  if (poll) return { kind: 'poll', everyMs: Number(poll[1]) };
  throw new Error(`--browsers: ${word} is not poll<ms> or sse`);
}

export function browserModeName(mode: BrowserMode): string {
  return mode.kind === 'sse' ? 'sse' : `poll${mode.everyMs}`;
}

export interface BrowserFigures {
  /** Latency of every status call (poll mode). */
  statusMs: number[];
  unanswered: number;
  /** When the browser first saw `succeeded` (performance.now()), if it did. */
  succeededAt?: number;
}

const unansweredMs = 30_000;
const terminal = new Set(['succeeded', 'failed', 'unknown']);
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Starts watching `sessionId`; `stop()` ends it and answers what it saw. */
export function watchLikeABrowser(apiUrl: string, sessionId: string, mode: BrowserMode): { stop(): Promise<BrowserFigures> } {
  const figures: BrowserFigures = { statusMs: [], unanswered: 0 };
  const stopped = new AbortController();
  const running = mode.kind === 'poll' ? poll(mode.everyMs) : follow();

  async function poll(everyMs: number): Promise<void> {
    while (!stopped.signal.aborted) {
      const started = performance.now();
      try {
        const response = await fetch(`${apiUrl}/nevisfido/status`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ sessionId }),
          signal: AbortSignal.timeout(unansweredMs),
        });
        const body = (await response.json()) as { status?: string };
        figures.statusMs.push(performance.now() - started);
        if (body.status === 'succeeded') figures.succeededAt ??= performance.now();
        if (body.status && terminal.has(body.status)) return;
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') figures.unanswered++;
        else if (!stopped.signal.aborted) figures.unanswered++;
      }
      await sleep(everyMs, stopped.signal);
    }
  }

  async function follow(): Promise<void> {
    try {
      const response = await fetch(`${apiUrl}/nevisfido/status/${sessionId}/events`, { headers: { accept: 'text/event-stream' }, signal: stopped.signal });
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of response.body!) {
        text += decoder.decode(chunk as Uint8Array, { stream: true });
        if (figures.succeededAt === undefined && /"status":"succeeded"/.test(text)) figures.succeededAt = performance.now();
      }
    } catch {
      // Aborted by stop(), or the stream broke; either way the browser is gone.
    }
  }

  return {
    async stop() {
      // A poll browser whose flow ended keeps polling until it sees the end (as a page would);
      // give it one more interval, then stop it either way.
      if (mode.kind === 'poll') await Promise.race([running, sleep(mode.everyMs + 100, new AbortController().signal)]);
      stopped.abort();
      await running;
      return figures;
    },
  };
}
