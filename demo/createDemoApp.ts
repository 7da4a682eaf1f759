import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';

export interface DemoOptions {
  /** Outband's base URL, e.g. http://localhost:3000 */
  outbandUrl: string;
  /** The relying party's key: it stays on this server, never in the browser. */
  rpKey: string;
}

const webDir = fileURLToPath(new URL('../web/demo/', import.meta.url));
const usernameSchema = z.object({ username: z.string().trim().min(1).max(64) });

/**
 * A relying party as small as it gets, for trying Outband in a browser: it asks Outband to
 * dispatch a registration (QR code) or an authentication (push when the user has a phone, else
 * QR code, with a visual-string channel link), and relays the status stream to the page.
 */
export function createDemoApp({ outbandUrl, rpKey }: DemoOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '4kb' }));
  app.use(express.static(webDir));

  const outband = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${outbandUrl}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${rpKey}`, ...init.headers },
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, any> };
  };
  const dispatch = (operation: string, body: object) => outband(`/nevisfido/token/dispatch/${operation}`, { method: 'POST', body: JSON.stringify(body) });
  const answer = async (res: express.Response, { status, body }: { status: number; body: Record<string, any> }) => {
    if (status !== 200) return void res.status(status).json(body);
    const link: string | undefined = body.dispatcherInformation?.name === 'link' ? body.dispatcherInformation.response : undefined;
    res.json({
      sessionId: body.sessionId,
      dispatchResult: body.dispatchResult,
      dispatcher: body.dispatcherInformation?.name,
      // The deep link as a QR code for a phone's camera, and as text for `npm run phone`.
      ...(link && { link, qrCode: (await QRCode.toDataURL(link, { margin: 2 })).replace('data:image/png;base64,', '') }),
      ...(body.channelLinking && { channelLinking: body.channelLinking.string }),
    });
  };

  app.post('/demo/register', async (req, res) => {
    const parsed = usernameSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'invalidRequest', message: 'username is required.' });
    await answer(res, await dispatch('registration', { dispatcher: 'link', getUafRequest: { op: 'Reg', context: { username: parsed.data.username } } }));
  });

  app.post('/demo/login', async (req, res) => {
    const parsed = usernameSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'invalidRequest', message: 'username is required.' });
    const { username } = parsed.data;
    const targets = await outband(`/nevisfido/token/dispatch/targets?username=${encodeURIComponent(username)}`);
    const phone = targets.status === 200 ? targets.body.dispatchTargets?.[0] : undefined;
    const getUafRequest = { op: 'Auth', context: { username } };
    await answer(
      res,
      await dispatch('authentication', {
        ...(phone ? { dispatchTargetId: phone.id } : { dispatcher: 'link' }),
        channelLinking: { mode: 'visual-string' },
        dispatchInformation: { notification: { title: 'Outband demo', body: `Log in as ${username}?` } },
        getUafRequest,
      }),
    );
  });

  // The page listens to the status stream through this same origin.
  app.get('/demo/status/:sessionId/events', async (req, res) => {
    const upstream = await fetch(`${outbandUrl}/nevisfido/status/${encodeURIComponent(req.params.sessionId)}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    res.writeHead(upstream.status, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    const reader = upstream.body!.getReader();
    req.on('close', () => void reader.cancel());
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) res.write(chunk.value);
    res.end();
  });

  return app;
}
