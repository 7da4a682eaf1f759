import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, devices, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoApp } from '../../demo/createDemoApp.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

// A person's view, end to end: the Alpine Bank demo (built on the kit in web/kit + rp/) and the
// phone in the browser (/phone, built on device/) in headless Chromium, against the real stack:
// Temporal, FerretDB, the worker, the API and the FCM emulator. One stack for the whole file.
const rpKey = 'browser-demo-relying-party-key-0123456789';
const screenshots = join(process.cwd(), 'test-artifacts', 'screenshots');
const password = 'correct horse battery';
let stack: TestStack;
let demo: Server;
let demoUrl: string;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), { RP_API_KEYS: rpKey });
  const app = await createDemoApp({ outbandUrl: stack.url, rpKey, db: stack.database.db, cookieSecret: 'browser-test-cookie-secret-0123456789abcdef', fcmEmulatorUrl: stack.fcm.url });
  demo = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => demo.once('listening', resolve));
  demoUrl = `http://127.0.0.1:${(demo.address() as { port: number }).port}`;
  await mkdir(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  demo?.closeAllConnections();
  demo?.close();
  await stack?.close();
});

const axeScript = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** A screenshot kept as a test artifact, and an axe check of the page in that state. */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  await expectAccessible(page, name);
}

/** axe-core on the page as it is now: no serious or critical violation. */
async function expectAccessible(page: Page, state: string): Promise<void> {
  await page.addScriptTag({ path: axeScript });
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run();
    return result.violations.filter(({ impact }) => impact === 'serious' || impact === 'critical').map(({ id }) => id);
  });
  expect({ state, violations }).toEqual({ state, violations: [] });
}

/** A browser of its own (its own cookies), on the demo. */
async function openBrowser(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: demoUrl, ...options });
  return { context, page: await context.newPage() };
}

async function signUp(page: Page, username: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect.poll(() => page.textContent('h1')).toBe(`Welcome, ${username}`);
}

async function logInWithPassword(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect.poll(() => page.textContent('h1')).toBe(`Welcome, ${username}`);
}

async function startPhoneLogin(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('User name').fill(username);
  await page.getByRole('button', { name: 'Log in with phone' }).click();
}

/** A phone in a tab of the given browser, named as the user will see it in the list. */
async function openPhone(context: BrowserContext, name: string): Promise<Page> {
  const phone = await context.newPage();
  await phone.goto('/phone');
  await expect.poll(() => phone.getByLabel('Phone name').inputValue()).not.toBe('');
  await phone.getByLabel('Phone name').fill(name);
  return phone;
}

/** On the account page: "Register your phone", the phone scans (PNG upload or pasted link), approves. */
async function registerPhone(page: Page, phone: Page, how: 'upload' | 'paste'): Promise<void> {
  await page.getByRole('button', { name: 'Register your phone' }).click();
  const qr = page.getByAltText(/QR code/);
  await qr.waitFor();
  const src = (await qr.getAttribute('src'))!;
  expect(src).toMatch(/^data:image\/png;base64,/);
  if (how === 'upload') {
    const file = join(tmpdir(), `outband-qr-${Date.now()}.png`);
    await writeFile(file, Buffer.from(src.split(',')[1]!, 'base64'));
    await phone.getByLabel('QR code image').setInputFiles(file);
  } else {
    await phone.getByLabel('Link or QR text').fill((await page.locator('#registration-link').textContent())!);
    await phone.getByRole('button', { name: 'Open' }).click();
  }
  await phone.getByRole('button', { name: 'Approve' }).click();
  await expect.poll(() => page.locator('#registration-status').textContent(), { timeout: 15_000 }).toBe('Phone registered');
  await expect.poll(() => phone.locator('#phone-status').textContent(), { timeout: 15_000 }).toMatch(/Waiting for pushes/);
}

const welcome = (page: Page, username: string) => expect.poll(() => page.textContent('h1'), { timeout: 15_000 }).toBe(`Welcome, ${username}`);

