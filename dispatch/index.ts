// Public surface of the dispatch layer (DESIGN.md §6). Activities import from here.

export type {
  DispatchInformation,
  DispatchOutcome,
  DispatchPayload,
  DispatchRequest,
  DispatchResult,
  DispatchTarget,
  Dispatcher,
  DispatcherInformation,
  NmaData,
} from './dispatcher.js';
export { DispatchFailed, DispatchTimeout } from './errors.js';
export type { DispatchFailureCode } from './errors.js';
export { createDispatcherRegistry, createDispatchers } from './createDispatcherRegistry.js';
export type { DispatcherRegistry, DispatchersOptions } from './createDispatcherRegistry.js';
export { createFirebaseCloudMessaging, defaultFcmTimeoutMs, firebaseCloudMessagingId, identifyFcmError } from './firebaseCloudMessaging.js';
export type { FirebaseCloudMessagingOptions } from './firebaseCloudMessaging.js';
export { createFirebaseMessaging, emulatorProjectId } from './createFirebaseMessaging.js';
export type { FirebaseMessaging, FirebaseMessagingOptions } from './createFirebaseMessaging.js';
export { createPngQrCode } from './pngQrCode.js';
export { createLink } from './link.js';
export type { LinkOptions } from './link.js';
export { createLinkPngQrCode } from './linkPngQrCode.js';
export { createPayloadDispatcher } from './createPayloadDispatcher.js';
export { settleDispatch } from './settleDispatch.js';
export { buildNmaData } from './buildNmaData.js';
export { buildDispatchPayload, buildFcmData, encodeDispatchPayload } from './buildDispatchPayload.js';
export { encryptNmaData, jweAlgorithmsFor } from './encryptNmaData.js';
export type { JweAlgorithms } from './encryptNmaData.js';
export { buildDeepLink, deepLinkParameter } from './buildDeepLink.js';
export { buildQrCodePng } from './buildQrCodePng.js';
export { createWebhook } from './plugins/webhook.js';
export type { WebhookBody, WebhookOptions } from './plugins/webhook.js';
