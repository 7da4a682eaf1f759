import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// CommonJS package: a default import works both under Node's ESM loader and in bundlers.
import proto from '@temporalio/proto';
import { refusedPayloadMarker, type RefusedPayload } from './refusedPayload.js';

const { Payload: PayloadProto } = proto.temporal.api.common.v1;
const encoding = 'binary/encrypted';
const ivLength = 12;
const tagLength = 16;

const utf8 = new TextEncoder();

/**
 * What `decode` does with a payload that is not ours (not `binary/encrypted`, unknown key id,
 * failed authentication): `throw` (the API's client: a result it cannot trust is an error),
 * `refuse` (the worker: the payload becomes {@link RefusedPayload}, which the workflow
 * interceptor in worker/refusePlainPayloads.ts turns into a non-retryable failure, so the
 * workflow ends instead of a workflow task failing and retrying forever), `passThrough` (only the
 * development codec server, so the UI can still show an unencrypted payload; a payload that fails
 * to decrypt is still an error).
 */
export type UndecodablePolicy = 'throw' | 'refuse' | 'passThrough';

export class UndecodablePayloadError extends Error {
  override name = 'UndecodablePayloadError';
}

const refusedPayload = (reason: RefusedPayload['outbandRefusedPayload']): Payload => ({
  metadata: { encoding: utf8.encode('json/plain') },
  data: utf8.encode(JSON.stringify({ [refusedPayloadMarker]: reason } satisfies RefusedPayload)),
});

/**
 * AES-256-GCM over every payload (workflow inputs, results, update arguments, activity data), so
 * a history read in the Temporal UI shows no user name, challenge or token in clear. The key id
 * (a fingerprint, not the key) in each payload's metadata lets a rotated key still decode old
 * histories when the old key is kept in `decryptionKeys`.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keyId: string;
  private readonly keys: Map<string, Uint8Array>;

  constructor(
    private readonly key: Uint8Array,
    decryptionKeys: Uint8Array[] = [],
    private readonly undecodable: UndecodablePolicy = 'throw',
  ) {
    if (key.length !== 32) throw new Error('the payload codec key must be 32 bytes');
    this.keyId = keyIdOf(key);
    this.keys = new Map([key, ...decryptionKeys].map((k) => [keyIdOf(k), k]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(ivLength);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const clear = PayloadProto.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(clear), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8.encode(encoding), 'encryption-key-id': utf8.encode(this.keyId) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (new TextDecoder().decode(payload.metadata?.encoding) !== encoding) {
        return this.undecodablePayload(payload, 'unencrypted', new UndecodablePayloadError('the payload is not encrypted'));
      }
      try {
        return this.decrypt(payload);
      } catch (error) {
        return this.undecodablePayload(payload, 'undecryptable', new UndecodablePayloadError('the payload cannot be decrypted with these keys', { cause: error }));
      }
    });
  }

  private decrypt(payload: Payload): Payload {
    const keyId = new TextDecoder().decode(payload.metadata?.['encryption-key-id']);
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no payload codec key with id ${keyId}`);
    const data = payload.data ?? new Uint8Array(0);
    if (data.length < ivLength + tagLength) throw new Error('the encrypted payload is too short');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, ivLength));
    decipher.setAuthTag(data.subarray(data.length - tagLength));
    const clear = Buffer.concat([decipher.update(data.subarray(ivLength, data.length - tagLength)), decipher.final()]);
    return PayloadProto.decode(clear);
  }

  private undecodablePayload(payload: Payload, reason: RefusedPayload['outbandRefusedPayload'], error: UndecodablePayloadError): Payload {
    // Plain payloads only: an encrypted one that does not decrypt is an error even for the UI.
    if (this.undecodable === 'passThrough' && reason === 'unencrypted') return payload;
    if (this.undecodable === 'refuse') return refusedPayload(reason);
    throw error;
  }
}

function keyIdOf(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}
