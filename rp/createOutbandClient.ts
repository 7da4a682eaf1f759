/**
 * The relying party's side of Outband's HTTP API (docs/api.md): the calls a relying party makes
 * with its key. The key stays in this server process; nothing here is sent to a browser.
 */

export interface OutbandAnswer<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: string; message?: string };
}

export interface DispatchTokenResponse {
  token: string;
  sessionId: string;
  dispatcherInformation?: { name: string; response?: string };
  dispatchResult: string;
  channelLinking?: { mode: 'visual-string' | 'number-match'; string: string };
}

export interface StatusResponse {
  status: 'tokenCreated' | 'clientRegistering' | 'clientAuthenticating' | 'succeeded' | 'failed' | 'unknown';
  userId?: string;
  clientErrorCode?: number;
  failureReason?: string;
  finalSessionId?: string;
}

export interface DispatchTarget {
  id: string;
  name: string;
}

export interface OutbandClient {
  dispatch(operation: 'registration' | 'authentication', body: object): Promise<OutbandAnswer<DispatchTokenResponse>>;
  /** The user's push targets, name and id only; none when the user has no phone. */
  targets(username: string): Promise<DispatchTarget[]>;
  status(sessionId: string): Promise<StatusResponse>;
  /** The status stream as Outband sends it (Server-Sent Events), for relaying to a browser. */
  statusEvents(sessionId: string, signal: AbortSignal): Promise<Response>;
  /** The trusted facet ids (the AppID), public. */
  facets(): Promise<string[]>;
}

export function createOutbandClient({ outbandUrl, rpKey }: { outbandUrl: string; rpKey: string }): OutbandClient {
  const base = `${outbandUrl.replace(/\/+$/, '')}/nevisfido`;
  const call = async <T>(path: string, init: RequestInit = {}): Promise<OutbandAnswer<T>> => {
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${rpKey}`, ...init.headers },
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as OutbandAnswer<T>['body'] };
  };

  return {
    dispatch: (operation, body) => call<DispatchTokenResponse>(`/token/dispatch/${operation}`, { method: 'POST', body: JSON.stringify(body) }),
    async targets(username) {
      const answer = await call<{ dispatchTargets?: DispatchTarget[] }>(`/token/dispatch/targets?username=${encodeURIComponent(username)}`);
      if (answer.status === 404) return [];
      if (answer.status !== 200) throw new Error(`Outband answered ${answer.status} listing the dispatch targets.`);
      return (answer.body.dispatchTargets ?? []).map(({ id, name }) => ({ id, name }));
    },
    async status(sessionId) {
      const answer = await call<StatusResponse>('/status', { method: 'POST', body: JSON.stringify({ sessionId }) });
      if (answer.status !== 200) return { status: 'unknown' };
      return answer.body;
    },
    statusEvents: (sessionId, signal) =>
      fetch(`${base}/status/${encodeURIComponent(sessionId)}/events`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${rpKey}` }, signal }),
    async facets() {
      const response = await fetch(`${base}/uaf/1.1/facets`);
      const body = (await response.json()) as { trustedFacets?: { ids?: string[] }[] };
      return body.trustedFacets?.flatMap((facet) => facet.ids ?? []) ?? [];
    },
  };
}
