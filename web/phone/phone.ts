// A phone in the browser: the simulated phone of device/ behind a page. It "scans" a pasted link
// or QR text, an uploaded QR code PNG or (where the browser has BarcodeDetector) the camera;
// registers; creates its push target at the FCM emulator and long-polls it; shows each request
// with its channel-linking string or number choices, and answers on Approve or Deny.
import {
  createAuthenticator,
  createDeviceService,
  createDispatchTarget,
  createPhone,
  createPhoneKeys,
  createPushReceiver,
  decodeDispatchPayload,
  decodeNmaPayload,
  parseDeepLink,
  PushReceiverError,
  readQrCode,
  testAuthenticatorProfile,
  type DeviceService,
  type DispatchPayload,
  type NmaData,
  type PushReceiver,
} from '../../device/index.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const config = (await (await fetch('/phone/config.json')).json()) as { facetId: string; fcmEmulatorUrl: string };

// Outband's API has no CORS headers: the phone's calls to it go through the demo's relay.
const relayFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input), location.href);
  const viaRelay = url.origin !== location.origin && url.pathname.startsWith('/nevisfido/');
  return fetch(viaRelay ? `/phone/relay${url.pathname}${url.search}` : input, init);
};

const keys = await createPhoneKeys();
const authenticator = createAuthenticator({ profile: testAuthenticatorProfile('4F42#0001') });
const phone = createPhone({ facetID: config.facetId, authenticators: [authenticator], keys, fetch: relayFetch });
$<HTMLInputElement>('phone-name').value = `Browser phone ${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
let push: PushReceiver | undefined;
/** This tab is one app installation: its deviceId, and the Device Service once it has a target. */
const deviceId = crypto.randomUUID();
let deviceService: DeviceService | undefined;

interface Pending {
  payload: DispatchPayload;
  nmaData: NmaData;
  notification?: { title?: string; body?: string };
}
let pending: Pending | undefined;

const say = (text: string) => ($('phone-status').textContent = text);
const remember = (text: string) => $('history').append(Object.assign(document.createElement('li'), { textContent: text }));
const operationOf = (redeemUrl: string) => redeemUrl.split('/').pop() ?? 'request';

function parseScan(text: string): DispatchPayload {
  const trimmed = text.trim();
  return trimmed.includes('dispatchTokenResponse=') ? parseDeepLink(trimmed) : decodeDispatchPayload(trimmed);
}

async function show(payload: DispatchPayload, notification?: Pending['notification']): Promise<void> {
  const nmaData = await decodeNmaPayload(payload, { decryptionKey: keys.encryption.privateKey });
  pending = { payload, nmaData, notification };
  const operation = operationOf(nmaData.redeem_url);
  $('request-title').textContent = notification?.title ?? (operation === 'registration' ? 'Register this phone' : 'Log in');
  $('request-text').textContent = notification?.body ?? `${operation === 'registration' ? 'Register this phone with' : 'Confirm a login at'} ${new URL(nmaData.redeem_url).host}?`;
  // The relying party's dispatchInformation.data, as it sent it (text or JSON).
  $('request-data').hidden = nmaData.data === undefined;
  $('request-data').querySelector('span')!.textContent = typeof nmaData.data === 'string' ? nmaData.data : JSON.stringify(nmaData.data ?? '');
  const linking = nmaData.channel_linking;
  $('request-linking').hidden = typeof linking !== 'string';
  $('request-linking').querySelector('strong')!.textContent = typeof linking === 'string' ? linking : '';
  const choices = $('request-choices');
  choices.hidden = !Array.isArray(linking);
  choices.replaceChildren(choices.querySelector('legend')!);
  if (Array.isArray(linking)) {
    for (const [index, choice] of linking.entries()) {
      const label = document.createElement('label');
      label.append(Object.assign(document.createElement('input'), { type: 'radio', name: 'choice', value: String(choice), checked: index === 0 }), ` ${choice}`);
      choices.append(label);
    }
  }
  $('request').hidden = false;
  say('A request is waiting: approve or deny.');
}

async function answer(deny: boolean): Promise<void> {
  if (!pending) return;
  const { payload, nmaData } = pending;
  pending = undefined;
  $('request').hidden = true;
  const choice = document.querySelector<HTMLInputElement>('#request-choices input:checked')?.value;
  say(deny ? 'Denying…' : 'Approving…');
  const before = authenticator.displayed.length;
  const result = await phone.redeem(payload, { deny, ...(choice !== undefined && { channelLinkingAnswer: choice }) });
  const shown = authenticator.displayed.slice(before).map(({ text }) => text);
  if (deny) {
    say('Denied.');
    remember(`Denied ${operationOf(nmaData.redeem_url)}`);
    return;
  }
  if (result.op === 'Reg') {
    const username = authenticator.registrations().at(-1)?.username ?? 'unknown';
    remember(`Registered as ${username}`);
    await startPush(result.serverResponse?.additionalTokens?.[0]?.value, nmaData.redeem_url);
    say(`Registered as ${username}. Waiting for pushes.`);
  } else {
    say(shown.length ? `Confirmed: ${shown.join(' ')}` : 'Login confirmed.');
    remember(shown.length ? `Confirmed: ${shown.join(' ')}` : 'Login confirmed');
  }
}

async function startPush(deviceToken: string | undefined, redeemUrl: string): Promise<void> {
  if (!deviceToken) return;
  const firstTarget = push === undefined;
  push ??= await createPushReceiver({ emulatorUrl: config.fcmEmulatorUrl });
  const serverUrl = redeemUrl.slice(0, redeemUrl.lastIndexOf('/token/redeem/'));
  const target = await createDispatchTarget({ serverUrl, deviceToken, name: $<HTMLInputElement>('phone-name').value.trim() || 'Browser phone', pushToken: push.token, keys, deviceId, fetch: relayFetch });
  // A lost push: the app asks the server for what was dispatched to it (the fetch channel).
  deviceService ??= createDeviceService({ serverUrl, keys, dispatchTargetId: target.id, fetch: relayFetch });
  $('fetch-pending').hidden = false;
  // One push token per tab: a later registration (another user) adds a target, not a second listener.
  if (firstTarget) void listen(push);
}

async function listen(receiver: PushReceiver): Promise<void> {
  for (;;) {
    try {
      const message = await receiver.nextMessage({ timeoutMs: 60_000 });
      const payload = { nma_data: message.data.nma_data!, nma_data_content_type: message.data.nma_data_content_type!, nma_data_version: message.data.nma_data_version! };
      await show(payload as DispatchPayload, message.notification);
    } catch (error) {
      if (error instanceof PushReceiverError && error.code === 'pushTimeout') continue;
      say(`Push stopped: ${(error as Error).message}`);
      return;
    }
  }
}

/** Runs a step and puts any failure on the screen in words. */
const guarded = (step: () => Promise<void>) => () => void step().catch((error: Error) => say(`Failed: ${error.message}`));

$('scan').addEventListener('submit', (event) => {
  event.preventDefault();
  guarded(() => show(parseScan($<HTMLInputElement>('scan-text').value)))();
});
$<HTMLInputElement>('qr-file').addEventListener('change', guarded(async () => {
  const file = $<HTMLInputElement>('qr-file').files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  await show(parseScan(readQrCode(btoa(binary))));
}));
$('fetch-pending').addEventListener('click', guarded(async () => {
  const [newest] = (await deviceService?.pendingOperations()) ?? [];
  if (newest) await show(newest.outOfBandPayload);
  else say('No requests waiting.');
}));
$('approve').addEventListener('click', guarded(() => answer(false)));
$('deny').addEventListener('click', guarded(() => answer(true)));

// The camera, where the browser can read QR codes itself.
const Detector = (globalThis as { BarcodeDetector?: new (options: { formats: string[] }) => { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> } }).BarcodeDetector;
if (Detector && navigator.mediaDevices?.getUserMedia) {
  $('camera').hidden = false;
  $('camera').addEventListener('click', guarded(async () => {
    const video = $<HTMLVideoElement>('camera-view');
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const detector = new Detector({ formats: ['qr_code'] });
    for (;;) {
      const [code] = await detector.detect(video);
      if (code) {
        stream.getTracks().forEach((track) => track.stop());
        video.hidden = true;
        return show(parseScan(code.rawValue));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }));
}
