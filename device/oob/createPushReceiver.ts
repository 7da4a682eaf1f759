import { parseDispatchPayload, type DispatchPayload } from './decodeNmaPayload.js';

// The phone's push side against the FCM emulator (emulators/fcm/): it registers a
// registration token, which the phone then gives its dispatch target as `target`, and
// long-polls for the data messages sent to it. The data map of a message is what the Nevis
// app hands to its SDK, so `nextPayload()` feeds `phone.redeem` directly. Only `fetch`: the
// same code runs on the browser page.

/** A delivered push: the data map, the visible notification, the FCM message name. */
export interface PushMessage {
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
  readonly notification?: { readonly title?: string; readonly body?: string };
  readonly sentAt: string;
}

export interface PushReceiverOptions {
  /** The emulator's base URL, e.g. `http://127.0.0.1:4010`. */
  readonly emulatorUrl: string;
  /** Reuse a registration token (a phone that restarts); a new one is issued otherwise. */
  readonly token?: string;
  readonly fetch?: typeof fetch;
}

export interface WaitOptions {
  /** How long to wait for the next push in all (default 30 s). */
  readonly timeoutMs?: number;
}

export interface PushReceiver {
  /** The FCM registration token: the `target` of the phone's dispatch target. */
  readonly token: string;
  /** The next push sent to this token. */
  nextMessage(options?: WaitOptions): Promise<PushMessage>;
  /** The `nma_*` data map of the next push, as `decodeNmaPayload` and `phone.redeem` take it. */
  nextPayload(options?: WaitOptions): Promise<DispatchPayload>;
  /** Uninstalls the app: later sends to the token answer `UNREGISTERED`. */
  unregister(): Promise<void>;
}

export type PushReceiverErrorCode = 'pushTimeout' | 'emulatorRefused';

/** No push arrived in time, or the emulator refused a call. Never carries the token. */
export class PushReceiverError extends Error {
  override name = 'PushReceiverError';
  readonly code: PushReceiverErrorCode;
  readonly httpStatus: number | undefined;

  constructor(code: PushReceiverErrorCode, message: string, httpStatus?: number) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** One long-poll is kept under the emulator's 30 s cap; the receiver polls again until its own deadline. */
const pollMs = 25_000;
const defaultTimeoutMs = 30_000;

export async function createPushReceiver(options: PushReceiverOptions): Promise<PushReceiver> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const base = options.emulatorUrl.replace(/\/+$/, '');

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetchImpl(`${base}${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new PushReceiverError('emulatorRefused', `${method} ${path.split('/').slice(0, 3).join('/')} answered ${response.status}.`, response.status);
    }
    return response;
  }

  const registered = (await (await call('POST', '/emulator/devices', options.token === undefined ? {} : { token: options.token })).json()) as {
    token: string;
  };
  const { token } = registered;
  const devicePath = `/emulator/devices/${encodeURIComponent(token)}`;

  async function nextMessage({ timeoutMs = defaultTimeoutMs }: WaitOptions = {}): Promise<PushMessage> {
    const deadline = Date.now() + timeoutMs;
    for (let left = timeoutMs; left > 0; left = deadline - Date.now()) {
      const response = await call('GET', `${devicePath}/messages/next?waitMs=${Math.min(left, pollMs)}`);
      if (response.status === 200) return (await response.json()) as PushMessage;
      await response.body?.cancel();
    }
    throw new PushReceiverError('pushTimeout', `No push arrived within ${timeoutMs} ms.`);
  }

  return {
    token,
    nextMessage,
    nextPayload: async (wait) => parseDispatchPayload((await nextMessage(wait)).data),
    async unregister() {
      await (await call('DELETE', devicePath)).body?.cancel();
    },
  };
}
