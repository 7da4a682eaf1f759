import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Db } from 'mongodb';
import QRCode from 'qrcode';
import { z } from 'zod';
import { createOutbandClient, createOutOfBandLogin, OutOfBandLoginError, publicStatus, relayStatusEvents, signedCookie } from '../rp/index.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { accountPage, loginPage, payPage, signupPage } from './pages.js';
import { createPhoneRoutes } from './phoneRoutes.js';

export interface DemoOptions {
  /** Outband's base URL, e.g. http://localhost:3000 */
  outbandUrl: string;
  /** The relying party's key: it stays on this server, never in the browser. */
  rpKey: string;
  /** The demo's own database (collections `demoUsers`, `demoPayments`, `demoUsedSessions`). */
  db: Db;
  /** Signs the session cookies (≥ 32 characters). */
  cookieSecret: string;
  /** The FCM emulator the phone page receives pushes from, e.g. http://127.0.0.1:4010 */
  fcmEmulatorUrl: string;
  /** How the phone and the browser are linked at login (default visual-string). */
  channelLinking?: 'visual-string' | 'number-match';
}

interface Session {
  user?: string;
  csrf: string;
  /** The registration this user started last (its status may be followed). */
  registration?: string;
}

interface User {
  _id: string;
  passwordHash: string;
}

interface Payment {
  _id: string;
  username: string;
  sessionId: string;
  text: string;
  state: 'pending' | 'confirmed';
}

const webDir = fileURLToPath(new URL('../web/demo/', import.meta.url));
const payment = { amount: '200.00 CHF', payee: 'Alpine Savings, CH93 0076 2011 6238 5295 7' };
const paymentText = `Pay ${payment.amount} to ${payment.payee}`;
const credentialsSchema = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(8).max(256) });

/**
 * Alpine Bank, an e-banking relying party built on the out-of-band login kit: password sign-up
 * and login (scrypt, MongoDB), a phone registered by QR code, login with the phone, payments
 * confirmed on the phone, and a phone in the browser at /phone. Sessions live in signed
 * cookies; every state-changing request carries the session's CSRF token.
 */
