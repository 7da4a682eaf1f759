import { describe, expect, it } from 'vitest';
import { buildKit } from '../../../rp/buildKit.js';
import { openValue, sealValue } from '../../../rp/signedCookie.js';
import { hashPassword, verifyPassword } from '../../../demo/passwords.js';

describe('the browser kit', () => {
  it.each(['iife', 'esm'] as const)('minified as %s stays within 10 KB', async (format) => {
    const code = await buildKit(format);
    expect(code.length).toBeGreaterThan(1_000);
    expect(new TextEncoder().encode(code).length).toBeLessThanOrEqual(10 * 1024);
  });
});

describe('signed cookie values', () => {
  const secret = 'unit-test-cookie-secret-0123456789abcdef';
  const now = Date.parse('2026-06-01T00:00:00Z');

  it('opens what it sealed, within its age', () => {
    const sealed = sealValue({ username: 'alice', sessions: ['s1'] }, secret, 60, now);
    expect(openValue(sealed, secret, now + 59_000)).toEqual({ username: 'alice', sessions: ['s1'] });
  });

  it.each([
    ['expired', (sealed: string) => sealed, 61_000, secret],
    ['signed with another secret', (sealed: string) => sealed, 0, `${secret}x`],
    ['with a changed payload', (sealed: string) => `${Buffer.from(JSON.stringify({ v: { username: 'mallory' }, exp: now + 60_000 })).toString('base64url')}.${sealed.split('.')[1]}`, 0, secret],
    ['malformed', () => 'not-a-cookie', 0, secret],
  ])('refuses a value %s', (_name, tamper, later, key) => {
    const sealed = sealValue({ username: 'alice' }, secret, 60, now);
    expect(openValue(tamper(sealed), key, now + later)).toBeUndefined();
  });
});

describe('demo passwords (scrypt)', () => {
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(stored);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });
});
