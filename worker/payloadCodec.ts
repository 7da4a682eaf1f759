import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// CommonJS package: a default import works both under Node's ESM loader and in bundlers.
import proto from '@temporalio/proto';

const { Payload: PayloadProto } = proto.temporal.api.common.v1;
const encoding = 'binary/encrypted';
const ivLength = 12;
const tagLength = 16;

const utf8 = new TextEncoder();

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
      if (new TextDecoder().decode(payload.metadata?.encoding) !== encoding) return payload;
      const keyId = new TextDecoder().decode(payload.metadata?.['encryption-key-id']);
      const key = this.keys.get(keyId);
      if (!key) throw new Error(`no payload codec key with id ${keyId}`);
      const data = payload.data ?? new Uint8Array(0);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, ivLength));
      decipher.setAuthTag(data.subarray(data.length - tagLength));
      const clear = Buffer.concat([decipher.update(data.subarray(ivLength, data.length - tagLength)), decipher.final()]);
      return PayloadProto.decode(clear);
    });
  }
}

function keyIdOf(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}
