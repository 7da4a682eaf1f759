import { CompactSign } from 'jose';
import { ServerRefused } from '../errors.js';
import type { DispatchPayload } from './decodeNmaPayload.js';
import type { PhoneKeys } from './createPhoneKeys.js';

// The phone's side of the Device Service (API.md "Device Service"; nevisfido-api.md §4.6): every
// call carries a `Device-Signature`, a compact JWS by the signature key of one of the phone's
// dispatch targets, naming that target, a fresh request id and the time of signing.

export interface DeviceServiceOptions {
  /** The context root, e.g. `http://localhost:3000/nevisfido`. */
  serverUrl: string;
  /** The phone's keys; the signature key signs. */
  keys: PhoneKeys;
  /** The dispatch target whose signatureKey is `keys.signature`. */
  dispatchTargetId: string;
  fetch?: typeof fetch;
}

export interface SignatureClaims {
  requestId?: string;
  creationTimeInEpochMillis?: number;
  /** Another target id than the signing one (tests of refusals). */
  dispatchTargetId?: string;
}

/** A device credential as the server lists it. */
export interface ListedCredential {
  username: string;
  aaid: string;
  keyId: string;
  createdAt: string;
  lastUsedAt?: string;
}

/** An operation dispatched to the phone and not yet redeemed (the SDK's pending out-of-band operation). */
export interface PendingOperation {
  creationTimeInEpochMillis: number;
  /** `firebase-cloud-messaging`, `png-qr-code`, `link`, … */
  dispatcher: string;
  dispatchTargetId: string;
  /** The same payload the push carried: give it to `phone.redeem`. */
  outOfBandPayload: DispatchPayload;
}

/** The `Device-Signature` value: a compact JWS of the claims, by the phone's signature key. */
export async function signDeviceRequest(keys: PhoneKeys, dispatchTargetId: string, claims: SignatureClaims = {}): Promise<string> {
  const payload = {
    dispatchTargetId: claims.dispatchTargetId ?? dispatchTargetId,
    requestId: claims.requestId ?? crypto.randomUUID(),
    creationTimeInEpochMillis: claims.creationTimeInEpochMillis ?? Date.now(),
  };
  const alg = keys.signature.publicJwk.alg ?? 'ES256';
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg }).sign(keys.signature.privateKey);
}

/** The Device Service as the app uses it. */
export function createDeviceService(options: DeviceServiceOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch;

  async function call<T>(method: string, path: string, claims?: SignatureClaims): Promise<T | undefined> {
    const signature = await signDeviceRequest(options.keys, options.dispatchTargetId, claims);
    const response = await fetchImpl(`${options.serverUrl}${path}`, {
      method,
      headers: { 'device-signature': signature, accept: 'application/jose;charset=UTF-8, application/json' },
    });
    const text = await response.text();
    const json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    if (!response.ok) {
      const code = typeof json?.error === 'string' ? json.error : `http${response.status}`;
      throw new ServerRefused(response.status, code, undefined, `${method} ${path} answered ${response.status} ${code}.`);
    }
    return json as T | undefined;
  }

  const credentialsPath = (deviceId: string) => `/devices/credentials/${encodeURIComponent(deviceId)}`;
  return {
    /** The credentials the server holds for this device. */
    async listCredentials(deviceId: string, claims?: SignatureClaims): Promise<ListedCredential[]> {
      return (await call<{ credentials: ListedCredential[] }>('GET', credentialsPath(deviceId), claims))!.credentials;
    },
    /** Removes the device's credentials and dispatch targets (a phone sold or lost). */
    async deleteDevice(deviceId: string, claims?: SignatureClaims): Promise<void> {
      await call('DELETE', credentialsPath(deviceId), claims);
    },
    /** The operations dispatched to this device that are neither redeemed nor expired: the fetch channel for a lost push. */
    async pendingOperations(claims?: SignatureClaims): Promise<PendingOperation[]> {
      return (await call<{ operations: PendingOperation[] }>('GET', '/devices/operations', claims))!.operations;
    },
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
