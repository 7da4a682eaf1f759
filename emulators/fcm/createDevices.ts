import { randomBytes } from 'node:crypto';

// The simulated phones the emulator delivers to, by registration token: a bounded queue of
// undelivered messages per device and the long-poll waiters of each device.

/** A message as the phone receives it: FCM's `RemoteMessage` in short. */
export interface DeliveredMessage {
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
  readonly notification?: { readonly title?: string; readonly body?: string };
  readonly sentAt: string;
}

export type DeviceState = 'registered' | 'unregistered' | 'unknown';

export interface Devices {
  /** Registers a device; the token is made up like FCM's when none is given. */
  register(token?: string): { token: string; created: boolean };
  /** The app was uninstalled: later sends answer `UNREGISTERED`. */
  unregister(token: string): boolean;
  state(token: string): DeviceState;
  /** Hands the message to a waiting phone, or queues it. */
  deliver(token: string, message: DeliveredMessage): void;
  /** The next message, waiting up to `waitMs`; `undefined` when none came or the wait was aborted. */
  next(token: string, waitMs: number, signal: AbortSignal): Promise<DeliveredMessage | undefined>;
  reset(): void;
}

/** FCM keeps up to 100 pending messages per device; older ones are dropped. */
const maxPending = 100;

/** A token in FCM's look: instance id, colon, `APA91b` and a long random tail. */
function makeToken(): string {
  return `${randomBytes(16).toString('base64url')}:APA91b${randomBytes(105).toString('base64url')}`;
}

export const tokenPattern = /^[A-Za-z0-9_:-]{16,512}$/;

interface Device {
  readonly pending: DeliveredMessage[];
  readonly waiters: Set<(message: DeliveredMessage | undefined) => void>;
}

export function createDevices(): Devices {
  const devices = new Map<string, Device>();
  const unregistered = new Set<string>();

  return {
    register(token = makeToken()) {
      if (!tokenPattern.test(token)) throw new RangeError('A registration token is 16 to 512 characters of [A-Za-z0-9_:-].');
      unregistered.delete(token);
      if (devices.has(token)) return { token, created: false };
      devices.set(token, { pending: [], waiters: new Set() });
      return { token, created: true };
    },

    unregister(token) {
      const device = devices.get(token);
      if (device === undefined) return false;
      devices.delete(token);
      unregistered.add(token);
      for (const wake of device.waiters) wake(undefined);
      return true;
    },

    state: (token) => (devices.has(token) ? 'registered' : unregistered.has(token) ? 'unregistered' : 'unknown'),

    deliver(token, message) {
      const device = devices.get(token);
      if (device === undefined) return;
      const [wake] = device.waiters;
      if (wake !== undefined) {
        wake(message);
        return;
      }
      device.pending.push(message);
      if (device.pending.length > maxPending) device.pending.shift();
    },

    next(token, waitMs, signal) {
      const device = devices.get(token);
      if (device === undefined) return Promise.resolve(undefined);
      const queued = device.pending.shift();
      if (queued !== undefined || waitMs <= 0) return Promise.resolve(queued);
      return new Promise((resolve) => {
        const done = (message: DeliveredMessage | undefined) => {
          device.waiters.delete(done);
          clearTimeout(timer);
          signal.removeEventListener('abort', abort);
          resolve(message);
        };
        const abort = () => done(undefined);
        const timer = setTimeout(abort, waitMs);
        signal.addEventListener('abort', abort);
        device.waiters.add(done);
      });
    },

    reset() {
      for (const device of devices.values()) for (const wake of device.waiters) wake(undefined);
      devices.clear();
      unregistered.clear();
    },
  };
}
