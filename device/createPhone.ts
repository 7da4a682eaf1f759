import type { ReturnUAFRequest, SendUAFResponse, ServerResponse } from '../uaf/protocolTypes.js';
import { mediaTypes } from '../uaf/registry.js';
import type { Authenticator } from './authenticator/createAuthenticator.js';
import { createUafClient, type ClientOperationOptions, type UafClient } from './client/createUafClient.js';
import { ServerRefused } from './errors.js';
import { decodeNmaPayload, type DispatchPayload, type NmaData } from './oob/decodeNmaPayload.js';
import type { PhoneKeys } from './oob/createPhoneKeys.js';

// The simulated phone as the Nevis mobile app behaves towards the server (API.md): it redeems
// an out-of-band token, runs the UAF ceremony with its client and authenticators, and posts
// the UAF response. HTTP goes through the injected `fetch`, so a test can point it anywhere.

export interface PhoneOptions {
  readonly facetID: string;
  readonly authenticators: readonly Authenticator[];
  /** The phone's own keys; the encryption key decrypts `application/jose` payloads. */
  readonly keys?: PhoneKeys;
  readonly fetch?: typeof fetch;
  /** Server base up to and including the context root, e.g. `http://localhost:3000/nevisfido`, for in-band use. */
  readonly serverUrl?: string;
}

export interface RedeemOptions extends ClientOperationOptions {
  /** The user refuses on the phone: the redeem call says so and no UAF request is run (API.md). */
  readonly deny?: boolean;
  /** Number-match mode: the number the user picked. */
  readonly channelLinkingAnswer?: string;
}

export interface PhoneOperationResult {
  readonly op: ReturnUAFRequest['op'];
  readonly nmaData?: NmaData;
  /** The server's answer to the UAF response (none for Dereg, or when denied). */
  readonly serverResponse?: ServerResponse;
}

export interface Phone {
  readonly client: UafClient;
  readonly authenticators: readonly Authenticator[];
  /** Runs the UAF request of a ReturnUAFRequest and posts the response to the server at `serverUrl`. */
  respond(returnUafRequest: ReturnUAFRequest, serverUrl: string, options?: ClientOperationOptions): Promise<PhoneOperationResult>;
  /** Handles an out-of-band payload (push data, scanned QR code, opened link) end to end. */
  redeem(payload: DispatchPayload, options?: RedeemOptions): Promise<PhoneOperationResult>;
}

/** How often a redeem answered 503 + Retry-After is sent again (the server dedupes it by request). */
const redeemResendsOnUnavailable = 5;

const responsePaths = { Reg: '/uaf/1.1/registration', Auth: '/uaf/1.1/authentication' } as const;

/** The context root of a redeem URL: `<base>/nevisfido/token/redeem/<operation>` → `<base>/nevisfido`. */
function serverUrlOf(redeemUrl: string): string {
  const at = redeemUrl.lastIndexOf('/token/redeem/');
  return at < 0 ? new URL(redeemUrl).origin : redeemUrl.slice(0, at);
}

export function createPhone(options: PhoneOptions): Phone {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const client = createUafClient({ facetID: options.facetID, authenticators: options.authenticators, fetch: fetchImpl });

  async function post<T>(url: string, body: unknown, contentType: string, resendsOnUnavailable = 0): Promise<T | undefined> {
    const send = () =>
      fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': contentType, accept: `${mediaTypes.uafMessage}, application/json` },
        body: JSON.stringify(body),
      });
    let response = await send();
    // A 503 with Retry-After (no worker yet, overload) is sent again after the wait, as an app
    // would; only where the server makes a resend safe (the redeem is one update per request).
    for (let resend = 0; response.status === 503 && resend < resendsOnUnavailable; resend += 1) {
      await response.body?.cancel();
      const seconds = Math.min(Number(response.headers.get('retry-after')) || 1, 10);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      response = await send();
    }
    const text = await response.text();
    const json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    if (!response.ok) {
      const code = typeof json?.error === 'string' ? json.error : `http${response.status}`;
      const statusCode = typeof json?.statusCode === 'number' ? json.statusCode : undefined;
      throw new ServerRefused(response.status, code, statusCode, `POST ${new URL(url).pathname} answered ${response.status} ${code}.`);
    }
    return json as T | undefined;
  }

  async function respond(returnUafRequest: ReturnUAFRequest, serverUrl: string, operation: ClientOperationOptions = {}): Promise<PhoneOperationResult> {
    const { op, uafRequest = '' } = returnUafRequest;
    if (op === 'Dereg') {
      await client.deregister(uafRequest);
      return { op };
    }
    const uafResponse = op === 'Reg' ? await client.register(uafRequest) : await client.authenticate(uafRequest, operation);
    const body: SendUAFResponse = { uafResponse };
    const serverResponse = await post<ServerResponse>(`${serverUrl}${responsePaths[op ?? 'Auth']}`, body, `${mediaTypes.uafMessage};charset=UTF-8`);
    return { op, ...(serverResponse && { serverResponse }) };
  }

  return {
    client,
    authenticators: options.authenticators,
    respond,

    async redeem(payload, redeemOptions = {}) {
      const nmaData = await decodeNmaPayload(payload, {
        ...(options.keys && { decryptionKey: options.keys.encryption.privateKey }),
      });
      const { deny, channelLinkingAnswer, ...operation } = redeemOptions;
      const returned = await post<ReturnUAFRequest>(
        nmaData.redeem_url,
        { token: nmaData.token, ...(deny && { deny: true }), ...(channelLinkingAnswer !== undefined && { channelLinkingAnswer }) },
        'application/json',
        redeemResendsOnUnavailable,
      );
      if (deny || returned === undefined) return { op: returned?.op, nmaData };
      const result = await respond(returned, options.serverUrl ?? serverUrlOf(nmaData.redeem_url), operation);
      return { ...result, nmaData };
    },
  };
}
