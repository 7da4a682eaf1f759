import { describe, expect, it } from 'vitest';
import type { Misbehaviour } from '../../../../device/authenticator/createAuthenticator.js';
import { generateSigningKey } from '../../../../device/crypto/signingKey.js';
import * as base64url from '../../../../uaf/encoding/base64url.js';
import { authenticationRound, createPhone, now, registerPhone, registrationRound, type Phone } from '../relyingParty.js';

// Each misbehaviour option yields exactly the refusal the server must give.

async function registeredPhone(aaid: string): Promise<{ phone: Phone; credential: Awaited<ReturnType<typeof registerPhone>> }> {
  const phone = createPhone(aaid);
  return { phone, credential: await registerPhone(phone, 'alice') };
}

describe('misbehaviour at registration', () => {
  it.each<{ case: string; aaid: string; misbehaviour: Misbehaviour; code: string; statusCode: number }>([
    { case: 'an unknown AAID', aaid: '4F42#0001', misbehaviour: { wrongAaid: '4F42#0FFF' }, code: 'unknownAaid', statusCode: 1480 },
    {
      case: 'a DER attestation signature for a raw algorithm (Basic Full)',
      aaid: '4F42#0001',
      misbehaviour: { derSignature: true },
      code: 'attestationSignatureInvalid',
      statusCode: 1496,
    },
    {
      case: 'a DER attestation signature for a raw algorithm (Basic Surrogate)',
      aaid: '4F42#0002',
      misbehaviour: { derSignature: true },
      code: 'attestationSignatureInvalid',
      statusCode: 1496,
    },
  ])('$case is refused: $code', async ({ aaid, misbehaviour, code, statusCode }) => {
    const phone = createPhone(aaid, { misbehaviour });
    const round = registrationRound('alice', aaid);
    const uafResponse = await phone.client.register(round.uafRequest);
    expect(() => round.verify(uafResponse)).toThrow(expect.objectContaining({ code, statusCode }));
  });

  it('deny: the user cancels, nothing is registered (client error 0x03, ASM 0x03)', async () => {
    const phone = createPhone('4F42#0001', { misbehaviour: { deny: true } });
    await expect(phone.client.register(registrationRound('alice', '4F42#0001').uafRequest)).rejects.toMatchObject({
      name: 'DeviceError',
      code: 'userCancelled',
      clientErrorCode: 3,
      asmStatusCode: 3,
    });
    expect(phone.authenticator.registrations()).toEqual([]);
  });
});

describe('misbehaviour at authentication', () => {
  it.each<{ case: string; misbehaviour: Misbehaviour; code: string; statusCode: number }>([
    { case: 'a stale counter', misbehaviour: { staleCounter: true }, code: 'counterNotIncreased', statusCode: 1401 },
    { case: 'another known AAID', misbehaviour: { wrongAaid: '4F42#0003' }, code: 'unknownKeyId', statusCode: 1481 },
    { case: 'a DER signature for a raw algorithm', misbehaviour: { derSignature: true }, code: 'signatureInvalid', statusCode: 1498 },
  ])('$case is refused: $code', async ({ misbehaviour, code, statusCode }) => {
    const { phone, credential } = await registeredPhone('4F42#0001');
    const first = authenticationRound(credential);
    const { newSignCounter } = first.verify(await phone.client.authenticate(first.uafRequest));
    phone.authenticator.misbehaviour = misbehaviour;
    const round = authenticationRound({ ...credential, signCounter: newSignCounter });
    const uafResponse = await phone.client.authenticate(round.uafRequest);
    expect(() => round.verify(uafResponse)).toThrow(expect.objectContaining({ code, statusCode }));
  });

  it('deny after showing the transaction: the text was displayed, nothing signed', async () => {
    const { phone, credential } = await registeredPhone('4F42#0001');
    phone.authenticator.misbehaviour = { deny: true };
    const round = authenticationRound(credential, 'Pay CHF 5.00 to Carol');
    await expect(phone.client.authenticate(round.uafRequest)).rejects.toMatchObject({ code: 'userCancelled', clientErrorCode: 3 });
    expect(phone.authenticator.displayed.map(({ text }) => text)).toEqual(['Pay CHF 5.00 to Carol']);
    expect(phone.authenticator.registrations()[0]?.signCounter).toBe(1);
  });
});

describe('a reproducible phone', () => {
  it('uses the given UAuth key, randomness, counters and clock', async () => {
    const uauth = await generateSigningKey({ keyType: 'secp256r1', scheme: 'ecdsa' });
    const phone = createPhone('4F42#0003', {
      keys: [uauth.privateJwk],
      random: (length) => new Uint8Array(length).fill(7),
      signCounterStart: 41,
      regCounterStart: 9,
      now: () => now,
    });
    const round = registrationRound('alice', '4F42#0003');
    const [credential] = round.verify(await phone.client.register(round.uafRequest)).credentials;
    expect(credential).toMatchObject({
      keyID: base64url.encode(new Uint8Array(32).fill(7)),
      publicKey: base64url.encode(uauth.publicKeySpki()),
      signCounter: 41,
      regCounter: 9,
    });
    expect(phone.authenticator.registrations()).toEqual([
      { appID: round.request.header.appID, username: 'alice', keyID: credential?.keyID, signCounter: 41, createdAt: now, lastUsedAt: now },
    ]);
  });

  it("counters: 'none' writes zero every time, which the server accepts (no counter kept)", async () => {
    const phone = createPhone('4F42#0001', { counters: 'none' });
    const credential = await registerPhone(phone, 'alice');
    expect(credential.signCounter).toBe(0);
    for (let attempt = 0; attempt < 2; attempt++) {
      const round = authenticationRound(credential);
      expect(round.verify(await phone.client.authenticate(round.uafRequest)).newSignCounter).toBe(0);
    }
  });
});
