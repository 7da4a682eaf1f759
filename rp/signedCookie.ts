import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

// State kept in the browser but signed by the server (HMAC-SHA-256): the browser can read it but
// not change it. It is not encrypted, so it holds nothing secret (user names, session ids).
// An expiry inside the signed value bounds how long an old copy of the cookie stays usable.

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export function sealValue(value: unknown, secret: string, maxAgeSeconds: number, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ v: value, exp: now + maxAgeSeconds * 1000 })).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

export function openValue<T>(sealed: string | undefined, secret: string, now = Date.now()): T | undefined {
  const [payload, signature, extra] = sealed?.split('.') ?? [];
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const { v, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { v: T; exp: number };
    return typeof exp === 'number' && exp > now ? v : undefined;
  } catch {
    return undefined;
  }
}

/** One cookie from the request's Cookie header. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

export interface SignedCookieOptions {
  name: string;
  secret: string;
  maxAgeSeconds: number;
  /** Set `Secure` (HTTPS deployments). */
  secure?: boolean;
}

/** Reads and writes one signed JSON cookie (HttpOnly, SameSite=Lax). */
export function signedCookie<T>({ name, secret, maxAgeSeconds, secure = false }: SignedCookieOptions) {
  return {
    read: (req: Request): T | undefined => openValue<T>(readCookie(req, name), secret),
    write(res: Response, value: T): void {
      res.cookie(name, sealValue(value, secret, maxAgeSeconds), { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeSeconds * 1000, encode: String });
    },
    clear(res: Response): void {
      res.clearCookie(name, { path: '/' });
    },
  };
}
