import express, { Router, type Request, type Response, type NextFunction } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { createOutbandClient, type OutbandClient } from './createOutbandClient.js';
import { signedCookie } from './signedCookie.js';
import { buildKit } from './buildKit.js';
import { publicStatus } from './publicStatus.js';
import { relayStatusEvents } from './relayStatusEvents.js';

export interface OutOfBandLoginOptions {
  /** Outband's base URL, e.g. http://localhost:3000 */
  outbandUrl: string;
  /** The relying party's key: used by this server only, never sent to a browser. */
  rpKey: string;
  /** Signs the pending-login cookie (≥ 32 characters). */
  cookieSecret: string;
  /** What the push notification says; default "Log in as <user>?". */
  notification?: (username: string) => { title?: string; body?: string };
  /** Channel linking: compare a string (default) or pick the browser's number on the phone. */
  channelLinking?: 'visual-string' | 'number-match';
  /** How long a pushed login or a fallback QR code stays valid (Outband's default 300 s). */
  timeoutSeconds?: number;
  /**
   * Marks a session id as used; answers false when it was used before, so one approval logs in
   * once. The default remembers in this process; several server processes need a shared store.
   */
  claimSession?: (sessionId: string) => Promise<boolean>;
  /** Set `Secure` on the cookie (HTTPS). */
  secureCookie?: boolean;
  client?: OutbandClient;
}

/** Why `finish` refused; `message` is for the person at the browser. */
export class OutOfBandLoginError extends Error {
  override name = 'OutOfBandLoginError';
  constructor(
    readonly code: 'noPendingLogin' | 'unknownSession' | 'notSucceeded' | 'otherUser' | 'alreadyUsed',
    message: string,
  ) {
    super(message);
  }
}

export interface OutOfBandLogin extends Router {
  /**
   * The form action's check: the session id the browser posted is trusted only when it belongs
   * to a login this browser started, Outband says `succeeded` for that session, and the user
   * Outband names is the one the login was started for. Returns that user name, once.
   */
  finish(req: Request, res: Response): Promise<{ username: string }>;
}

interface PendingLogin {
  username: string;
  sessions: string[];
}

/** Sessions a browser may follow per login: the push plus a few fallbacks. */
const maxSessionsPerLogin = 8;

const startSchema = z.object({ username: z.string().trim().min(1).max(256) });
const dispatchSchema = z.object({ targetId: z.string().min(1).max(128).optional() });
const fallbackSchema = z.object({ sessionId: z.string().min(1).max(128), mobile: z.boolean().default(false) });

const refuse = (res: Response, status: number, error: string, message: string) => void res.status(status).json({ error, message });

function rememberInProcess(): (sessionId: string) => Promise<boolean> {
  const used = new Map<string, number>();
  return async (sessionId) => {
    const now = Date.now();
    for (const [id, at] of used) if (now - at > 3_600_000) used.delete(id);
    if (used.has(sessionId)) return false;
    used.set(sessionId, now);
    return true;
  };
}

/**
 * The relying party's server side of the out-of-band login kit (docs/kit.md): the browser
 * script (`/kit.js`, `/kit.mjs`) talks to these routes, which call Outband with the RP key.
 * JSON bodies only: a cross-site form cannot send `application/json` without a CORS preflight,
 * and the pending-login cookie is SameSite=Lax and signed.
 */
