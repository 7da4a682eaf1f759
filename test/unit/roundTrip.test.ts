// Round trips simulated phone → uaf for every test authenticator: every signature algorithm
// 0x0001–0x0006, 0x0008, 0x0009 and both attestation types, with transaction confirmation.
import { describe, expect, it } from 'vitest';
import { testAuthenticatorProfiles } from '../../device/testAuthenticators.js';
import type { StoredCredential } from '../../uaf/authentication/verifyAuthenticationResponse.js';
import { AlgSign, AttestationType } from '../../uaf/registry.js';
import { authenticationRound, createPhone, facetID, metadata, registerPhone, registrationRound } from './device/relyingParty.js';

const rows = testAuthenticatorProfiles.map(({ metadataStatement: statement }) => ({
  aaid: statement.aaid,
  algorithm: statement.authenticationAlgorithm,
  attestation: statement.attestationTypes[0] === AttestationType.BASIC_FULL ? 'basicFull' : 'basicSurrogate',
  publicKeyAlgAndEncoding: statement.publicKeyAlgAndEncoding,
  showsText: statement.tcDisplayContentType === 'text/plain',
}));

describe('the shipped test authenticators', () => {
  it('cover every UAF 1.1 algorithm but SM2, and both attestation types', () => {
    expect(new Set(rows.map(({ algorithm }) => algorithm))).toEqual(
      new Set(Object.values(AlgSign).filter((alg) => alg !== AlgSign.SM2_SM3_RAW)),
    );
    expect(new Set(rows.map(({ attestation }) => attestation))).toEqual(new Set(['basicFull', 'basicSurrogate']));
  });

  it('each have a metadata statement in metadata/', () => {
    expect([...metadata.keys()].sort()).toEqual(rows.map(({ aaid }) => aaid).sort());
  });
});

describe.each(rows)('round trip $aaid (alg $algorithm, $attestation)', ({ aaid, algorithm, attestation, publicKeyAlgAndEncoding, showsText }) => {
  it('registers, authenticates twice with an increasing counter, then confirms a transaction', async () => {
    const phone = createPhone(aaid);
    const registration = registrationRound('alice', aaid);
    const registered = registration.verify(await phone.client.register(registration.uafRequest));
    const [record] = phone.authenticator.registrations();
    expect(registered).toMatchObject({ facetID, credentials: [{ aaid, keyID: record?.keyID, attestationType: attestation }] });
    expect(registered.credentials[0]).toMatchObject({
      authenticationAlgorithm: algorithm,
      publicKeyAlgAndEncoding,
      signCounter: 1,
      regCounter: 1,
    });
    let credential: StoredCredential = registered.credentials[0]!;

    for (const expectedCounter of [2, 3]) {
      const round = authenticationRound(credential);
      const result = round.verify(await phone.client.authenticate(round.uafRequest));
      expect(result).toMatchObject({ aaid, keyID: credential.keyID, newSignCounter: expectedCounter, transactionConfirmed: false });
      credential = { ...credential, signCounter: result.newSignCounter };
    }

    if (!showsText) return;
    const text = `Pay CHF 120.00 to Bob (${aaid})`;
    const round = authenticationRound(credential, text);
    const result = round.verify(await phone.client.authenticate(round.uafRequest));
    expect(result).toMatchObject({ newSignCounter: 4, transactionConfirmed: true, authenticationMode: 0x02 });
    expect(phone.authenticator.displayed.at(-1)).toEqual({ aaid, contentType: 'text/plain', text });
  });
});

describe('transaction confirmation', () => {
  it('refuses a transaction text tampered with on its way to the phone: transactionHashMismatch, 1498', async () => {
    const phone = createPhone('4F42#0001');
    const credential = await registerPhone(phone, 'alice');
    const round = authenticationRound(credential, 'Pay CHF 120.00 to Bob');
    const tampered = round.request.transaction!.map((entry) => ({
      ...entry,
      content: Buffer.from('Pay CHF 9000.00 to Mallory').toString('base64url'),
    }));
    const uafResponse = await phone.client.authenticate(JSON.stringify([{ ...round.request, transaction: tampered }]));
    expect(phone.authenticator.displayed.at(-1)?.text).toBe('Pay CHF 9000.00 to Mallory');
    expect(() => round.verify(uafResponse)).toThrow(
      expect.objectContaining({ code: 'transactionHashMismatch', statusCode: 1498 }),
    );
  });

  it('is refused by the phone when the content is not base64url text: invalidTransactionContent', async () => {
    const phone = createPhone('4F42#0001');
    const credential = await registerPhone(phone, 'alice');
    const { request } = authenticationRound(credential, 'Pay CHF 120.00 to Bob');
    const broken = { ...request, transaction: [{ contentType: 'text/plain', content: 'not base64url!' }] };
    await expect(phone.client.authenticate(JSON.stringify([broken]))).rejects.toMatchObject({
      code: 'invalidTransactionContent',
      clientErrorCode: 0x0d,
    });
    expect(phone.authenticator.displayed).toEqual([]);
  });

  it('is refused by an authenticator without a display: invalidTransactionContent (client error 0x0d)', async () => {
    const phone = createPhone('4F42#0009');
    const credential = await registerPhone(phone, 'alice');
    const round = authenticationRound(credential, 'Pay CHF 120.00 to Bob');
    await expect(phone.client.authenticate(round.uafRequest)).rejects.toMatchObject({
      name: 'DeviceError',
      code: 'invalidTransactionContent',
      clientErrorCode: 0x0d,
      asmStatusCode: 0x04,
    });
  });
});
