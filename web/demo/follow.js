// Shared by the demo's pages: JSON calls with the session's CSRF token, and following a status
// stream (Server-Sent Events) until the operation ends.

const csrf = document.querySelector('meta[name="csrf-token"]').content;

export async function post(path, body = {}) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message || 'Something went wrong; try again.');
  return answer;
}

const failures = {
  denied: 'You denied it on your phone.',
  tokenExpired: 'It has expired; start again.',
  requestExpired: 'It has expired; start again.',
};

/** Calls `onChange(text)` on each step and resolves with the final status. */
export function follow(path, onChange) {
  return new Promise((resolve) => {
    const events = new EventSource(path);
    events.addEventListener('status', (event) => {
      const status = JSON.parse(event.data);
      if (status.status === 'succeeded' || status.status === 'failed' || status.status === 'unknown') {
        events.close();
        if (status.status !== 'succeeded') onChange(failures[status.failureReason] ?? 'It did not work; start again.');
        resolve(status);
      } else onChange(status.status === 'tokenCreated' ? 'Waiting for your phone…' : 'Confirm on your phone…');
    });
    events.onerror = () => {
      events.close();
      onChange('The status cannot be followed; reload the page.');
      resolve({ status: 'unknown' });
    };
  });
}
