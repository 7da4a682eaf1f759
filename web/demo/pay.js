import { follow, post } from './follow.js';

const $ = (id) => document.getElementById(id);
const say = (text) => ($('payment-status').textContent = text);

$('pay').addEventListener('click', async () => {
  $('pay').disabled = true;
  try {
    const { paymentId } = await post('/pay');
    say('Confirm the payment on your phone…');
    const status = await follow(`/pay/${encodeURIComponent(paymentId)}/events`, say);
    if (status.status !== 'succeeded') return;
    await post(`/pay/${encodeURIComponent(paymentId)}/confirm`);
    say('Payment confirmed');
  } catch (error) {
    say(error.message);
  } finally {
    $('pay').disabled = false;
  }
});
