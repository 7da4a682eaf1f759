import { z } from 'zod';

/**
 * zod schemas of the JSON dictionaries a server receives (UAF Protocol §3). Objects are strict:
 * unknown members are refused, as the conformance tool's Reg-Resp-2/3/5 negatives expect.
 */
const base64urlText = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url');

export const versionSchema = z.strictObject({ major: z.number().int(), minor: z.number().int() });

// Protocol §3.2 Extension.
export const extensionSchema = z.strictObject({
  id: z.string().min(1).max(32),
  data: base64urlText,
  fail_if_unknown: z.boolean(),
});

// Protocol §3.1.3 OperationHeader; `op` is checked by name afterwards so "REG" gets its own code.
export const operationHeaderSchema = z.strictObject({
  upv: versionSchema,
  op: z.string(),
  appID: z.string().max(512).optional(),
  serverData: z.string().min(1).max(1536).optional(),
  exts: z.array(extensionSchema).optional(),
});

// Metadata Statements §3.7 DisplayPNGCharacteristicsDescriptor.
export const displayPngCharacteristicsSchema = z.strictObject({
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  bitDepth: z.number().int().nonnegative(),
  colorType: z.number().int().nonnegative(),
  compression: z.number().int().nonnegative(),
  filter: z.number().int().nonnegative(),
  interlace: z.number().int().nonnegative(),
  plte: z.array(z.strictObject({ r: z.number().int(), g: z.number().int(), b: z.number().int() })).optional(),
});

// Protocol §3.4.4 AuthenticatorRegistrationAssertion / §3.5.4 AuthenticatorSignAssertion.
const assertionSchema = z.strictObject({
  assertionScheme: z.string().min(1),
  assertion: z.string().min(1),
  tcDisplayPNGCharacteristics: z.array(displayPngCharacteristicsSchema).optional(),
  exts: z.array(extensionSchema).optional(),
});

/** At most this many assertions per response; a phone sends one per authenticator used. */
export const maxAssertions = 16;

// Protocol §3.4.5 RegistrationResponse / §3.5.5 AuthenticationResponse share one shape.
export const responseSchema = z.strictObject({
  header: operationHeaderSchema,
  fcParams: z.string().min(1),
  assertions: z.array(assertionSchema).min(1).max(maxAssertions),
});

// Protocol §3.2.2 FinalChallengeParams; channelBinding is checked on its own (Reg-Resp-4 F-8).
export const finalChallengeParamsSchema = z.strictObject({
  appID: z.string().min(1).max(512),
  challenge: z.string().min(1).max(128),
  facetID: z.string().min(1).max(512),
  channelBinding: z.unknown(),
});

// Protocol §3.2.3 ChannelBinding: every member optional, all strings.
export const channelBindingSchema = z.strictObject({
  serverEndPoint: z.string().optional(),
  tlsServerCertificate: z.string().optional(),
  tlsUnique: z.string().optional(),
  cid_pubkey: z.string().optional(),
});
