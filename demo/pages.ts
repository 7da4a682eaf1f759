// The demo's HTML, rendered on the server. Every value from a user goes through `escape`.

export const escape = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

interface PageOptions {
  title: string;
  csrf: string;
  user?: string;
  scripts?: string[];
}

export function layout({ title, csrf, user, scripts = [] }: PageOptions, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="csrf-token" content="${escape(csrf)}">
  <title>${escape(title)} · Alpine Bank (Outband demo)</title>
  <link rel="stylesheet" href="/demo.css">
</head>
<body>
  <header>
    <p class="brand">Alpine Bank <span>Outband demo</span></p>
    ${user ? `<form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${escape(csrf)}"><button type="submit">Log out</button></form>` : ''}
  </header>
  <main>
${body}
  </main>
${scripts.map((src) => `  <script src="${escape(src)}" type="module"></script>`).join('\n')}
</body>
</html>
`;
}

const error = (message?: string) => (message ? `<p class="error" role="alert">${escape(message)}</p>` : '');
const csrfField = (csrf: string) => `<input type="hidden" name="_csrf" value="${escape(csrf)}">`;

export function loginPage(csrf: string, options: { message?: string; username?: string } = {}): string {
  return layout(
    { title: 'Log in', csrf, scripts: ['/outband/kit.mjs'] },
    `    <h1>Log in</h1>
    ${error(options.message)}
    <form name="ooblogin" method="post" action="/login" data-outband="/outband" data-outband-no-phone-href="/" data-outband-no-phone-text="Log in with your password, then register your phone">
      ${csrfField(csrf)}
      <label for="username">User name</label>
      <input id="username" name="username" autocomplete="username" value="${escape(options.username ?? '')}">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" aria-describedby="password-hint">
      <p class="hint" id="password-hint">Not needed to log in with your phone.</p>
      <div class="buttons">
        <button type="submit">Log in</button>
        <button type="submit" data-outband-login>Log in with phone</button>
      </div>
    </form>
    <p>New here? <a href="/signup">Sign up</a> · A phone in this browser: <a href="/phone" target="_blank">open the phone</a></p>`,
  );
}

export function signupPage(csrf: string, options: { message?: string; username?: string } = {}): string {
  return layout(
    { title: 'Sign up', csrf },
    `    <h1>Sign up</h1>
    ${error(options.message)}
    <form method="post" action="/signup">
      ${csrfField(csrf)}
      <label for="username">User name</label>
      <input id="username" name="username" autocomplete="username" required maxlength="64" value="${escape(options.username ?? '')}">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" aria-describedby="password-hint">
      <p class="hint" id="password-hint">At least 8 characters.</p>
      <div class="buttons"><button type="submit">Sign up</button></div>
    </form>
    <p>Already a customer? <a href="/">Log in</a></p>`,
  );
}

export function accountPage(csrf: string, user: string, phones: string[]): string {
  return layout(
    { title: 'Your account', csrf, user, scripts: ['/account.js'] },
    `    <h1>Welcome, ${escape(user)}</h1>
    <section aria-labelledby="phones-title">
      <h2 id="phones-title">Your phones</h2>
      <p id="phones">${phones.length ? `Registered: ${phones.map(escape).join(', ')}` : 'No phone registered yet.'}</p>
      <button type="button" id="register-phone">Register your phone</button>
      <div id="registration" hidden>
        <p>Scan this QR code with the app on your phone, or open the link on the phone.</p>
        <img id="registration-qr" alt="QR code to register your phone" width="220" height="220">
        <p>Link: <a id="registration-link" href="#"></a></p>
      </div>
      <p id="registration-status" role="status" aria-live="polite"></p>
    </section>
    <section aria-labelledby="payments-title">
      <h2 id="payments-title">Payments</h2>
      <p><a href="/pay">Make a payment</a></p>
    </section>`,
  );
}

export function payPage(csrf: string, user: string, payment: { text: string }): string {
  return layout(
    { title: 'Payment', csrf, user, scripts: ['/pay.js'] },
    `    <h1>Payment</h1>
    <p id="payment-text">${escape(payment.text)}</p>
    <button type="button" id="pay">Pay</button>
    <p id="payment-status" role="status" aria-live="polite"></p>
    <p><a href="/account">Back to your account</a></p>`,
  );
}
