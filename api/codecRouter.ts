import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { ApiError } from './apiError.js';
import { resource } from './contentNegotiation.js';
import { parseBody } from './schemas.js';

/** Temporal's codec-server wire form: `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }`. */
const payloadsSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), z.string()).default({}), data: z.string().default('') }))
    .max(1_000),
});
type WirePayloads = z.output<typeof payloadsSchema>;

const fromWire = ({ payloads }: WirePayloads): Payload[] =>
  payloads.map(({ metadata, data }) => ({
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(data, 'base64'),
  }));

const toWire = (payloads: Payload[]): WirePayloads => ({
  payloads: payloads.map(({ metadata, data }) => ({
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
    data: Buffer.from(data ?? []).toString('base64'),
  })),
});

export interface CodecRouterOptions {
  codec: PayloadCodec;
  /** Who may read decoded payloads (the API: a relying-party key); none on a loopback-only server. */
  authorize?: RequestHandler;
  /** Origins of the Temporal UI allowed to call from a browser. */
  allowedOrigins: readonly string[];
}

/**
 * The codec endpoint (`POST /codec/encode`, `POST /codec/decode`) through which the Temporal UI
 * and CLI show the encrypted payloads of a history to an authorised operator.
 */
export function createCodecRouter({ codec, authorize, allowedOrigins }: CodecRouterOptions): Router {
  const router = Router();
  // CORS for the Temporal UI, which calls from the operator's browser.
  router.use('/codec', (req, res, next) => {
    const origin = req.get('origin');
    if (origin && allowedOrigins.includes(origin)) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'authorization, content-type, x-namespace',
        'Access-Control-Allow-Credentials': 'true',
        Vary: 'Origin',
      });
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });
  for (const action of ['encode', 'decode'] as const) {
    resource(router, `/codec/${action}`, {
      post: [
        ...(authorize ? [authorize] : []),
        express.json({ limit: '4mb' }),
        async (req, res) => {
          const payloads = fromWire(parseBody(payloadsSchema, req.body));
          try {
            res.json(toWire(await codec[action](payloads)));
          } catch (error) {
            throw new ApiError('invalidRequest', `The payloads cannot be ${action}d with this server's keys.`, undefined, { cause: error });
          }
        },
      ],
    });
  }
  return router;
}
