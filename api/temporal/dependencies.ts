import type { Client } from '@temporalio/client';
import type { ServerKeys } from '../../config/deriveKeys.js';
import type { ChannelLinking, DispatchAnswer, DispatchInput, OperationState } from '../../contract/operation.js';
import type { DispatcherRegistry } from '../../dispatch/index.js';
import type { Sessions } from '../../store/sessions.js';
import type { StatusCache } from './statusCache.js';

/** What every call of the API to the operation workflows needs. */
export interface OperationsDependencies {
  client: Client;
  taskQueue: string;
  keys: Pick<ServerKeys, 'sessionId' | 'userHash' | 'dispatchToken'>;
  sessions: Pick<Sessions, 'find'>;
  /** The dispatchers whose response carries the token (link, QR code), to render it (renderDispatchResponse.ts). */
  renderers: DispatcherRegistry;
  /** Base of `redeem_url` in a rendered payload. */
  publicUrl: string;
  /** Statuses read recently (readStatus.ts); every call that changes an operation refreshes its own (statusRefresh.ts). */
  statusCache: StatusCache;
}

/** nevisFIDO StatusResponse (docs/api.md endpoint 14) with our `finalSessionId` and `failureReason`. */
export interface StatusResponse {
  status: OperationState['status'] | 'unknown';
  timestamp: string;
  userId?: string;
  uafStatusCode?: number;
  asmStatusCode?: number;
  clientErrorCode?: number;
  authenticators?: { aaid: string; keyId: string; extId: string }[];
  finalSessionId?: string;
  failureReason?: string;
  tokenInformation?: OperationState['tokenInformation'];
}

/** DispatchTokenResponse (docs/api.md endpoint 12) with our `channelLinking` for the browser. */
export interface DispatchTokenResponse {
  token: string;
  sessionId: string;
  dispatcherInformation: DispatchAnswer['dispatcherInformation'];
  dispatchResult: DispatchAnswer['dispatchResult'];
  channelLinking?: { mode: ChannelLinking['mode']; string: string };
}

export interface DispatchOptions {
  dispatcher?: string;
  dispatchTargetId?: string;
  dispatchInformation?: DispatchInput['dispatchInformation'];
  channelLinking?: ChannelLinking['mode'];
  timeoutSeconds: number;
}
