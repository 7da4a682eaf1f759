// Public surface of the simulated phone (tests, demo, benchmarks). Everything runs on Web
// Crypto and Uint8Array, except that the test-authenticator table is a JSON import.

export { createPhone } from './createPhone.js';
export type { Phone, PhoneOptions, PhoneOperationResult, RedeemOptions } from './createPhone.js';
export { createAuthenticator } from './authenticator/createAuthenticator.js';
export type {
  Authenticator,
  AuthenticatorOptions,
  DisplayedTransaction,
  Misbehaviour,
  RegistrationRecord,
  RegisterInput,
  SignInput,
  SignResult,
} from './authenticator/createAuthenticator.js';
export { buildAuthenticationAssertion, buildSignedData } from './authenticator/buildAuthenticationAssertion.js';
export { buildKeyRegistrationData, buildRegistrationAssertion } from './authenticator/buildRegistrationAssertion.js';
export { createUafClient } from './client/createUafClient.js';
export type { ClientOperationOptions, UafClient, UafClientOptions } from './client/createUafClient.js';
export { matchPolicy } from './client/matchPolicy.js';
export { createDispatchTarget } from './oob/createDispatchTarget.js';
export type { CreateDispatchTargetOptions } from './oob/createDispatchTarget.js';
export { createPhoneKeys, phoneKeyAlgorithms } from './oob/createPhoneKeys.js';
export { createDeviceService, signDeviceRequest } from './oob/deviceService.js';
export type { DeviceService, DeviceServiceOptions, ListedCredential, PendingOperation, SignatureClaims } from './oob/deviceService.js';
export type { CreatePhoneKeysOptions, EncryptionKeyType, PhoneKeyPair, PhoneKeys, SignatureKeyType } from './oob/createPhoneKeys.js';
export { decodeDispatchPayload, decodeNmaPayload, nmaContentTypes, parseDispatchPayload } from './oob/decodeNmaPayload.js';
export type { DispatchPayload, NmaData } from './oob/decodeNmaPayload.js';
export { deepLinkParameter, parseDeepLink } from './oob/parseDeepLink.js';
export { readQrCode, readQrPayload } from './oob/readQrCode.js';
export { createPushReceiver, PushReceiverError, type PushMessage, type PushReceiver, type PushReceiverOptions } from './oob/createPushReceiver.js';
export { AsmStatusCode, DeviceError, OutOfBandInputInvalid, ServerRefused, clientErrorCodes } from './errors.js';
export type { DeviceErrorCode, OutOfBandErrorCode } from './errors.js';
export { testAttestationCa, testAuthenticatorProfile, testAuthenticatorProfiles } from './testAuthenticators.js';
export type { AuthenticatorProfile } from './testAuthenticatorProfile.js';
export { generateSigningKey, importSigningKey } from './crypto/signingKey.js';
export type { SigningKey } from './crypto/signingKey.js';
export { buildCertificate } from './crypto/buildCertificate.js';
