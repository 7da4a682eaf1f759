import { createHash, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { ApiError } from './apiError.js';
import { bearerTokenOf } from './bearerToken.js';
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

export type CodecAction = 'encode' | 'decode';

/** One line per call: who (a fingerprint of the operator key), what, how many; never a payload. */
export interface CodecAuditEvent {
  action: CodecAction;
  operator: string | undefined;
  payloads: number;
  outcome: 'decoded' | 'encoded' | 'refused' | 'unauthorized';
}

export interface CodecRouterOptions {
  codec: PayloadCodec;
  /** The API offers `decode` only: minting ciphertexts would let a caller forge workflow input. */
  actions: readonly CodecAction[];
  /** Operator keys (CODEC_API_KEYS); absent only on the loopback-only development codec server. */
  operatorKeys?: readonly string[];
  /** Origins of the Temporal UI allowed to call from a browser (CODEC_CORS_ORIGINS). */
  allowedOrigins: readonly string[];
  audit?: (event: CodecAuditEvent) => void;
}

const digest = (value: string) => createHash('sha256').update(value).digest();
const fingerprint = (key: string) => digest(`outband-operator:${key}`).toString('hex').slice(0, 12);

/** `Authorization: Bearer <operator key>`, else 401; a relying-party key is not an operator key. */
function requireOperator(keys: readonly string[], audit: CodecRouterOptions['audit']): RequestHandler {
  const known = keys.map(digest);
  return (req, res, next) => {
    const presented = bearerTokenOf(req);
    const candidate = presented ? digest(presented) : undefined;
    if (!candidate || !known.some((key) => timingSafeEqual(key, candidate))) {
      audit?.({ action: req.path.endsWith('encode') ? 'encode' : 'decode', operator: undefined, payloads: 0, outcome: 'unauthorized' });
      res.set('WWW-Authenticate', 'Bearer');
      next(new ApiError('unauthorized', 'This endpoint needs an operator key (CODEC_API_KEYS): Authorization: Bearer <key>.'));
      return;
    }
    res.locals.operator = fingerprint(presented!);
    next();
  };
}

/**
 * The codec endpoint (`POST /codec/decode`, and `/codec/encode` on the development codec server)
 * through which the Temporal UI and CLI show the encrypted payloads of a history to an operator.
 */
export function createCodecRouter({ codec, actions, operatorKeys, allowedOrigins, audit }: CodecRouterOptions): Router {
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
  for (const action of actions) {
    resource(router, `/codec/${action}`, {
      post: [
        ...(operatorKeys ? [requireOperator(operatorKeys, audit)] : []),
        express.json({ limit: '4mb' }),
        async (req, res) => {
          const payloads = fromWire(parseBody(payloadsSchema, req.body));
          const record = (outcome: CodecAuditEvent['outcome']) =>
            audit?.({ action, operator: res.locals.operator as string | undefined, payloads: payloads.length, outcome });
          try {
            const result = toWire(await codec[action](payloads));
            record(action === 'decode' ? 'decoded' : 'encoded');
            res.json(result);
          } catch (error) {
            record('refused');
            throw new ApiError('invalidRequest', `The payloads cannot be ${action}d with this server's keys.`, undefined, { cause: error });
          }
        },
      ],
    });
  }
  return router;
}
