import { createHash, randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { Logger } from 'pino';

/** One message as FCM HTTP v1 receives it (`POST /v1/projects/{project}/messages:send`). */
export interface ReceivedMessage {
  name: string;
  project: string;
  token: string;
  data: Record<string, string>;
  notification?: { title?: string; body?: string };
  receivedAt: number;
}

export interface FcmEmulator {
  app: Express;
  /** Messages received so far, oldest first. */
  messages: ReceivedMessage[];
}

/**
 * A stand-in for the FCM HTTP v1 send API on loopback, for development, tests and demos: it
 * accepts data messages the way FCM does and keeps them. Delivery to simulated phones and
 * provider errors come with the out-of-band work.
 */
export function createFcmEmulator({ logger }: { logger: Logger }): FcmEmulator {
  const messages: ReceivedMessage[] = [];
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  app.post('/v1/projects/:project/messages\\:send', (req, res) => {
    const message = req.body?.message;
    if (typeof message?.token !== 'string' || message.token === '') {
      // The shape FCM answers for a request without a target.
      res.status(400).json({ error: { code: 400, message: 'Recipient of the message is not set.', status: 'INVALID_ARGUMENT' } });
      return;
    }
    const project = req.params.project;
    const name = `projects/${project}/messages/${randomUUID()}`;
    messages.push({
      name,
      project,
      token: message.token,
      data: message.data ?? {},
      notification: message.notification,
      receivedAt: Date.now(),
    });
    // The registration token identifies a device: log a fingerprint of it, not the token.
    const device = createHash('sha256').update(message.token).digest('hex').slice(0, 12);
    logger.info({ name, device, keys: Object.keys(message.data ?? {}) }, 'fcm message accepted');
    res.json({ name });
  });

  return { app, messages };
}
