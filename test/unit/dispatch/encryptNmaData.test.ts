import { decodeProtectedHeader, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeNmaPayload } from '../../../device/oob/decodeNmaPayload.js';
import { encryptNmaData, jweAlgorithmsFor } from '../../../dispatch/encryptNmaData.js';
import { nmaData, phoneKeys, rsaKeyPair } from './dispatchFixtures.js';

const asJose = (jwe: string) => ({ nma_data: jwe, nma_data_content_type: 'application/jose', nma_data_version: '1' });

describe('encryptNmaData', () => {
  it('encrypts to an EC key with ECDH-ES+A256KW / A256GCM, and the phone decrypts the exact nma_data', async () => {
    const jwe = await encryptNmaData(nmaData, phoneKeys.encryption.publicJwk);
    expect(jwe.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(jwe)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
    expect(await decodeNmaPayload(asJose(jwe), { decryptionKey: phoneKeys.encryption.privateKey })).toEqual(nmaData);
  });

  it('encrypts to an RSA key with RSA-OAEP-256 / A256GCM, and names the key by its kid', async () => {
    const { publicJwk, privateKey } = await rsaKeyPair();
    const jwe = await encryptNmaData(nmaData, { ...publicJwk, kid: 'phone-rsa-1' });
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'phone-rsa-1' });
    expect(await decodeNmaPayload(asJose(jwe), { decryptionKey: privateKey })).toEqual(nmaData);
  });

  it('picks the algorithms from the key type alone', () => {
    expect(jweAlgorithmsFor({ kty: 'EC' })).toEqual({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
    expect(jweAlgorithmsFor({ kty: 'RSA' })).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM' });
    expect(jweAlgorithmsFor({ kty: 'OKP', crv: 'X25519' })).toEqual({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
  });

  const publicJwk = phoneKeys.encryption.publicJwk;
  it.each([
    // Ed25519 signs; only X25519 of the OKP curves encrypts.
    { rule: 'an EC, RSA or X25519 key type', key: { kty: 'OKP', crv: 'Ed25519', x: 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo' } },
    { rule: 'a public key only', key: { ...phoneKeys.encryption.privateJwk } },
    { rule: 'use enc', key: { ...publicJwk, use: 'sig' } },
    { rule: 'the alg it is used with', key: { ...publicJwk, alg: 'ES256' } },
    { rule: 'importable coordinates', key: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' } },
  ] as { rule: string; key: JWK }[])('refuses a key that breaks $rule', async ({ key }) => {
    await expect(encryptNmaData(nmaData, key)).rejects.toMatchObject({ name: 'DispatchFailed', code: 'encryptionKeyInvalid' });
  });
});
