import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { NmaData } from '../../../dispatch/dispatcher.js';
import { createPhoneKeys } from '../../../device/oob/createPhoneKeys.js';

// One table of inputs and keys for the dispatch tests; each test changes one thing.

export const nmaData: NmaData = {
  token: 'c1f0e3d2-5b8a-4f7e-9a61-0d2b7e4c9f13',
  redeem_url: 'http://localhost:3000/nevisfido/token/redeem/authentication',
  channel_linking: ['17', '42', '86'],
};

export const linkBaseUrl = 'https://app.example.com/open';

export const notification = { title: 'Login request', body: 'Confirm your login on example.com' };

/** The simulated phone's keys (EC P-256, ECDH-ES+A256KW). */
export const phoneKeys = await createPhoneKeys();

/** An RSA encryption key pair, as another phone may register. */
export async function rsaKeyPair(): Promise<{ publicJwk: JWK; privateKey: CryptoKey }> {
  const { publicKey, privateKey } = await generateKeyPair('RSA-OAEP-256', { modulusLength: 2048 });
  return { publicJwk: await exportJWK(publicKey), privateKey };
}
