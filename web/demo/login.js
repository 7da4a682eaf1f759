// The browser side of an out-of-band login: ask the relying party to start it, show the QR code
// or the push notice and the channel-linking string, then follow the status stream until the
// phone has answered. No polling: the server pushes each change (Server-Sent Events).

const $ = (id) => document.getElementById(id);

const messages = {
  tokenCreated: 'Waiting for your phone…',
  clientRegistering: 'Confirm on your phone…',
  clientAuthenticating: 'Confirm on your phone…',
  unknown: 'This login is unknown or has expired.',
};

function show(status) {
  const box = $('status');
  box.dataset.status = status.status;
  if (status.status === 'succeeded') box.textContent = `Welcome, ${status.userId}!`;
  else if (status.status === 'failed') box.textContent = `Not logged in (${status.failureReason ?? 'failed'}).`;
  else box.textContent = messages[status.status] ?? status.status;
}

async function start(path) {
  const username = $('username').value.trim();
  if (!username) return;
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
  const started = await response.json();
  if (!response.ok) {
    show({ status: 'failed', failureReason: started.error });
    return;
  }
  $('challenge').hidden = false;
  $('instruction').textContent = started.qrCode ? 'Scan this code with the Outband app.' : 'We sent a notification to your phone.';
  $('qr').hidden = !started.qrCode;
  if (started.qrCode) $('qr').src = `data:image/png;base64,${started.qrCode}`;
  $('link-box').hidden = !started.link;
  $('link').textContent = started.link ?? '';
  $('linking-box').hidden = !started.channelLinking;
  $('linking').textContent = started.channelLinking ?? '';

  const events = new EventSource(`/demo/status/${encodeURIComponent(started.sessionId)}/events`);
  events.addEventListener('status', (event) => show(JSON.parse(event.data)));
  events.onerror = () => events.close(); // the stream ends with the operation
}

$('form').addEventListener('submit', (event) => {
  event.preventDefault();
  void start('/demo/login');
});
$('register').addEventListener('click', () => void start('/demo/register'));
