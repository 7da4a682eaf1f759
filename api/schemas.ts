import { z } from 'zod';
import type { UafStatusCode } from '../contract/errors.js';
import { ApiError } from './apiError.js';

/** `context` and similar members arrive as stringified JSON (UAF HTTP transport) or as objects. */
export const jsonObject = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object or its string form' });
      return z.NEVER;
    }
  }, schema);

const username = z.string().trim().min(1).max(256);
const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be base64url');

/** UAF Transaction: text/plain (or image/png) content as base64url, at most 16 KiB encoded. */
export const transactionSchema = z.strictObject({
  contentType: z.enum(['text/plain', 'image/png']),
  content: base64url.min(1).max(16_384),
  tcDisplayPNGCharacteristics: z.array(z.record(z.string(), z.unknown())).optional(),
});

export const registrationRequestSchema = z.object({
  op: z.literal('Reg'),
  previousRequest: z.string().optional(),
  context: jsonObject(z.object({ username, policy: z.string().max(128).optional() })),
});

export const authenticationRequestSchema = z.object({
  op: z.literal('Auth'),
  previousRequest: z.string().optional(),
  context: jsonObject(
    z.object({ username: username.optional(), transaction: z.array(transactionSchema).min(1).max(4).optional() }),
  ).default({}),
});

export const deregistrationRequestSchema = z.object({
  op: z.literal('Dereg'),
  previousRequest: z.string().optional(),
  context: jsonObject(
    z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('username'), username }),
      z.object({ mode: z.literal('aaid'), username, aaid: z.array(z.string().regex(/^[0-9A-Fa-f]{4}#[0-9A-Fa-f]{4}$/)).min(1) }),
      z.object({ mode: z.literal('keyId'), username, keyId: z.array(base64url.min(1).max(2048)).min(1) }),
    ]),
  ),
});

/** SendUAFResponse: `uafResponse` is the message array as a JSON string. */
export const sendUafResponseSchema = z.object({
  uafResponse: z.string().min(2),
  context: jsonObject(z.object({ asmStatusCode: z.number().int().min(0).max(255).optional() })).optional(),
});

export const statusRequestSchema = z.object({ sessionId: z.string().min(1).max(128) });

/** Parses a body, or throws a 400 naming the first failing member. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown, uafStatusCode?: UafStatusCode): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') || 'body';
  throw new ApiError('invalidRequest', `${path}: ${issue?.message ?? 'is invalid'}.`, uafStatusCode);
}

const operationOps = { registration: 'Reg', authentication: 'Auth', deregistration: 'Dereg' } as const;

/** `getUafRequest` of a dispatch token request: the same shapes as the in-band request endpoints. */
export const getUafRequestSchemas = {
  registration: registrationRequestSchema,
  authentication: authenticationRequestSchema,
  deregistration: deregistrationRequestSchema,
} as const;

const dispatchInformationSchema = jsonObject(
  z.object({
    notification: z.object({ title: z.string().max(256).optional(), body: z.string().max(1024).optional() }).optional(),
    data: z.unknown().optional(),
  }),
);

/** DispatchTokenRequest (API.md endpoint 12) with our extensions. */
export const dispatchTokenRequestSchema = z
  .object({
    dispatcher: z.string().min(1).max(64).optional(),
    dispatchTargetId: z.string().min(1).max(128).optional(),
    dispatchInformation: dispatchInformationSchema.optional(),
    getUafRequest: z.object({ op: z.enum(['Reg', 'Auth', 'Dereg']) }).passthrough(),
    channelLinking: z.object({ mode: z.enum(['visual-string', 'number-match']) }).optional(),
    fallbackFor: z.string().min(1).max(128).optional(),
    sessionPolicy: z.enum(['latest-only', 'any']).default('latest-only'),
    timeoutSeconds: z.number().int().min(10).max(900).default(300),
  })
  .refine((body) => body.dispatcher || body.dispatchTargetId, { message: 'name a dispatcher or a dispatchTargetId', path: ['dispatcher'] });

export { operationOps };

/** Redeem request (API.md endpoint 13). */
export const redeemRequestSchema = z.object({
  token: z.string().min(16).max(128),
  deny: z.boolean().optional(),
  channelLinkingAnswer: z.string().max(16).optional(),
});
