import type { RequestHandler } from 'express';

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

/** `http(s)://` on a loopback name, any port: a page served from this machine. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const { protocol, hostname } = new URL(origin);
    return (protocol === 'http:' || protocol === 'https:') && loopbackNames.includes(hostname);
  } catch {
    return false;
  }
}

/**
 * Development servers without authentication (FCM emulator, codec server) answer only requests
 * addressed to a loopback name (or a name the operator allows): a web page the developer visits
 * cannot reach them by DNS rebinding, because its requests carry the attacker's host name.
 */
export function loopbackHostOnly(extraHosts: readonly string[] = []): RequestHandler {
  const allowed = new Set([...loopbackNames, ...extraHosts.map((host) => host.toLowerCase())]);
  return (req, res, next) => {
    const host = (req.get('host') ?? '').toLowerCase().replace(/:\d+$/, '');
    if (allowed.has(host)) {
      next();
      return;
    }
    res.status(421).json({ error: 'misdirectedRequest', message: 'This development server answers loopback host names only.' });
  };
}
