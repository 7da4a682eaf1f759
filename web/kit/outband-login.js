// Outband out-of-band login kit, browser side (docs/kit.md). No framework. It activates on every
// <form name="ooblogin">: on submit it asks the relying party's server (the kit router, at the
// form's data-outband path, default /outband) for the user's phones, lets the user pick one when
// there are several, has the login pushed, shows the channel-linking string to compare with the
// phone, follows the status (Server-Sent Events, polling when a stream breaks) and, on success,
// submits the form to its action with the session id, where the server checks it.

const texts = {
  typeName: 'Type your user name.',
  looking: 'Looking for your phone…',
  choose: 'Which phone should we ask?',
  waiting: 'Waiting for your phone…',
  confirm: 'Confirm on your phone…',
  unreachable: 'We could not reach your phone.',
  scan: 'Scan this QR code with the app on your phone.',
  openApp: 'Opening the app…',
  done: 'Confirmed. Logging you in…',
  denied: 'You denied this login on your phone.',
  expired: 'This login has expired. Start again.',
  mismatch: 'The phone did not confirm the same code. Start again.',
  failed: 'The login failed. Start again.',
  unknown: 'This login is unknown or has expired. Start again.',
  network: 'The server cannot be reached. Try again.',
};
const failureTexts = { denied: texts.denied, tokenExpired: texts.expired, requestExpired: texts.expired, channelLinkingMismatch: texts.mismatch };

const isMobile = () => navigator.userAgentData?.mobile ?? /Mobi|Android|iPhone|iPad/i.test(navigator.userAgent);

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function activate(form) {
  if (form.dataset.outbandActive) return;
  form.dataset.outbandActive = '1';
  const base = (form.dataset.outband || '/outband').replace(/\/+$/, '');
  const panel = element('div', { class: 'outband-panel' });
  const message = element('p', { class: 'outband-message', role: 'status', 'aria-live': 'polite' });
  panel.append(message);
  form.after(panel);
  const sessionField = form.elements.sessionId ?? form.appendChild(element('input', { type: 'hidden', name: 'sessionId' }));
  let sessionId;
  let stream;
  let poller;
  let finished = true;
  let unreachable = false;

  const say = (text) => (message.textContent = text);
  const clear = () => {
    panel.replaceChildren(message);
    stream?.close();
    clearTimeout(poller);
  };
  const call = async (path, body) => {
    const response = await fetch(base + path, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body && JSON.stringify(body),
      credentials: 'same-origin',
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.message || texts.failed);
    return answer;
  };
  const guarded = (step) => (...args) =>
    step(...args).catch((error) => {
      finished = true;
      clear();
      say(error instanceof TypeError ? texts.network : error.message);
    });

  const start = guarded(async () => {
    clear();
    const username = form.elements.username?.value.trim();
    if (!username) return say(texts.typeName);
    finished = false;
    say(texts.looking);
    const { targets } = await call('/start', { username });
    if (targets.length === 0) return noPhone(username);
    if (targets.length === 1) return dispatch(targets[0].id);
    choose(targets);
  });

  function noPhone(username) {
    finished = true;
    say(`No phone is registered for ${username}.`);
    const other = form.dataset.outbandNoPhoneHref;
    if (other) panel.append(element('a', { href: other }, form.dataset.outbandNoPhoneText || 'Log in another way and register your phone'));
  }

  function choose(targets) {
    say(texts.choose);
    const list = element('fieldset', { class: 'outband-targets' });
    list.append(element('legend', {}, 'Your phones'));
    targets.forEach((target, index) => {
      const label = element('label');
      const radio = element('input', { type: 'radio', name: 'outbandTarget', value: target.id });
      radio.checked = index === 0;
      label.append(radio, ` ${target.name}`);
      list.append(label);
    });
    const send = element('button', { type: 'button' }, 'Send to this phone');
    send.addEventListener('click', () => dispatch(list.querySelector('input:checked').value));
    list.append(send);
    panel.append(list);
  }

  const dispatch = guarded(async (targetId) => {
    clear();
    const started = await call('/dispatch', { targetId });
    unreachable = !started.dispatched;
    say(unreachable ? texts.unreachable : texts.waiting);
    if (started.channelLinking) {
      const pick = started.channelLinkingMode === 'number-match';
      const line = element('p', { class: 'outband-linking' }, pick ? 'On your phone, pick ' : 'Check that your phone shows ');
      line.append(element('strong', { 'data-testid': 'channel-linking' }, started.channelLinking));
      panel.append(line);
    }
    const mobile = isMobile();
    const fallback = element('button', { type: 'button', class: 'outband-fallback' }, mobile ? 'Open the app' : 'Show QR code instead');
    fallback.addEventListener('click', () => showFallback(mobile));
    panel.append(fallback);
    follow(started.sessionId);
  });

  const showFallback = guarded(async (mobile) => {
    const started = await call('/fallback', { sessionId, mobile });
    clear();
    finished = false;
    unreachable = false;
    const link = element('a', { href: started.link, class: 'outband-link' }, started.link);
    if (started.qrCode) {
      say(texts.scan);
      panel.append(element('img', { src: started.qrCode, alt: 'QR code to scan with your phone', width: '220', height: '220' }));
      const line = element('p', {}, 'Or open this link on your phone: ');
      line.append(link);
      panel.append(line);
    } else {
      say(texts.openApp);
      panel.append(link);
    }
    follow(started.sessionId);
    if (mobile) location.assign(started.link);
  });

  function follow(id) {
    sessionId = id;
    stream?.close();
    const url = `${base}/status/${encodeURIComponent(id)}`;
    if (typeof EventSource === 'function') {
      stream = new EventSource(`${url}/events`);
      stream.addEventListener('status', (event) => id === sessionId && show(JSON.parse(event.data)));
      // The stream ends with the operation; if it breaks before, poll instead.
      stream.onerror = () => {
        stream.close();
        if (!finished && id === sessionId) poll(url, id);
      };
    } else poll(url, id);
  }

  function poll(url, id) {
    poller = setTimeout(
      guarded(async () => {
        if (finished || id !== sessionId) return;
        show(await call(url.slice(base.length)));
        if (!finished) poll(url, id);
      }),
      1500,
    );
  }

  function show(status) {
    if (finished) return;
    if (status.status === 'succeeded') {
      finished = true;
      clear();
      say(texts.done);
      sessionField.value = sessionId;
      HTMLFormElement.prototype.submit.call(form);
    } else if (status.status === 'failed' || status.status === 'unknown') {
      finished = true;
      clear();
      say(status.status === 'unknown' ? texts.unknown : failureTexts[status.failureReason] || texts.failed);
    } else say(status.status !== 'tokenCreated' ? texts.confirm : unreachable ? texts.unreachable : texts.waiting);
  }

  form.addEventListener('submit', (event) => {
    // In a form that also logs in by password, only the button marked data-outband-login starts this.
    if (form.querySelector('[data-outband-login]') && !event.submitter?.hasAttribute('data-outband-login')) return;
    event.preventDefault();
    void start();
  });
}

const activateAll = () => document.querySelectorAll('form[name="ooblogin"]').forEach(activate);
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', activateAll);
else activateAll();
