import { follow, post } from './follow.js';

const $ = (id) => document.getElementById(id);
const say = (text) => ($('registration-status').textContent = text);

$('register-phone').addEventListener('click', async () => {
  try {
    const started = await post('/account/phone');
    $('registration-qr').src = started.qrCode;
    $('registration-link').href = started.link;
    $('registration-link').textContent = started.link;
    $('registration').hidden = false;
    say('Waiting for your phone…');
    const status = await follow(`/account/phone/${encodeURIComponent(started.sessionId)}/events`, say);
    if (status.status === 'succeeded') {
      $('registration').hidden = true;
      $('phones').textContent = 'A new phone was registered just now.';
      say('Phone registered');
    }
  } catch (error) {
    say(error.message);
  }
});