export function createOutOfBandLogin(options: OutOfBandLoginOptions): OutOfBandLogin {
  if (options.cookieSecret.length < 32) throw new Error('createOutOfBandLogin: cookieSecret must have at least 32 characters.');
  const client = options.client ?? createOutbandClient(options);
  const pending = signedCookie<PendingLogin>({ name: 'outband_login', secret: options.cookieSecret, maxAgeSeconds: 900, secure: options.secureCookie });
  const claimSession = options.claimSession ?? rememberInProcess();
  const notification = options.notification ?? ((username: string) => ({ title: 'Log in', body: `Log in as ${username}?` }));
  const timeoutSeconds = options.timeoutSeconds ?? 300;
  const kits = new Map<string, Promise<string>>();

  const router = Router() as OutOfBandLogin;
  router.use(express.json({ limit: '2kb' }));
  const jsonOnly = (req: Request, res: Response, next: NextFunction) =>
    req.is('application/json') ? next() : refuse(res, 415, 'unsupportedMediaType', 'Send the request as application/json.');

  for (const [path, format] of [['/kit.js', 'iife'], ['/kit.mjs', 'esm']] as const) {
    router.get(path, async (_req, res) => {
      if (!kits.has(format)) kits.set(format, buildKit(format));
      res.type('application/javascript').set('cache-control', 'no-cache').send(await kits.get(format));
    });
  }

  router.post('/start', jsonOnly, async (req, res) => {
    const parsed = startSchema.safeParse(req.body);
    if (!parsed.success) return refuse(res, 400, 'invalidRequest', 'Type your user name.');
    const targets = await client.targets(parsed.data.username);
    pending.write(res, { username: parsed.data.username, sessions: [] });
    res.json({ targets });
  });

  /** The pending login and, when named, one of its session ids; answers the refusal itself. */
  const loginOf = (req: Request, res: Response, sessionId?: string): PendingLogin | undefined => {
    const login = pending.read(req);
    if (!login) return void refuse(res, 409, 'noPendingLogin', 'Start again: type your user name.');
    if (sessionId !== undefined && !login.sessions.includes(sessionId)) return void refuse(res, 404, 'unknownSession', 'This login is not yours or has expired.');
    return login;
  };
  const remember = (res: Response, login: PendingLogin, sessionId: string) =>
    pending.write(res, { ...login, sessions: [...login.sessions, sessionId].slice(-maxSessionsPerLogin) });

  router.post('/dispatch', jsonOnly, async (req, res) => {
    const parsed = dispatchSchema.safeParse(req.body);
    if (!parsed.success) return refuse(res, 400, 'invalidRequest', 'targetId must be a string.');
    const login = loginOf(req, res);
    if (!login) return;
    // The target must be one of this user's own, as Outband lists them now.
    const targets = await client.targets(login.username);
    const target = parsed.data.targetId === undefined ? targets[0] : targets.find(({ id }) => id === parsed.data.targetId);
    if (!target) return refuse(res, targets.length ? 404 : 409, targets.length ? 'targetNotFound' : 'noPhone', targets.length ? 'That phone is not registered for this user.' : 'No phone is registered for this user.');
    const answer = await client.dispatch('authentication', {
      dispatchTargetId: target.id,
      channelLinking: { mode: options.channelLinking ?? 'visual-string' },
      dispatchInformation: { notification: notification(login.username) },
      timeoutSeconds,
      getUafRequest: { op: 'Auth', context: { username: login.username } },
    });
    if (answer.status === 429) return refuse(res, 429, 'tooManyRequests', 'Too many login requests for this phone; wait a few minutes and try again.');
    if (answer.status !== 200) return refuse(res, 502, 'dispatchFailed', 'The login could not be started; try again.');
    remember(res, login, answer.body.sessionId);
    res.json({ sessionId: answer.body.sessionId, dispatched: answer.body.dispatchResult === 'dispatched', dispatchResult: answer.body.dispatchResult, channelLinking: answer.body.channelLinking?.string, channelLinkingMode: answer.body.channelLinking?.mode });
  });

  router.post('/fallback', jsonOnly, async (req, res) => {
    const parsed = fallbackSchema.safeParse(req.body);
    if (!parsed.success) return refuse(res, 400, 'invalidRequest', 'sessionId is required.');
    const login = loginOf(req, res, parsed.data.sessionId);
    if (!login) return;
    const answer = await client.dispatch('authentication', {
      dispatcher: 'link',
      fallbackFor: parsed.data.sessionId,
      timeoutSeconds,
      getUafRequest: { op: 'Auth', context: { username: login.username } },
    });
    const link = answer.body.dispatcherInformation?.response;
    if (answer.status === 429) return refuse(res, 429, 'tooManyRequests', 'Too many login requests; wait a few minutes and start again.');
    if (answer.status !== 200 || !link) return refuse(res, 502, 'fallbackFailed', 'The QR code could not be made; start again.');
    remember(res, login, answer.body.sessionId);
    res.json({ sessionId: answer.body.sessionId, link, ...(!parsed.data.mobile && { qrCode: await QRCode.toDataURL(link, { margin: 2 }) }) });
  });

  router.get('/status/:sessionId', async (req, res) => {
    if (!loginOf(req, res, req.params.sessionId)) return;
    res.set('cache-control', 'no-store').json(publicStatus(await client.status(req.params.sessionId)));
  });

  router.get('/status/:sessionId/events', async (req, res) => {
    if (!loginOf(req, res, req.params.sessionId)) return;
    await relayStatusEvents(client, req.params.sessionId, res, publicStatus);
  });

  // Outband unreachable or a body that is not JSON: an answer in words, never an HTML error page.
  router.use((error: { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.parse.failed' || error.type === 'entity.too.large') return refuse(res, 400, 'invalidRequest', 'The request body is not valid JSON.');
    refuse(res, 502, 'outbandUnavailable', 'The login service cannot be reached; try again.');
  });

  router.finish = async (req, res) => {
    const login = pending.read(req);
    const sessionId = typeof req.body?.sessionId === 'string' ? req.body.sessionId : '';
    if (!login) throw new OutOfBandLoginError('noPendingLogin', 'This login has expired; start again.');
    if (!login.sessions.includes(sessionId)) throw new OutOfBandLoginError('unknownSession', 'This login was not started in this browser.');
    const status = await client.status(sessionId);
    if (status.status !== 'succeeded' || (status.finalSessionId !== undefined && status.finalSessionId !== sessionId)) {
      throw new OutOfBandLoginError('notSucceeded', 'Your phone has not confirmed this login.');
    }
    if (status.userId !== login.username) throw new OutOfBandLoginError('otherUser', 'This confirmation belongs to another user.');
    if (!(await claimSession(sessionId))) throw new OutOfBandLoginError('alreadyUsed', 'This confirmation has already been used.');
    pending.clear(res);
    return { username: login.username };
  };
  return router;
}
