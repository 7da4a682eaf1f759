import { CompactEncrypt, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { createPhoneKeys } from '../../../../device/oob/createPhoneKeys.js';
import { decodeNmaPayload, type DispatchPayload } from '../../../../device/oob/decodeNmaPayload.js';
import * as utf8 from '../../../../uaf/encoding/utf8.js';

const nmaData = {
  token: 'tok-9b8e77',
  redeem_url: 'http://localhost:3000/nevisfido/token/redeem/authentication',
  channel_linking: ['17', '42', '86'],
};

/** Encrypts as the server does for a target with an EC encryptionKey (DESIGN.md §6). */
async function encryptToPhone(publicJwk: Parameters<typeof importJWK>[0], plaintext: unknown): Promise<string> {
  return new CompactEncrypt(utf8.encode(JSON.stringify(plaintext)))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' })
    .encrypt(await importJWK(publicJwk, 'ECDH-ES+A256KW'));
}

const clear = (data: DispatchPayload['nma_data']): DispatchPayload => ({
  nma_data: data,
  nma_data_content_type: 'application/json',
  nma_data_version: '1',
});

describe('createPhoneKeys', () => {
  it('exports public JWKs without the private member, tagged for their use', async () => {
    const { encryption, signature } = await createPhoneKeys();
    expect(encryption.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ECDH-ES+A256KW', use: 'enc' });
    expect(signature.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(encryption.publicJwk).not.toHaveProperty('d');
    expect(signature.publicJwk).not.toHaveProperty('d');
  });

  it('rebuilds the same phone from its private JWKs', async () => {
    const first = await createPhoneKeys();
    const again = await createPhoneKeys({ encryption: first.encryption.privateJwk, signature: first.signature.privateJwk });
    expect(again.encryption.publicJwk).toEqual(first.encryption.publicJwk);
    expect(again.signature.publicJwk).toEqual(first.signature.publicJwk);
  });
});

describe('decodeNmaPayload', () => {
  it('reads clear nma_data given as an object', async () => {
    expect(await decodeNmaPayload(clear(nmaData))).toEqual(nmaData);
  });

  it('reads clear nma_data given as JSON text (an FCM data map holds strings only)', async () => {
    expect(await decodeNmaPayload(clear(JSON.stringify(nmaData)))).toEqual(nmaData);
  });

  it('decrypts a compact JWE made to the phone public key with its own private key', async () => {
    const { encryption } = await createPhoneKeys();
    const payload: DispatchPayload = {
      nma_data: await encryptToPhone(encryption.publicJwk, nmaData),
      nma_data_content_type: 'application/jose',
      nma_data_version: '1',
    };
    expect(await decodeNmaPayload(payload, { decryptionKey: encryption.privateKey })).toEqual(nmaData);
  });

  it('cannot decrypt a JWE made to another phone', async () => {
    const [phone, other] = [await createPhoneKeys(), await createPhoneKeys()];
    const payload: DispatchPayload = {
      nma_data: await encryptToPhone(other.encryption.publicJwk, nmaData),
      nma_data_content_type: 'application/jose',
      nma_data_version: '1',
    };
    await expect(decodeNmaPayload(payload, { decryptionKey: phone.encryption.privateKey })).rejects.toMatchObject({
      name: 'OutOfBandInputInvalid',
      code: 'decryptionFailed',
    });
  });

  it.each([
    { rule: 'a token', payload: clear({ redeem_url: nmaData.redeem_url }), code: 'payloadInvalid' },
    { rule: 'a redeem_url', payload: clear({ token: nmaData.token }), code: 'payloadInvalid' },
    { rule: 'JSON nma_data', payload: clear('{not json'), code: 'payloadInvalid' },
    { rule: 'a known content type', payload: { ...clear(nmaData), nma_data_content_type: 'text/plain' }, code: 'payloadInvalid' },
    { rule: 'a key for a JWE', payload: { ...clear('a.b.c.d.e'), nma_data_content_type: 'application/jose' }, code: 'decryptionFailed' },
  ])('requires $rule', async ({ payload, code }) => {
    await expect(decodeNmaPayload(payload)).rejects.toMatchObject({ name: 'OutOfBandInputInvalid', code });
  });
});
