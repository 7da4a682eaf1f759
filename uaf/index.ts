// Public surface of the FIDO UAF 1.1 server library. `lib`-style internals are not exported.
// Modules under tlv/, encoding/, registry, protocolTypes, statusCodes and errors use no Node
// built-in, so a browser bundle (the simulated phone) can import them directly.

export * from './errors.js';
export * from './statusCodes.js';
export * from './registry.js';
export type * from './protocolTypes.js';

export * as base64url from './encoding/base64url.js';
export * as base64 from './encoding/base64.js';
export * as utf8 from './encoding/utf8.js';

export { Tag, compositeTagBit, isCompositeTag, tagName } from './tlv/tags.js';
export type { TagName } from './tlv/tags.js';
export { encodeTlv, encodeUint16, encodeUint32 } from './tlv/encodeTlv.js';
export { decodeTlv, decodeSingleTlv, readUint16, readUint32 } from './tlv/decodeTlv.js';
export type { TlvElement } from './tlv/decodeTlv.js';
export { readTlvGroup } from './tlv/readTlvGroup.js';
export type { TlvGroup, TlvGroupSpec, TlvMemberSpec } from './tlv/readTlvGroup.js';

export { parseRegistrationAssertion, attestationTypeTags } from './assertion/parseRegistrationAssertion.js';
export type { RegistrationAssertion, RegistrationAttestation } from './assertion/parseRegistrationAssertion.js';
export { parseAuthenticationAssertion } from './assertion/parseAuthenticationAssertion.js';
export type { AuthenticationAssertion } from './assertion/parseAuthenticationAssertion.js';

export { parseFinalChallengeParams } from './response/parseFinalChallengeParams.js';
export type { FcParamsEncoding } from './response/parseFinalChallengeParams.js';
export type { ParseResponseOptions, ParsedUafResponse } from './response/parseUafResponse.js';
export type { FinalChallengeExpectations } from './response/verifyFinalChallenge.js';

export { parseRegistrationResponse } from './registration/parseRegistrationResponse.js';
export type { ParsedRegistrationResponse } from './registration/parseRegistrationResponse.js';
export { verifyRegistrationResponse } from './registration/verifyRegistrationResponse.js';
export type {
  RegisteredCredential,
  VerifyRegistrationResponseOptions,
  VerifyRegistrationResponseResult,
} from './registration/verifyRegistrationResponse.js';

export { parseAuthenticationResponse } from './authentication/parseAuthenticationResponse.js';
export type { ParsedAuthenticationResponse } from './authentication/parseAuthenticationResponse.js';
export { verifyAuthenticationResponse } from './authentication/verifyAuthenticationResponse.js';
export type {
  StoredCredential,
  VerifiedAuthentication,
  VerifyAuthenticationResponseOptions,
  VerifyAuthenticationResponseResult,
} from './authentication/verifyAuthenticationResponse.js';
export { transactionContentHash } from './authentication/transactionContentHash.js';

export { buildChallenge, challengeLength } from './request/buildChallenge.js';
export type { RandomSource } from './request/buildChallenge.js';
export { buildOperationHeader } from './request/buildOperationHeader.js';
export type { BuildOperationHeaderOptions } from './request/buildOperationHeader.js';
export { buildRegistrationRequest } from './request/buildRegistrationRequest.js';
export type { BuildRegistrationRequestOptions } from './request/buildRegistrationRequest.js';
export { buildAuthenticationRequest } from './request/buildAuthenticationRequest.js';
export type { BuildAuthenticationRequestOptions } from './request/buildAuthenticationRequest.js';
export { buildDeregistrationRequest } from './request/buildDeregistrationRequest.js';
export type { BuildDeregistrationRequestOptions } from './request/buildDeregistrationRequest.js';
export { buildTransaction, maxTransactionTextLength } from './request/buildTransaction.js';

export { encodeServerData, maxServerDataLength, minServerDataKeyLength } from './serverData/encodeServerData.js';
export type { ServerDataClaims } from './serverData/encodeServerData.js';
export { verifyServerData } from './serverData/verifyServerData.js';
export type { VerifyServerDataOptions } from './serverData/verifyServerData.js';

export { matchPolicy } from './policy/matchPolicy.js';
export type { MatchPolicyResult } from './policy/matchPolicy.js';
export { matchCriteria } from './policy/matchCriteria.js';
export type { AuthenticatorFacts } from './policy/matchCriteria.js';
export { buildRegistrationPolicy } from './policy/buildRegistrationPolicy.js';
export type { BuildRegistrationPolicyOptions, RegisteredKey } from './policy/buildRegistrationPolicy.js';
export { buildAuthenticationPolicy } from './policy/buildAuthenticationPolicy.js';
export type { BuildAuthenticationPolicyOptions } from './policy/buildAuthenticationPolicy.js';

export { parseMetadataStatement, metadataStatementSchema } from './metadata/parseMetadataStatement.js';
export type { MetadataLookup, MetadataStatement } from './metadata/parseMetadataStatement.js';

export { buildTrustedFacets, facetIdPrefixes } from './facets/buildTrustedFacets.js';
export type { BuildTrustedFacetsOptions } from './facets/buildTrustedFacets.js';

export { signatureAlgorithms, findSignatureAlgorithm } from './crypto/signatureAlgorithms.js';
export type { KeyKind, SignatureAlgorithm, SignatureVerifierOptions } from './crypto/signatureAlgorithms.js';
export { importPublicKey, importSpki, exportSpki } from './crypto/importPublicKey.js';
export { verifyCertificateChain } from './crypto/verifyCertificateChain.js';
export type { VerifyCertificateChainOptions } from './crypto/verifyCertificateChain.js';
