import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFirebaseMessaging } from '../../../dispatch/createFirebaseMessaging.js';

describe('createFirebaseMessaging', () => {
  it('builds one named firebase-admin app per call, so two clients never share the default app', async () => {
    const [first, second] = [createFirebaseMessaging({ emulatorHost: '127.0.0.1:4010' }), createFirebaseMessaging({ emulatorHost: '[::1]:4010', projectId: 'demo' })];
    expect(first.messaging.app.name).toMatch(/^outband-[0-9a-f-]{36}$/);
    expect(second.messaging.app.name).not.toBe(first.messaging.app.name);
    expect([first.messaging.app.options.projectId, second.messaging.app.options.projectId]).toEqual(['outband-dev', 'demo']);
    await Promise.all([first.close(), second.close()]);
  });

  it.each(['localhost', '127.0.0.1:', '127.0.0.1:99999', ':4010'])('refuses the emulator host %s', (emulatorHost) => {
    expect(() => createFirebaseMessaging({ emulatorHost })).toThrow(RangeError);
  });

  it('builds a real-FCM client from a service-account file', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const path = join(mkdtempSync(join(tmpdir(), 'outband-sa-')), 'service-account.json');
    writeFileSync(
      path,
      JSON.stringify({
        type: 'service_account',
        project_id: 'outband-test',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: 'fcm@outband-test.iam.gserviceaccount.com',
      }),
    );
    const firebase = createFirebaseMessaging({ serviceAccountPath: path });
    expect(firebase.messaging.app.options.httpAgent).toBeUndefined();
    await firebase.close();
  });
});
