import { createHash, randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { createDevices, type DeliveredMessage } from './createDevices.js';
import { buildFcmError, fcmErrorMessages, unauthenticatedBody, type FcmErrorResponse } from './fcmError.js';
import { isLoopbackOrigin, loopbackHostOnly } from './loopbackHostOnly.js';

// A stand-in for FCM on loopback, for development, tests, the demo and the benchmark.
//
// FCM side (what firebase-admin talks to):
//   POST /v1/projects/{project}/messages:send          FCM HTTP v1 send, token messages
// Phone side (what device/oob/createPushReceiver.ts talks to):
//   POST   /emulator/devices                           register → 201 {token} (200 if known)
//   DELETE /emulator/devices/{token}                   uninstall → later sends answer UNREGISTERED
//   GET    /emulator/devices/{token}/messages/next?waitMs=   long-poll → 200 message | 204 | 404
// Control side (tests, demo):
//   PUT    /emulator/devices/{token}/fault  {fault: unregistered | serverError [status 500|503] | hang | swallow}
//          (swallow: FCM accepts the send and answers its name, and the message never reaches the
//          phone, as when a phone is offline, in a power-saving mode or has notifications off)
//   DELETE /emulator/devices/{token}/fault  back to normal; hung sends are answered 500
//   POST   /emulator/reset                  forget every device, fault and message
// A fault on the token `*` applies to every send. Logs show a fingerprint of a token, never the
// token, and the data keys, never the values.

export type Fault =
  | { readonly fault: 'unregistered' }
  | { readonly fault: 'serverError'; readonly status: 500 | 503 }
  | { readonly fault: 'hang' }
  | { readonly fault: 'swallow' };

export interface FcmEmulatorOptions {
  readonly logger: Logger;
  /** Host names besides loopback it answers (e.g. its compose service name); see loopbackHostOnly. */
  readonly allowedHosts?: readonly string[];
}

export interface FcmEmulator {
  readonly app: Express;
  /** Forgets devices, faults and messages and answers every hung send, so the server can close. */
  reset(): void;
}

/** The data keys FCM reserves (`from`, `message_type`, `google.*`, `gcm.*`, …). */
const reservedKey = /^(from|notification|message_type|collapse_key)$|^(google|gcm)\./;
/** FCM's limit on the data and notification payload. */
const maxPayloadBytes = 4096;
const maxWaitMs = 30_000;
const defaultWaitMs = 25_000;
const everyToken = '*';
/** The host firebase-admin addresses its sends to, whatever socket carries them. */
const fcmApiHost = 'fcm.googleapis.com';

/** Twelve hex digits of SHA-256: enough to follow one device through the log. */
function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string map, or the FCM error it earns. */
function checkStringMap(value: unknown, field: string): FcmErrorResponse | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return buildFcmError('INVALID_ARGUMENT', `Invalid value at '${field}' (type.googleapis.com/google.protobuf.Struct), expected an object.`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') return buildFcmError('INVALID_ARGUMENT', `Invalid value at '${field}[${key}].value' (TYPE_STRING).`);
  }
  return undefined;
}

/** FCM's own checks on a send request, in its order; the first broken rule answers. */
function checkMessage(body: unknown): FcmErrorResponse | undefined {
  const message = isRecord(body) ? body.message : undefined;
  if (!isRecord(message)) return buildFcmError('INVALID_ARGUMENT', "Invalid JSON payload received. Unknown name or missing 'message'.");
  if (message.topic !== undefined || message.condition !== undefined) {
    return buildFcmError('INVALID_ARGUMENT', 'The emulator delivers to registration tokens only, not to topics or conditions.');
  }
  if (typeof message.token !== 'string' || message.token === '') return buildFcmError('INVALID_ARGUMENT', fcmErrorMessages.recipientMissing);
  const mapError = checkStringMap(message.data, 'message.data') ?? checkStringMap(message.notification, 'message.notification');
  if (mapError !== undefined) return mapError;
  const reserved = Object.keys(message.data ?? {}).find((key) => reservedKey.test(key));
  if (reserved !== undefined) return buildFcmError('INVALID_ARGUMENT', `Invalid data payload key: ${reserved}.`);
  if (Buffer.byteLength(JSON.stringify({ data: message.data, notification: message.notification })) > maxPayloadBytes) {
    return buildFcmError('INVALID_ARGUMENT', 'Android message is too big');
  }
  return undefined;
}

