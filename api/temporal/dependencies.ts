import type { Client } from '@temporalio/client';
import type { ServerKeys } from '../../config/deriveKeys.js';
import type { ChannelLinking, DispatchAnswer, DispatchInput, OperationState } from '../../contract/operation.js';
import type { Sessions, Tokens } from '../../store/tokens.js';

/** What every call of the API to the operation workflows needs. */
export interface OperationsDependencies {
  client: Client;
  taskQueue: string;
  keys: Pick<ServerKeys, 'sessionId' | 'userHash'>;
  tokens: Pick<Tokens, 'find'>;
  sessions: Pick<Sessions, 'find'>;
}

/** nevisFIDO StatusResponse (docs/api.md endpoint 14) with our `finalSessionId` and `failureReason`. */
export interface StatusResponse {
  status: OperationState['status'] | 'unknown';
  timestamp: string;
  userId?: string;
  uafStatusCode?: number;
  asmStatusCode?: number;
  clientErrorCode?: number;
  authenticators?: { aaid: string; keyId: string }[];
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
