import type { Response } from 'express';
import type { OutbandClient, StatusResponse } from './createOutbandClient.js';

/**
 * Relays Outband's status stream of one session to the browser, one `status` event per change,
 * each reduced by `shape` (what the browser may see). The stream ends when Outband ends it or
 * the browser leaves.
 */
export async function relayStatusEvents(
  client: OutbandClient,
  sessionId: string,
  res: Response,
  shape: (status: StatusResponse) => object,
): Promise<void> {
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  let upstream: globalThis.Response;
  try {
    upstream = await client.statusEvents(sessionId, gone.signal);
  } catch {
    return void res.status(502).json({ error: 'statusUnavailable', message: 'The status cannot be followed right now.' });
  }
  if (!upstream.ok || !upstream.body) return void res.status(502).json({ error: 'statusUnavailable', message: 'The status cannot be followed right now.' });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.flushHeaders();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (data) res.write(`event: status\ndata: ${JSON.stringify(shape(JSON.parse(data.slice(6)) as StatusResponse))}\n\n`);
        else res.write(': keep-alive\n\n');
      }
    }
  } catch {
    // The browser left (abort) or Outband closed the stream: either way this relay is done.
  }
  res.end();
}
