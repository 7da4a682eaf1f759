/**
 * `npm run phone -- '<registration link>'`: a simulated phone on the command line, for trying the
 * demo of `npm start` without the Nevis app. It registers with the link the demo page shows,
 * creates its push target at the FCM emulator, then approves each login pushed to it, printing
 * the channel-linking string to compare with the browser's. Ctrl-C uninstalls it.
 */
import { createAuthenticator } from './authenticator/createAuthenticator.js';
import { createPhone } from './createPhone.js';
import { createDispatchTarget } from './oob/createDispatchTarget.js';
import { createPhoneKeys } from './oob/createPhoneKeys.js';
import { createPushReceiver, PushReceiverError } from './oob/createPushReceiver.js';
import { decodeNmaPayload } from './oob/decodeNmaPayload.js';
import { parseDeepLink } from './oob/parseDeepLink.js';
import { testAuthenticatorProfile } from './testAuthenticators.js';

const link = process.argv[2];
if (!link) {
  process.stderr.write("usage: npm run phone -- '<registration link from the demo page>'\n");
  process.exit(2);
}
const emulatorUrl = `http://${process.env.FCM_EMULATOR_HOST ?? '127.0.0.1:4010'}`;
const say = (line: string) => process.stdout.write(`phone: ${line}\n`);

const payload = parseDeepLink(link);
const { redeem_url: redeemUrl } = await decodeNmaPayload(payload);
const server = new URL(redeemUrl).origin;
const keys = await createPhoneKeys();
const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') });
const phone = createPhone({ facetID: `${server}/nevisfido/uaf/1.1/facets`, authenticators: [authenticator], keys });

const { serverResponse } = await phone.redeem(payload);
const username = authenticator.registrations().at(-1)?.username ?? 'unknown';
say(`registered as ${username} (authenticator 4F42#0001)`);

const push = await createPushReceiver({ emulatorUrl });
await createDispatchTarget({
  serverUrl: `${server}/nevisfido`,
  deviceToken: serverResponse?.additionalTokens?.[0]?.value ?? '',
  name: `simulated phone ${push.token.slice(0, 6)}`,
  pushToken: push.token,
  keys,
});
say('push target created; waiting for logins (Ctrl-C to stop)');

process.on('SIGINT', () => void push.unregister().finally(() => process.exit(0)));
for (;;) {
  try {
    const pushed = await push.nextPayload({ timeoutMs: 30_000 });
    const nmaData = await decodeNmaPayload(pushed, { decryptionKey: keys.encryption.privateKey });
    say(`login request${nmaData.channel_linking ? `; the browser should show ${nmaData.channel_linking}` : ''}: approving`);
    await phone.redeem(pushed);
    say(`approved${authenticator.displayed.length ? ` (showed: ${authenticator.displayed.at(-1)!.text})` : ''}`);
  } catch (error) {
    if (error instanceof PushReceiverError && error.code === 'pushTimeout') continue;
    say(`failed: ${(error as Error).message}`);
  }
}