function faultResponse(fault: Exclude<Fault, { fault: 'hang' | 'swallow' }>): FcmErrorResponse {
  if (fault.fault === 'unregistered') return buildFcmError('UNREGISTERED', fcmErrorMessages.unregistered);
  return fault.status === 503 ? buildFcmError('UNAVAILABLE', fcmErrorMessages.unavailable) : buildFcmError('INTERNAL', fcmErrorMessages.internal);
}

function parseFault(body: unknown): Fault | undefined {
  if (!isRecord(body)) return undefined;
  if (body.fault === 'unregistered' || body.fault === 'hang' || body.fault === 'swallow') return { fault: body.fault };
  if (body.fault === 'serverError' && (body.status === undefined || body.status === 500 || body.status === 503)) {
    return { fault: 'serverError', status: body.status ?? 500 };
  }
  return undefined;
}

/** The emulator's own refusals (phone and control side): `{error, message}` as in API.md. */
function refuse(res: Response, status: number, error: string, message: string): void {
  res.status(status).json({ error, message });
}

export function createFcmEmulator({ logger, allowedHosts = [] }: FcmEmulatorOptions): FcmEmulator {
  const devices = createDevices();
  const faults = new Map<string, Fault>();
  /** Sends held by a `hang` fault, by token. */
  const hung = new Map<string, Set<Response>>();

  const answer = (res: Response, { status, body }: FcmErrorResponse) => res.status(status).json(body);

  function release(token: string): void {
    for (const res of hung.get(token) ?? []) if (!res.headersSent) answer(res, buildFcmError('INTERNAL', fcmErrorMessages.internal));
    hung.delete(token);
  }

  function hold(token: string, res: Response): void {
    const held = hung.get(token) ?? new Set<Response>();
    hung.set(token, held.add(res));
    res.on('close', () => held.delete(res));
  }

  const app = express();
  app.disable('x-powered-by');
  // firebase-admin, sent here by dispatch/createFirebaseMessaging.ts, still names FCM's own host; a
  // browser never sends that name to this server, so allowing it reopens no DNS-rebinding path.
  app.use(loopbackHostOnly([fcmApiHost, ...allowedHosts]));
  app.use(express.json({ limit: '64kb' }));

  // The simulated phone may run on a browser page of another origin, on this machine only (the
  // demo's page): a loopback origin is echoed, never `*`, so no other site reads a device's messages.
  app.use('/emulator', (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (origin && isLoopbackOrigin(origin)) {
      res.set({ 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-allow-methods': 'GET, POST, PUT, DELETE', 'access-control-allow-headers': 'content-type' });
    }
    if (req.method === 'OPTIONS') res.status(204).end();
    else next();
  });

  app.post('/v1/projects/:project/messages\\:send', (req, res) => {
    if (!/^Bearer \S+$/.test(req.get('authorization') ?? '')) {
      res.status(401).json(unauthenticatedBody);
      return;
    }
    const invalid = checkMessage(req.body);
    if (invalid !== undefined) {
      logger.info({ status: invalid.status }, 'fcm message refused');
      answer(res, invalid);
      return;
    }
    const message = req.body.message as { token: string; data?: Record<string, string>; notification?: DeliveredMessage['notification'] };
    const device = fingerprint(message.token);
    const fault = faults.get(message.token) ?? faults.get(everyToken);
    if (fault?.fault === 'hang') {
      logger.info({ device }, 'fcm message held (hang fault)');
      hold(faults.has(message.token) ? message.token : everyToken, res);
      return;
    }
    if (fault?.fault === 'swallow') {
      logger.info({ device }, 'fcm message accepted and dropped (swallow fault)');
      res.json({ name: `projects/${req.params.project}/messages/${randomUUID()}` });
      return;
    }
    if (fault !== undefined) {
      logger.info({ device, fault: fault.fault }, 'fcm message refused (fault)');
      answer(res, faultResponse(fault));
      return;
    }
    const state = devices.state(message.token);
    if (state !== 'registered') {
      logger.info({ device, state }, 'fcm message to a token without a device');
      answer(res, state === 'unregistered' ? buildFcmError('UNREGISTERED', fcmErrorMessages.unregistered) : buildFcmError('INVALID_ARGUMENT', fcmErrorMessages.tokenInvalid));
      return;
    }
    const name = `projects/${req.params.project}/messages/${randomUUID()}`;
    if (req.body.validate_only === true) {
      res.json({ name: `projects/${req.params.project}/messages/fake_message_id` });
      return;
    }
    devices.deliver(message.token, {
      name,
      data: message.data ?? {},
      ...(message.notification !== undefined && { notification: message.notification }),
      sentAt: new Date().toISOString(),
    });
    logger.info({ name, device, keys: Object.keys(message.data ?? {}) }, 'fcm message delivered');
    res.json({ name });
  });

  app.post('/emulator/devices', (req, res) => {
    const wanted: unknown = isRecord(req.body) ? req.body.token : undefined;
    if (wanted !== undefined && typeof wanted !== 'string') {
      refuse(res, 400, 'tokenInvalid', 'token must be a string.');
      return;
    }
    try {
      const { token, created } = devices.register(wanted);
      logger.info({ device: fingerprint(token), created }, 'device registered');
      res.status(created ? 201 : 200).json({ token });
    } catch (error) {
      refuse(res, 400, 'tokenInvalid', (error as Error).message);
    }
  });

  app.delete('/emulator/devices/:token', (req, res) => {
    if (!devices.unregister(req.params.token)) {
      refuse(res, 404, 'deviceNotFound', 'No device has this registration token.');
      return;
    }
    logger.info({ device: fingerprint(req.params.token) }, 'device unregistered');
    res.status(204).end();
  });

  app.get('/emulator/devices/:token/messages/next', async (req, res) => {
    const { token } = req.params;
    if (devices.state(token) !== 'registered') {
      refuse(res, 404, 'deviceNotFound', 'No device has this registration token.');
      return;
    }
    const waitMs = req.query.waitMs === undefined ? defaultWaitMs : Number(req.query.waitMs);
    if (!Number.isInteger(waitMs) || waitMs < 0 || waitMs > maxWaitMs) {
      refuse(res, 400, 'waitInvalid', `waitMs must be an integer from 0 to ${maxWaitMs}.`);
      return;
    }
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const message = await devices.next(token, waitMs, gone.signal);
    if (res.writableEnded || gone.signal.aborted) return;
    if (message === undefined) res.status(204).end();
    else res.json(message);
  });

  app.put('/emulator/devices/:token/fault', (req, res) => {
    const fault = parseFault(req.body);
    if (fault === undefined) {
      refuse(res, 400, 'faultInvalid', 'fault must be {"fault":"unregistered"}, {"fault":"serverError","status":500|503}, {"fault":"hang"} or {"fault":"swallow"}.');
      return;
    }
    faults.set(req.params.token, fault);
    logger.info({ device: req.params.token === everyToken ? everyToken : fingerprint(req.params.token), fault: fault.fault }, 'fault set');
    res.status(204).end();
  });

  app.delete('/emulator/devices/:token/fault', (req, res) => {
    faults.delete(req.params.token);
    release(req.params.token);
    res.status(204).end();
  });

  app.post('/emulator/reset', (_req, res) => {
    reset();
    res.status(204).end();
  });

  // A body that is not JSON (or too big) gets FCM's answer on the FCM path, ours elsewhere, never express's HTML page.
  app.use((error: { status?: number; type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || (error.type !== 'entity.parse.failed' && error.type !== 'entity.too.large')) {
      next(error);
      return;
    }
    if (req.path.startsWith('/v1/')) answer(res, buildFcmError('INVALID_ARGUMENT', 'Invalid JSON payload received.'));
    else refuse(res, error.status ?? 400, 'bodyInvalid', 'The body is not a JSON document of at most 64 KiB.');
  });

  function reset(): void {
    faults.clear();
    for (const token of [...hung.keys()]) release(token);
    devices.reset();
  }

  return { app, reset };
}