describe('the Alpine Bank demo with a phone in the browser', () => {
  let alice: { context: BrowserContext; page: Page; phone: Page };

  it('registers a phone by QR code after a password login, then logs in by push with the same visual string on both pages', async () => {
    const { context, page } = await openBrowser();
    await signUp(page, 'alice');
    const phone = await openPhone(context, "Alice's phone");
    await registerPhone(page, phone, 'upload');
    await shot(page, 'account-phone-registered');
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Log in');

    await startPhoneLogin(page, 'alice');
    const shown = page.getByTestId('channel-linking');
    await shown.waitFor();
    const string = (await shown.textContent())!;
    expect(string).toMatch(/^[A-Z2-9]{6}$/);
    await expect.poll(() => phone.getByTestId('phone-channel-linking').textContent(), { timeout: 15_000 }).toBe(string);
    await shot(page, 'login-channel-linking');
    await shot(phone, 'phone-login-request');
    await phone.getByRole('button', { name: 'Approve' }).click();
    await welcome(page, 'alice');
    await shot(page, 'login-welcome');
    alice = { context, page, phone };
  });

  it('two phones: the user picks one and only that one is pushed', async () => {
    const { context, page } = await openBrowser();
    await signUp(page, 'bob');
    const work = await openPhone(context, "Bob's work phone");
    await registerPhone(page, work, 'paste');
    await page.reload();
    const home = await openPhone(context, "Bob's home phone");
    await registerPhone(page, home, 'paste');
    await page.getByRole('button', { name: 'Log out' }).click();

    await startPhoneLogin(page, 'bob');
    await page.getByLabel("Bob's home phone").check();
    await shot(page, 'login-choose-phone');
    await page.getByRole('button', { name: 'Send to this phone' }).click();
    const string = (await page.getByTestId('channel-linking').textContent())!;
    await expect.poll(() => home.getByTestId('phone-channel-linking').textContent(), { timeout: 15_000 }).toBe(string);
    await home.getByRole('button', { name: 'Approve' }).click();
    await welcome(page, 'bob');
    expect(await work.locator('#request').isHidden()).toBe(true);
    await context.close();
  });

  it('push fails (UNREGISTERED): "Show QR code instead" and the login completes on the QR session', async () => {
    // A user of its own: Outband marks a target dead after UNREGISTERED, alice keeps hers.
    const { context, page } = await openBrowser();
    await signUp(page, 'dave');
    const phone = await openPhone(context, "Dave's phone");
    await registerPhone(page, phone, 'paste');
    await page.getByRole('button', { name: 'Log out' }).click();
    const fault = (method: string) => fetch(`${stack.fcm.url}/emulator/devices/*/fault`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: 'unregistered' }) });
    await fault('PUT');
    try {
      await startPhoneLogin(page, 'dave');
      await expect.poll(() => page.locator('.outband-message').textContent(), { timeout: 15_000 }).toBe('We could not reach your phone.');
    } finally {
      await fault('DELETE');
    }
    await page.getByRole('button', { name: 'Show QR code instead' }).click();
    const qr = page.getByAltText(/QR code/);
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await shot(page, 'login-fallback-qr');
    await phone.getByLabel('Link or QR text').fill((await page.locator('.outband-link').textContent())!);
    await phone.getByRole('button', { name: 'Open' }).click();
    await phone.getByRole('button', { name: 'Approve' }).click();
    await welcome(page, 'dave');
    await context.close();
  });

  it('a mobile user agent gets "Open the app"', async () => {
    const { context, page } = await openBrowser({ ...devices['iPhone 13'], baseURL: demoUrl });
    await startPhoneLogin(page, 'alice');
    await page.getByRole('button', { name: 'Open the app' }).waitFor();
    expect(await page.getByRole('button', { name: 'Show QR code instead' }).count()).toBe(0);
    await shot(page, 'login-mobile-open-the-app');
    // Answer the push so the phone is free for the next test.
    await alice.phone.getByRole('button', { name: 'Deny' }).click();
    await expect.poll(() => page.locator('.outband-message').textContent(), { timeout: 15_000 }).toBe('You denied this login on your phone.');
    await context.close();
  });

  it('number match: the browser shows a number, the user picks it among the choices on the phone', async () => {
    const app = await createDemoApp({ outbandUrl: stack.url, rpKey, db: stack.database.db, cookieSecret: 'browser-test-cookie-secret-0123456789abcdef', fcmEmulatorUrl: stack.fcm.url, channelLinking: 'number-match' });
    const numberMatchDemo = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => numberMatchDemo.once('listening', resolve));
    try {
      const { context, page } = await openBrowser({ baseURL: `http://127.0.0.1:${(numberMatchDemo.address() as { port: number }).port}` });
      await startPhoneLogin(page, 'alice');
      const number = (await page.getByTestId('channel-linking').textContent())!;
      expect(number).toMatch(/^\d{2}$/);
      await alice.phone.getByRole('group', { name: /Pick the number/ }).waitFor();
      expect(await alice.phone.getByRole('radio').count()).toBe(3);
      await alice.phone.getByLabel(number, { exact: true }).check();
      await alice.phone.getByRole('button', { name: 'Approve' }).click();
      await welcome(page, 'alice');
      await context.close();
    } finally {
      numberMatchDemo.closeAllConnections();
      numberMatchDemo.close();
    }
  });

  it('without EventSource the kit polls the status and still logs in', async () => {
    const { context, page } = await openBrowser();
    await context.addInitScript(() => delete (globalThis as { EventSource?: unknown }).EventSource);
    const polled = page.waitForRequest((request) => /\/outband\/status\/[^/]+$/.test(new URL(request.url()).pathname));
    await startPhoneLogin(page, 'alice');
    await page.getByTestId('channel-linking').waitFor();
    await polled;
    await alice.phone.getByRole('button', { name: 'Approve' }).click();
    await welcome(page, 'alice');
    await context.close();
  });

  it('deny on the phone: the page says so', async () => {
    const { context, page } = await openBrowser();
    await startPhoneLogin(page, 'alice');
    await page.getByTestId('channel-linking').waitFor();
    await alice.phone.getByRole('button', { name: 'Deny' }).click();
    await expect.poll(() => page.locator('.outband-message').textContent(), { timeout: 15_000 }).toBe('You denied this login on your phone.');
    await shot(page, 'login-denied');
    await context.close();
  });

  it('a user without a phone gets the no-phone message at once, never a wait', async () => {
    const { context, page } = await openBrowser();
    await signUp(page, 'carol');
    await page.getByRole('button', { name: 'Log out' }).click();
    await logInWithPassword(page, 'carol');
    await page.getByRole('button', { name: 'Log out' }).click();
    await startPhoneLogin(page, 'carol');
    await expect.poll(() => page.locator('.outband-message').textContent(), { timeout: 5_000 }).toBe('No phone is registered for carol.');
    expect(await page.getByRole('link', { name: /register your phone/ }).count()).toBe(1);
    await shot(page, 'login-no-phone');
    await context.close();
  });

  it('payment confirmation: the exact text on the phone, "Payment confirmed" once', async () => {
    const { page } = alice;
    await page.goto('/pay');
    const text = (await page.locator('#payment-text').textContent())!;
    expect(text).toMatch(/^Pay 200\.00 CHF to /);
    const confirmed = page.waitForResponse((response) => /\/pay\/[^/]+\/confirm$/.test(response.url()));
    await page.getByRole('button', { name: 'Pay' }).click();
    await expect.poll(() => alice.phone.locator('#request-text').textContent(), { timeout: 15_000 }).toBe(text);
    await alice.phone.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('#payment-status').textContent(), { timeout: 15_000 }).toBe('Payment confirmed');
    // What the authenticator displayed and signed is the payment text itself.
    expect(await alice.phone.locator('#phone-status').textContent()).toBe(`Confirmed: ${text}`);
    expect(await page.getByText('Payment confirmed').count()).toBe(1);
    // A second confirmation of the same payment books nothing.
    const paymentPath = new URL((await confirmed).url()).pathname;
    const again = await page.evaluate(async (path) => {
      const csrf: string = (globalThis as any).document.querySelector('meta[name="csrf-token"]').content;
      return (await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: '{}' })).json();
    }, paymentPath);
    expect(again).toEqual({ state: 'confirmed', bookedNow: false });
    await shot(page, 'payment-confirmed');
    await shot(alice.phone, 'phone-payment-confirmed');
  });

  it("the session id of another user's login cannot log this user in", async () => {
    // Mallory's browser starts a login for carol (no phone), then posts a succeeded session id of alice's login.
    const alicesSession = await captureSucceededLogin();
    const { context: mallory, page } = await openBrowser();
    await startPhoneLogin(page, 'carol');
    await page.locator('.outband-message').filter({ hasText: 'No phone' }).waitFor();
    await page.evaluate((sessionId) => {
      const { document, HTMLFormElement } = globalThis as any;
      const form = document.forms.namedItem('ooblogin');
      form.elements.namedItem('sessionId').value = sessionId;
      HTMLFormElement.prototype.submit.call(form);
    }, alicesSession);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Not logged in: /);
    expect(await page.textContent('h1')).toBe('Log in');
    await mallory.close();
  });

  /** Alice logs in by phone in a browser of her own; returns the session id her browser posted. */
  async function captureSucceededLogin(): Promise<string> {
    const { context, page } = await openBrowser();
    const posted = page.waitForRequest((request) => request.method() === 'POST' && new URL(request.url()).pathname === '/login');
    await startPhoneLogin(page, 'alice');
    await page.getByTestId('channel-linking').waitFor();
    await alice.phone.getByRole('button', { name: 'Approve' }).click();
    const sessionId = new URLSearchParams((await posted).postData()!).get('sessionId')!;
    await welcome(page, 'alice');
    await context.close();
    return sessionId;
  }

  it('refuses a POST without the CSRF token, kit calls that are not JSON, and status of a session this browser did not start', async () => {
    const form = await fetch(`${demoUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=alice&password=x', redirect: 'manual' });
    expect(form.status).toBe(403);
    const notJson = await fetch(`${demoUrl}/outband/start`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=alice' });
    expect({ status: notJson.status, body: await notJson.json() }).toMatchObject({ status: 415, body: { error: 'unsupportedMediaType' } });
    const started = await fetch(`${demoUrl}/outband/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"alice"}' });
    const cookie = started.headers.get('set-cookie')!.split(';')[0]!;
    const foreign = await fetch(`${demoUrl}/outband/status/some-other-session`, { headers: { cookie } });
    expect({ status: foreign.status, body: await foreign.json() }).toMatchObject({ status: 404, body: { error: 'unknownSession' } });
    const broken = await fetch(`${demoUrl}/outband/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    expect({ status: broken.status, body: await broken.json() }).toMatchObject({ status: 400, body: { error: 'invalidRequest' } });
  });

  it('every page passes axe (no serious or critical violation) and every control is reachable by keyboard', async () => {
    const { context, page } = await openBrowser();
    const pages: [string, () => Promise<void>][] = [
      ['/', async () => {}],
      ['/signup', async () => {}],
      ['/phone', async () => void (await expect.poll(() => page.getByLabel('Phone name').inputValue()).not.toBe(''))],
      ['/account', async () => {}],
      ['/pay', async () => {}],
    ];
    for (const [path, ready] of pages) {
      if (path === '/account') await signUp(page, 'erin');
      await page.goto(path);
      await ready();
      await expectAccessible(page, path);
      // Tab through the page: every visible control must be reached.
      const controls = await page.locator('a[href]:visible, button:visible, input:not([type=hidden]):visible').count();
      const reached = new Set<string>();
      for (let step = 0; step < controls + 2; step++) {
        await page.keyboard.press('Tab');
        reached.add(
          await page.evaluate(() => {
            const element = (globalThis as any).document.activeElement;
            return `${element.tagName}#${element.id}:${element.textContent?.trim()}:${element.name ?? ''}:${element.href ?? ''}`;
          }),
        );
      }
      const reachedControls = [...reached].filter((key) => /^(A|BUTTON|INPUT)#/.test(key)).length;
      expect({ path, reachedControls }).toEqual({ path, reachedControls: controls });
    }
    await context.close();
  }, 180_000);
});
