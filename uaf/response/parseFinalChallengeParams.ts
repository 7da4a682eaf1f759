import { FinalChallengeRejected } from '../errors.js';
import * as base64 from '../encoding/base64.js';
import * as base64url from '../encoding/base64url.js';
import * as utf8 from '../encoding/utf8.js';
import type { ChannelBinding, FinalChallengeParams } from '../protocolTypes.js';
import { parseJson } from './parseJson.js';
import { channelBindingSchema, finalChallengeParamsSchema } from './messageSchemas.js';
import { messageErrorFromZod } from './messageErrorFromZod.js';

/**
 * How `fcParams` may be encoded: `base64url` (the spec, and the conformance tool rejects padding:
 * Reg-Resp-2 F-4) or `lenient` (either alphabet, padding allowed: some deployed clients, such as
 * the one behind eBay's DAB8#8011 vector).
 */
export type FcParamsEncoding = 'base64url' | 'lenient';

/** Decodes `fcParams` into FinalChallengeParams (UAF Protocol §3.2.2) and checks its shape. */
export function parseFinalChallengeParams(fcParams: string, encoding: FcParamsEncoding = 'base64url'): FinalChallengeParams {
  const bytes = encoding === 'lenient' ? base64.decodeLenient(fcParams, 'fcParams') : base64url.decode(fcParams, 'fcParams');
  const json = parseJson(utf8.decode(bytes, 'fcParams'), 'fcParams');
  const parsed = finalChallengeParamsSchema.safeParse(json);
  if (!parsed.success) throw messageErrorFromZod(parsed.error, json, 'fcParams');
  const { appID, challenge, facetID } = parsed.data;
  return { appID, challenge, facetID, channelBinding: parseChannelBinding(parsed.data.channelBinding) };
}

// channelBinding must be an object; `{}` is valid, `null`, `""` and a missing member are not (Reg-Resp-4 F-8).
function parseChannelBinding(value: unknown): ChannelBinding {
  const parsed = channelBindingSchema.safeParse(value);
  if (!parsed.success) {
    throw new FinalChallengeRejected('channelBindingInvalid', 'fcParams.channelBinding is not a ChannelBinding object.', {
      field: 'fcParams.channelBinding',
      seen: value === null ? 'null' : typeof value,
      expected: 'object',
    });
  }
  return parsed.data;
}

