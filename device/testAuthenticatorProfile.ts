import type { JWK } from 'jose';
import type { MetadataStatement } from '../uaf/metadata/parseMetadataStatement.js';

/**
 * What the simulated phone knows about one of its authenticators: its metadata statement
 * (the same one the server loads from `metadata/`) plus, for Basic Full, the attestation
 * secret. `scripts/makeTestAuthenticators.ts` writes both from one table.
 */
export interface AuthenticatorProfile {
  readonly metadataStatement: MetadataStatement;
  /** Basic Full only. TEST-ONLY secret: the attestation private key, shared by every phone of this AAID. */
  readonly attestation?: {
    readonly testOnlyPrivateKeyJwk: JWK;
    /** Standard base64 DER, leaf first (the leaf certifies the key above). */
    readonly certificateChain: readonly string[];
  };
}
