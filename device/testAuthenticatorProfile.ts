import type { JWK } from 'jose';
import type { AlgKey, AttestationType } from '../uaf/registry.js';
import type { DeviceAlgSign } from './crypto/signatureAlgorithms.js';

/**
 * What the simulated phone knows about one of its authenticators: the facts its metadata
 * statement announces, plus the attestation secret for Basic Full. `scripts/makeTestAuthenticators.ts`
 * writes both this (`device/fixtures/testAuthenticators.json`) and the matching statements
 * (`metadata/*.json`) from one table.
 */
export interface AuthenticatorProfile {
  readonly aaid: string;
  readonly description: string;
  readonly authenticatorVersion: number;
  readonly authenticationAlgorithm: DeviceAlgSign;
  readonly publicKeyAlgAndEncoding: AlgKey;
  readonly attestationType: typeof AttestationType.BASIC_FULL | typeof AttestationType.BASIC_SURROGATE;
  /** FIDO Registry bit fields, as in the metadata statement (policy matching reads them). */
  readonly userVerification: number;
  readonly keyProtection: number;
  readonly matcherProtection: number;
  readonly attachmentHint: number;
  /** 0 when the authenticator cannot show a transaction. */
  readonly tcDisplay: number;
  /** Set when `tcDisplay` ≠ 0. */
  readonly tcDisplayContentType?: 'text/plain';
  /** Basic Full only. TEST-ONLY secret: the attestation private key, shared by every phone of this AAID. */
  readonly attestation?: {
    readonly testOnlyPrivateKeyJwk: JWK;
    /** Standard base64 DER, leaf first (the leaf certifies the key above). */
    readonly certificateChain: readonly string[];
  };
}