export async function createDemoApp(options: DemoOptions): Promise<Express> {
  const users = options.db.collection<User>('demoUsers');
  const payments = options.db.collection<Payment>('demoPayments');
  const usedSessions = options.db.collection<{ _id: string; at: Date }>('demoUsedSessions');
  const client = createOutbandClient(options);
  const sessions = signedCookie<Session>({ name: 'demo_session', secret: options.cookieSecret, maxAgeSeconds: 3600 });
  const outband = createOutOfBandLogin({
    ...options,
    client,
    notification: (username) => ({ title: 'Alpine Bank', body: `Log in as ${username}?` }),
    // A session id logs in once, across restarts: the _id is unique, a second insert fails.
    claimSession: async (sessionId) => usedSessions.insertOne({ _id: sessionId, at: new Date() }).then(() => true, () => false),
  });

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set({ 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin', 'x-content-type-options': 'nosniff' });
    next();
  });
  app.use(express.static(webDir, { index: false }));
  app.use('/outband', outband);
  app.use('/phone', createPhoneRoutes(options, client));
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));
  app.use(express.json({ limit: '4kb' }));

  /** The session, created (anonymous, with a fresh CSRF token) on the first visit. */
  const sessionOf = (req: Request, res: Response): Session => {
    const existing = sessions.read(req);
    if (existing) return existing;
    const created = { csrf: randomBytes(24).toString('base64url') };
    sessions.write(res, created);
    return created;
  };
  const startSession = (res: Response, user: string) => sessions.write(res, { user, csrf: randomBytes(24).toString('base64url') });
  // Every POST carries the session's CSRF token (form field or header).
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const session = sessions.read(req);
    const given = (req.body?._csrf as string | undefined) ?? req.get('x-csrf-token');
    if (!session || !given || given !== session.csrf) {
      return void res.status(403).type(req.is('application/json') ? 'json' : 'html').send(
        req.is('application/json') ? { error: 'csrfFailed', message: 'This page is out of date; reload it.' } : loginPage(sessionOf(req, res).csrf, { message: 'This page was out of date; please try again.' }),
      );
    }
    next();
  });
  const requireUser = (req: Request, res: Response): (Session & { user: string }) | undefined => {
    const session = sessions.read(req);
    if (session?.user) return session as Session & { user: string };
    if (req.is('application/json') || req.accepts(['html', 'json']) === 'json') res.status(401).json({ error: 'notLoggedIn', message: 'Log in first.' });
    else res.redirect(303, '/');
    return undefined;
  };

  app.get('/', (req, res) => {
    const session = sessionOf(req, res);
    if (session.user) return res.redirect(303, '/account');
    res.type('html').send(loginPage(session.csrf));
  });
  app.get('/signup', (req, res) => void res.type('html').send(signupPage(sessionOf(req, res).csrf)));

  app.post('/signup', async (req, res) => {
    const parsed = credentialsSchema.safeParse(req.body);
    const csrf = sessionOf(req, res).csrf;
    if (!parsed.success) return void res.status(400).type('html').send(signupPage(csrf, { message: 'Choose a user name and a password of at least 8 characters.', username: String(req.body?.username ?? '') }));
    const { username, password } = parsed.data;
    const created = await users.insertOne({ _id: username, passwordHash: await hashPassword(password) }).then(() => true, () => false);
    if (!created) return void res.status(409).type('html').send(signupPage(csrf, { message: 'This user name is taken.', username }));
    startSession(res, username);
    res.redirect(303, '/account');
  });

  app.post('/login', async (req, res) => {
    const csrf = sessionOf(req, res).csrf;
    const username = String(req.body?.username ?? '').trim();
    if (typeof req.body?.sessionId === 'string' && req.body.sessionId !== '') {
      try {
        const login = await outband.finish(req, res);
        startSession(res, login.username);
        return res.redirect(303, '/account');
      } catch (error) {
        if (!(error instanceof OutOfBandLoginError)) throw error;
        return void res.status(401).type('html').send(loginPage(csrf, { message: `Not logged in: ${error.message}`, username }));
      }
    }
    const user = username ? await users.findOne({ _id: username }) : null;
    const password = String(req.body?.password ?? '');
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      return void res.status(401).type('html').send(loginPage(csrf, { message: 'Wrong user name or password.', username }));
    }
    startSession(res, username);
    res.redirect(303, '/account');
  });

  app.post('/logout', (_req, res) => {
    sessions.clear(res);
    res.redirect(303, '/');
  });

  app.get('/account', async (req, res) => {
    const session = requireUser(req, res);
    if (!session) return;
    const phones = (await client.targets(session.user)).map(({ name }) => name);
    res.type('html').send(accountPage(session.csrf, session.user, phones));
  });

  app.post('/account/phone', async (req, res) => {
    const session = requireUser(req, res);
    if (!session) return;
    const answer = await client.dispatch('registration', { dispatcher: 'link', timeoutSeconds: 600, getUafRequest: { op: 'Reg', context: { username: session.user } } });
    const link = answer.body.dispatcherInformation?.response;
    if (answer.status !== 200 || !link) return void res.status(502).json({ error: 'registrationFailed', message: 'The registration could not be started; try again.' });
    sessions.write(res, { ...session, registration: answer.body.sessionId });
    res.json({ sessionId: answer.body.sessionId, link, qrCode: await QRCode.toDataURL(link, { margin: 2 }) });
  });

  app.get('/account/phone/:sessionId/events', async (req, res) => {
    const session = requireUser(req, res);
    if (!session) return;
    if (session.registration !== req.params.sessionId) return void res.status(404).json({ error: 'unknownSession', message: 'This registration is not yours.' });
    await relayStatusEvents(client, req.params.sessionId, res, publicStatus);
  });

  app.get('/pay', (req, res) => {
    const session = requireUser(req, res);
    if (session) res.type('html').send(payPage(session.csrf, session.user, { text: paymentText }));
  });

  app.post('/pay', async (req, res) => {
    const session = requireUser(req, res);
    if (!session) return;
    const [phone] = await client.targets(session.user);
    if (!phone) return void res.status(409).json({ error: 'noPhone', message: 'Register your phone first: payments are confirmed on it.' });
    const answer = await client.dispatch('authentication', {
      dispatchTargetId: phone.id,
      dispatchInformation: { notification: { title: 'Alpine Bank: confirm payment', body: paymentText } },
      getUafRequest: { op: 'Auth', context: { username: session.user, transaction: [{ contentType: 'text/plain', content: Buffer.from(paymentText).toString('base64url') }] } },
    });
    if (answer.status !== 200) return void res.status(502).json({ error: 'paymentFailed', message: 'The confirmation could not be sent; try again.' });
    if (answer.body.dispatchResult !== 'dispatched') return void res.status(502).json({ error: 'phoneUnreachable', message: 'Your phone could not be reached; try again later.' });
    const paymentId = randomUUID();
    await payments.insertOne({ _id: paymentId, username: session.user, sessionId: answer.body.sessionId, text: paymentText, state: 'pending' });
    res.json({ paymentId });
  });

  /** The payment of this user, or a 404 answered. */
  const paymentOf = async (req: Request, res: Response, user: string) => {
    const found = await payments.findOne({ _id: String(req.params.paymentId), username: user });
    if (!found) res.status(404).json({ error: 'unknownPayment', message: 'This payment is not yours.' });
    return found ?? undefined;
  };

  app.get('/pay/:paymentId/events', async (req, res) => {
    const session = requireUser(req, res);
    const found = session && (await paymentOf(req, res, session.user));
    if (found) await relayStatusEvents(client, found.sessionId, res, publicStatus);
  });

  app.post('/pay/:paymentId/confirm', async (req, res) => {
    const session = requireUser(req, res);
    const found = session && (await paymentOf(req, res, session.user));
    if (!found) return;
    const status = await client.status(found.sessionId);
    if (status.status !== 'succeeded' || status.userId !== found.username) return void res.status(409).json({ error: 'notConfirmed', message: 'Your phone has not confirmed this payment.' });
    // One conditional update: however often this is called, the payment is booked once.
    const booked = await payments.updateOne({ _id: found._id, state: 'pending' }, { $set: { state: 'confirmed' } });
    res.json({ state: 'confirmed', bookedNow: booked.modifiedCount === 1 });
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    process.stderr.write(`demo: ${(error as Error).message}\n`);
    if (!res.headersSent) res.status(500).json({ error: 'internalError', message: 'Something went wrong; try again.' });
  });
  return app;
}
