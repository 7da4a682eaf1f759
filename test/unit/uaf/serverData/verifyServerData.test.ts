import { describe, expect, it } from 'vitest';
import { base64url, encodeServerData, utf8, verifyServerData } from '../../../../uaf/index.js';

const key = new Uint8Array(32).fill(7);
const otherKey = new Uint8Array(32).fill(8);
const now = new Date('2026-06-01T12:00:00Z');
const claims = { workflowId: 'registration-42', sessionId: 's-1', challenge: 'Y2hhbGxlbmdl', exp: now.getTime() + 120_000 };
const serverData = encodeServerData(claims, key);
const [payload, mac] = serverData.split('.') as [string, string];
const forged = base64url.encode(utf8.encode(JSON.stringify({ ...claims, workflowId: 'registration-43' })));

describe('encodeServerData / verifyServerData', () => {
  it('round-trips the claims within the 1536-character limit', () => {
    expect(serverData.length).toBeLessThanOrEqual(1536);
    expect(verifyServerData(serverData, { key, now })).toEqual(claims);
  });

  it.each([
    { rule: 'missing', value: undefined, code: 'serverDataInvalid' },
    { rule: 'payload swapped', value: `${forged}.${mac}`, code: 'serverDataInvalid' },
    { rule: 'MAC altered', value: `${payload}.${mac.slice(0, -2)}AA`, code: 'serverDataInvalid' },
    { rule: 'MAC removed', value: payload, code: 'serverDataInvalid' },
    { rule: 'extra part', value: `${serverData}.x`, code: 'serverDataInvalid' },
    { rule: 'made with another key', value: encodeServerData(claims, otherKey), code: 'serverDataInvalid' },
    { rule: 'expired', value: encodeServerData({ ...claims, exp: now.getTime() }, key), code: 'serverDataExpired' },
    { rule: 'too long', value: `${serverData}${'A'.repeat(1536)}`, code: 'serverDataInvalid' },
  ])('rejects serverData that is $rule', ({ value, code }) => {
    expect(() => verifyServerData(value, { key, now })).toThrow(expect.objectContaining({ code, statusCode: 1491 }));
  });

  it('refuses claims that do not fit in 1536 characters', () => {
    expect(() => encodeServerData({ ...claims, filler: 'x'.repeat(1200) }, key)).toThrow(expect.objectContaining({ code: 'serverDataTooLong', statusCode: 1500 }));
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => encodeServerData(claims, new Uint8Array(16))).toThrow(expect.objectContaining({ code: 'invalidArgument', statusCode: 1500 }));
  });
});
