// A typed view of the UAF spec example chain (test/vectors/fido-uaf/spec-example-chain.json,
// from eBay/UAF TestAssertions.java and alexandernikiforov/fido-uaf), loaded once by the uaf fixtures.
import { specExampleChain } from '../../uaf/fixtures/vectors.js';

interface ParsedAssertion {
  aaid: string;
  assertionInfo: { authenticatorVersion: number; authenticationMode: number; signAlg: number; pubKeyAlg?: number };
  keyIdB64url: string;
  finalChallengeHashHex: string;
  counters: { signCounter: number; regCounter?: number };
  pubKeyB64url?: string;
  authenticatorNonceHex?: string;
  transactionContentHashHex?: string;
  signedTlvB64url: string;
}

interface SpecExampleChain {
  registrationResponse: [{ assertions: [{ assertion: string }] }];
  authenticationResponse: [{ assertions: [{ assertion: string }] }];
  registrationAssertionParsed: ParsedAssertion;
  authenticationAssertionParsed: ParsedAssertion;
}

export const specExample = specExampleChain as SpecExampleChain;

export const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
