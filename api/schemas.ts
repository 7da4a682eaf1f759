import { z } from 'zod';
import type { UafStatusCode } from '../contract/errors.js';
import { maxTransactionTextLength } from '../uaf/request/buildTransaction.js';
import { ApiError } from './apiError.js';
import { base64Content } from './base64Content.js';
import { dispatchDataSchema } from './dispatchData.js';

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

// UAF Protocol §3.4.1: a RegistrationRequest's username has at most 128 characters (uaf/request/
// buildRegistrationRequest.ts checks it; a longer one reached the activity and came back as a 500).
const username = z.string().trim().min(1).max(128);

/** UAF Transaction limits (UAF Protocol §3.5.1; conformance Auth-Req-2): what an authenticator shows. */
export const transactionLimits = {
  /** Longest text/plain content, in characters of the decoded UTF-8 text. */
  textCharacters: maxTransactionTextLength,
  /** Largest image/png content, in decoded bytes (the 64 KiB request body is the tighter bound). */
  imageBytes: 65_536,
  /** At most one entry per content type: the text and the image of the same transaction. */
  entries: 2,
} as const;

const pngSignature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const uint32 = z.number().int().min(0).max(0xffff_ffff);
/** Metadata Statements §3.7 DisplayPNGCharacteristicsDescriptor. */
const displayPngCharacteristics = z.strictObject({
  width: uint32,
  height: uint32,
  bitDepth: z.number().int().min(0).max(255),
  colorType: z.number().int().min(0).max(255),
  compression: z.number().int().min(0).max(255),
  filter: z.number().int().min(0).max(255),
  interlace: z.number().int().min(0).max(255),
  plte: z.array(z.strictObject({ r: z.number().int().min(0).max(255), g: z.number().int().min(0).max(255), b: z.number().int().min(0).max(255) })).max(256).optional(),
});

/** Why a transaction's decoded content breaks the UAF limits, or undefined. */
function transactionContentProblem(contentType: 'text/plain' | 'image/png', content: string): string | undefined {
  const bytes = Buffer.from(content, 'base64url');
  if (contentType === 'image/png') {
    if (bytes.length > transactionLimits.imageBytes) return `an image/png transaction has at most ${transactionLimits.imageBytes} bytes (has ${bytes.length})`;
    return pngSignature.every((byte, i) => bytes[i] === byte) ? undefined : 'an image/png transaction must be a PNG';
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'a text/plain transaction must be base64 of UTF-8 text';
  }
  const characters = [...text].length;
  return characters > transactionLimits.textCharacters ? `a text/plain transaction has at most ${transactionLimits.textCharacters} characters (has ${characters})` : undefined;
}

/** UAF Transaction: content as base64 or base64url (normalised to base64url) within the UAF limits, the PNG characteristics with an image. */
export const transactionSchema = z
  .strictObject({
    contentType: z.enum(['text/plain', 'image/png']),
    // The longest padded base64 of the largest image: a cheap bound before decoding.
    content: z.string().min(1).max(Math.ceil(transactionLimits.imageBytes / 3) * 4).pipe(base64Content),
    tcDisplayPNGCharacteristics: displayPngCharacteristics.optional(),
  })
  .superRefine((transaction, ctx) => {
    const problem = transactionContentProblem(transaction.contentType, transaction.content);
    if (problem) ctx.addIssue({ code: 'custom', path: ['content'], message: problem });
    if (transaction.contentType === 'text/plain' && transaction.tcDisplayPNGCharacteristics !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tcDisplayPNGCharacteristics'], message: 'belongs to an image/png transaction only' });
    }
  });

const transactionsSchema = z
  .array(transactionSchema)
  .min(1)
  .max(transactionLimits.entries)
  .refine((entries) => new Set(entries.map((entry) => entry.contentType)).size === entries.length, 'has at most one entry per contentType');

export const registrationRequestSchema = z.object({
  op: z.literal('Reg'),
  previousRequest: z.string().optional(),
  context: jsonObject(z.object({ username, policy: z.string().max(128).optional() })),
});

export const authenticationRequestSchema = z.object({
  op: z.literal('Auth'),
  previousRequest: z.string().optional(),
  context: jsonObject(
    z.object({ username: username.optional(), transaction: transactionsSchema.optional() }),
  ).default({}),
});

export const deregistrationRequestSchema = z.object({
  op: z.literal('Dereg'),
  previousRequest: z.string().optional(),
  context: jsonObject(
    z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('username'), username }),
      z.object({ mode: z.literal('aaid'), username, aaid: z.array(z.string().regex(/^[0-9A-Fa-f]{4}#[0-9A-Fa-f]{4}$/)).min(1) }),
      z.object({ mode: z.literal('keyId'), username, keyId: z.array(z.string().min(1).max(2048).pipe(base64Content)).min(1) }),
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
    data: dispatchDataSchema.optional(),
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
