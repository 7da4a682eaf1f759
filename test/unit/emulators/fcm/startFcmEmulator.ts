import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { createFcmEmulator, type FcmEmulator } from '../../../../emulators/fcm/createFcmEmulator.js';

export interface RunningFcmEmulator {
  readonly emulator: FcmEmulator;
  /** `http://127.0.0.1:<port>` for the push receiver and control calls. */
  readonly url: string;
  /** `127.0.0.1:<port>`, as FCM_EMULATOR_HOST says it. */
  readonly host: string;
  close(): Promise<void>;
}

/** The emulator on a free loopback port, in process. */
export async function startFcmEmulator(logger: Logger = pino({ level: 'silent' })): Promise<RunningFcmEmulator> {
  const emulator = createFcmEmulator({ logger });
  const server = emulator.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    emulator,
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    async close() {
      emulator.reset();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Sets or clears a fault through the control API, as a test of another process would. */
export async function setFault(url: string, token: string, fault: Record<string, unknown> | undefined): Promise<void> {
  const path = `${url}/emulator/devices/${encodeURIComponent(token)}/fault`;
  const response =
    fault === undefined
      ? await fetch(path, { method: 'DELETE' })
      : await fetch(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  if (response.status !== 204) throw new Error(`Setting the fault answered ${response.status}.`);
}
