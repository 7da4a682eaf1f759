/**
 * The level of an answered request's log line: errors and 5xx at `error`; a successful status poll
 * (`POST /nevisfido/status`) or status event stream (`GET /nevisfido/status/{sessionId}/events`) at
 * `debug`, since browsers poll several times a second per open operation and those lines would
 * drown the rest; everything else at `info`.
 */
export function httpLogLevelOf(method: string | undefined, path: string, statusCode: number, error?: unknown): 'error' | 'info' | 'debug' {
  if (error || statusCode >= 500) return 'error';
  return isStatusRead(method, path) && statusCode >= 200 && statusCode < 300 ? 'debug' : 'info';
}

function isStatusRead(method: string | undefined, path: string): boolean {
  return (method === 'POST' && path === '/nevisfido/status') || (method === 'GET' && /^\/nevisfido\/status\/[^/]+\/events$/.test(path));
}
