// The relying party's side of the out-of-band login kit (docs/kit.md).
export { createOutOfBandLogin, OutOfBandLoginError } from './createOutOfBandLogin.js';
export type { OutOfBandLogin, OutOfBandLoginOptions } from './createOutOfBandLogin.js';
export { createOutbandClient } from './createOutbandClient.js';
export type { DispatchTarget, DispatchTokenResponse, OutbandAnswer, OutbandClient, StatusResponse } from './createOutbandClient.js';
export { buildKit } from './buildKit.js';
export { publicStatus } from './publicStatus.js';
export { relayStatusEvents } from './relayStatusEvents.js';
export { signedCookie, sealValue, openValue, readCookie } from './signedCookie.js';
export type { SignedCookieOptions } from './signedCookie.js';
