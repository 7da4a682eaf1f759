import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { connect } from 'node:net';
import { cert, deleteApp, initializeApp, type App, type AppOptions, type Credential } from 'firebase-admin/app';
import { getMessaging, type Messaging } from 'firebase-admin/messaging';

// Builds the firebase-admin Messaging client the FCM dispatcher is given. The caller (worker
// main) passes what the configuration says; nothing here reads the environment.
//
// Emulator transport (DESIGN.md §6, verified): a credential whose getAccessToken() returns a
// dummy token and an https.Agent whose createConnection hands back a plain TCP socket to the
// emulator. firebase-admin still believes it speaks to https://fcm.googleapis.com, so the
// request path, headers, retries and error mapping are the real ones.

export type FirebaseMessagingOptions =
  | {
      /** `host:port` of an FCM-HTTP-v1-compatible endpoint over plain HTTP (`FCM_EMULATOR_HOST`). */
      readonly emulatorHost: string;
      /** The project in the request path; any name does for the emulator. */
      readonly projectId?: string;
    }
  | {
      /** Service-account JSON file (`GOOGLE_APPLICATION_CREDENTIALS`); the project is the account's. */
      readonly serviceAccountPath: string;
    };

export interface FirebaseMessaging {
  readonly messaging: Messaging;
  /** Deletes the firebase-admin app and closes its connections. */
  close(): Promise<void>;
}

export const emulatorProjectId = 'outband-dev';

/** A credential for the emulator, which checks that a bearer token is present, not what it is. */
const emulatorCredential: Credential = {
  getAccessToken: async () => ({ access_token: 'outband-fcm-emulator', expires_in: 3600 }),
};

/** `host:port` or `[v6]:port`. */
function parseHostPort(hostPort: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(hostPort);
  const port = Number(match?.[2]);
  if (match?.[1] === undefined || !(port > 0 && port < 65536)) throw new RangeError(`emulatorHost must be host:port, got ${hostPort}.`);
  return { host: match[1], port };
}

/** An https.Agent that opens plain TCP connections to one host, whatever the URL says. */
class PlainEmulatorAgent extends Agent {
  constructor(private readonly address: { host: string; port: number }) {
    super({ keepAlive: true });
  }

  override createConnection(): ReturnType<Agent['createConnection']> {
    return connect(this.address);
  }
}

export function createFirebaseMessaging(options: FirebaseMessagingOptions): FirebaseMessaging {
  let appOptions: AppOptions;
  let agent: Agent | undefined;
  if ('emulatorHost' in options) {
    agent = new PlainEmulatorAgent(parseHostPort(options.emulatorHost));
    appOptions = { credential: emulatorCredential, projectId: options.projectId ?? emulatorProjectId, httpAgent: agent };
  } else {
    appOptions = { credential: cert(options.serviceAccountPath) };
  }
  // A named app of our own, so two instances (tests, api and worker in one process) never share firebase-admin's default app.
  const app: App = initializeApp(appOptions, `outband-${randomUUID()}`);
  return {
    messaging: getMessaging(app),
    async close() {
      await deleteApp(app);
      agent?.destroy();
    },
  };
}
