import { MessageMalformed } from '../errors.js';
import * as base64url from '../encoding/base64url.js';
import type { Extension, FinalChallengeParams, OperationHeader, Version } from '../protocolTypes.js';
import { assertionSchemeUafV1Tlv, uafProtocolVersion } from '../registry.js';
import { parseJson } from './parseJson.js';
import { parseFinalChallengeParams, type FcParamsEncoding } from './parseFinalChallengeParams.js';
import { responseSchema } from './messageSchemas.js';
import { messageErrorFromZod } from './messageErrorFromZod.js';

export interface ParseResponseOptions {
  /** See `FcParamsEncoding`; defaults to strict `base64url`. */
  fcParamsEncoding?: FcParamsEncoding;
}

/** A response whose JSON shape, header and assertions have been decoded, not yet verified. */
export interface ParsedUafResponse<A, Op extends 'Reg' | 'Auth'> {
  header: OperationHeader & { op: Op };
  /** fcParams exactly as received: FCHash is computed over this string (UAF Protocol §3.4.6.5). */
  fcParams: string;
  finalChallengeParams: FinalChallengeParams;
  assertions: A[];
}

/**
 * The shared core of `parseRegistrationResponse` and `parseAuthenticationResponse`:
 * the body may be the message array or its JSON text (SendUAFResponse.uafResponse).
 */
export function parseUafResponse<A, Op extends 'Reg' | 'Auth'>(
  body: unknown,
  op: Op,
  parseAssertion: (bytes: Uint8Array) => A,
  options: ParseResponseOptions = {},
): ParsedUafResponse<A, Op> {
  const element = selectVersionElement(typeof body === 'string' ? parseJson(body, 'uafResponse') : body);
  const parsed = responseSchema.safeParse(element);
  if (!parsed.success) throw messageErrorFromZod(parsed.error, element, '');
  const { header, fcParams, assertions } = parsed.data;
  checkVersion(header.upv);
  checkOperation(header.op, op);
  checkExtensions(header.exts, 'header.exts');
  const finalChallengeParams = parseFinalChallengeParams(fcParams, options.fcParamsEncoding);
  return {
    header: header as OperationHeader & { op: Op },
    fcParams,
    finalChallengeParams,
    assertions: assertions.map((entry, index) => {
      const field = `assertions[${index}]`;
      checkAssertionScheme(entry.assertionScheme, field);
      checkExtensions(entry.exts, `${field}.exts`);
      return parseAssertion(base64url.decode(entry.assertion, `${field}.assertion`));
    }),
  };
}

// A UAF message is an array with one element per protocol version; pick the 1.1 one (UAF Protocol §3).
function selectVersionElement(body: unknown): unknown {
  if (!Array.isArray(body)) {
    throw new MessageMalformed(body === undefined ? 'missingField' : 'invalidField', 'The UAF message is not an array.', {
      field: '',
      seen: body === null ? 'null' : typeof body,
      expected: 'array',
    });
  }
  if (body.length === 0) {
    throw new MessageMalformed('missingField', 'The UAF message array is empty.', { field: '[0]' });
  }
  const matching = body.find((element: unknown) => isVersion11((element as { header?: { upv?: unknown } })?.header?.upv));
  // Without a 1.1 element, the first one is checked so its own defect (or its version) is reported.
  return matching ?? body[0];
}

function isVersion11(upv: unknown): boolean {
  const version = upv as Partial<Version> | undefined;
  return version?.major === uafProtocolVersion.major && version.minor === uafProtocolVersion.minor;
}

// The server speaks UAF 1.1 only; any other upv is refused (conformance Reg-Resp-3 F-7 sends 1.7).
function checkVersion(upv: Version): void {
  if (!isVersion11(upv)) {
    throw new MessageMalformed('unsupportedVersion', 'No message element has protocol version 1.1.', {
      field: 'header.upv',
      seen: `${upv.major}.${upv.minor}`,
      expected: '1.1',
    });
  }
}

// header.op names the operation, case-sensitively (UAF Protocol §3.1.2; Reg-Resp-3 sends "REG").
function checkOperation(seen: string, expected: 'Reg' | 'Auth'): void {
  if (seen !== expected) {
    throw new MessageMalformed('operationMismatch', 'header.op is not the operation this endpoint handles.', {
      field: 'header.op',
      seen,
      expected,
    });
  }
}

// An extension with fail_if_unknown must be understood; this server knows none on responses (UAF Protocol §3.2).
function checkExtensions(exts: readonly Extension[] | undefined, field: string): void {
  const critical = exts?.find((ext) => ext.fail_if_unknown);
  if (critical !== undefined) {
    throw new MessageMalformed('unknownCriticalExtension', 'A critical extension is not understood.', {
      field,
      seen: critical.id,
    });
  }
}

// UAF 1.1 defines one assertion scheme, "UAFV1TLV" (UAF Protocol §3.4.4).
function checkAssertionScheme(seen: string, field: string): void {
  if (seen !== assertionSchemeUafV1Tlv) {
    throw new MessageMalformed('unsupportedAssertionScheme', 'The assertion scheme is not UAFV1TLV.', {
      field: `${field}.assertionScheme`,
      seen,
      expected: assertionSchemeUafV1Tlv,
    });
  }
}
