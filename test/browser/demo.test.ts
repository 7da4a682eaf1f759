import type { Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDemoApp } from '../../demo/createDemoApp.js';
import {
  createAuthenticator,
  createDispatchTarget,
  createPhone,
  createPhoneKeys,
  createPushReceiver,
  decodeNmaPayload,
  parseDeepLink,
  readQrCode,
  testAuthenticatorProfile,
} from '../../device/index.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

// A person's view: the demo relying party's page in headless Chromium, a simulated phone that
// scans the QR code shown on that page and receives the push.
const rpKey = 'browser-demo-relying-party-key-0123456789';
let stack: TestStack;
let demo: Server;
let demoUrl: string;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), { RP_API_KEYS: rpKey });
  demo = createDemoApp({ outbandUrl: stack.url, rpKey }).listen(0, '127.0.0.1');
  await new Promise((resolve) => demo.once('listening', resolve));
  demoUrl = `http://127.0.0.1:${(demo.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  demo?.closeAllConnections();
  demo?.close();
  await stack?.close();
});

it('registers a phone by the QR code on the page, then logs in by push with the same visual string on both screens', async () => {
  const page = await browser.newPage();
  await page.goto(demoUrl);
  const keys = await createPhoneKeys();
  const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') });
  const phone = createPhone({ facetID: stack.config.uaf.trustedFacets[0]!, authenticators: [authenticator], keys });

  // Registration: the phone scans the QR code the page shows (decoded from the image's pixels).
  await page.fill('#username', 'browser-alice');
  await page.click('#register');
  await page.waitForSelector('#qr:not([hidden])');
  const qr = (await page.getAttribute('#qr', 'src'))!.replace('data:image/png;base64,', '');
  await expect.poll(() => page.textContent('#status')).toBe('Waiting for your phone…');
  // The QR code holds the deep link, which the page also shows as text.
  expect(await page.textContent('#link')).toBe(readQrCode(qr));
  const { serverResponse } = await phone.redeem(parseDeepLink(readQrCode(qr)));
  await expect.poll(() => page.textContent('#status'), { timeout: 10_000 }).toBe('Welcome, browser-alice!');

  // The app then registers its push target.
  const push = await createPushReceiver({ emulatorUrl: stack.fcm.url });
  const deviceToken = serverResponse!.additionalTokens![0]!.value;
  await createDispatchTarget({ serverUrl: `${stack.url}/nevisfido`, deviceToken, name: 'phone', pushToken: push.token, keys });

  // Login by push: page and phone show the same channel-linking string.
  await page.reload();
  await page.fill('#username', 'browser-alice');
  await page.click('#login');
  await page.waitForSelector('#linking-box:not([hidden])');
  const shown = await page.textContent('#linking');
  expect(shown).toMatch(/^[A-Z2-9]{6}$/);
  expect(await page.isHidden('#qr')).toBe(true);
  const payload = await push.nextPayload();
  const onPhone = await decodeNmaPayload(payload, { decryptionKey: keys.encryption.privateKey });
  expect(onPhone.channel_linking).toBe(shown);
  await phone.redeem(payload);
  await expect.poll(() => page.textContent('#status'), { timeout: 10_000 }).toBe('Welcome, browser-alice!');
  if (process.env.OUTBAND_SCREENSHOTS) await page.screenshot({ path: process.env.OUTBAND_SCREENSHOTS });
});
