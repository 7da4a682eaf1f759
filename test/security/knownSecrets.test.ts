/**
 * Finding 2 (issue 9): `cp .env.example .env` gave a deployment whose keys were public. The real
 * entry points (`npm run api`, `npm run worker`) now refuse, at start and with one line naming the
 * variable, a value published in the repository, all-equal or low-entropy keys and RP keys under
 * 32 characters; the keys `npm start` and the tests generate pass.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/loadConfig.js';
import { weakRelyingPartyKey } from '../../config/secretStrength.js';
import { testEnvironment } from '../setup/testConfig.js';
import { refusedStart, type Entry } from './entryPoints.js';

const zeroKey = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const oldExampleRpKey = 'change-me-to-a-long-random-relying-party-key';
const repeatingBytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i % 4)).toString('base64');

const refusals: { entry: Entry; variable: string; value: string; why: string }[] = [
  { entry: 'api/main.ts', variable: 'PAYLOAD_CODEC_KEY', value: zeroKey, why: 'the old .env.example value' },
  { entry: 'worker/main.ts', variable: 'SERVER_SECRET', value: zeroKey, why: 'the old .env.example value' },
  { entry: 'api/main.ts', variable: 'RP_API_KEYS', value: oldExampleRpKey, why: 'the old .env.example RP key' },
  { entry: 'worker/main.ts', variable: 'RP_API_KEYS', value: `${randomBytes(24).toString('base64url')},${oldExampleRpKey}`, why: 'a published key among good ones' },
  { entry: 'api/main.ts', variable: 'RP_API_KEYS', value: randomBytes(31).toString('hex').slice(0, 31), why: 'an RP key of 31 characters' },
  { entry: 'api/main.ts', variable: 'RP_API_KEYS', value: 'x'.repeat(48), why: 'an all-equal RP key' },
  { entry: 'worker/main.ts', variable: 'RP_API_KEYS', value: 'ab'.repeat(24), why: 'a low-entropy RP key' },
  { entry: 'worker/main.ts', variable: 'PAYLOAD_CODEC_KEY', value: Buffer.alloc(32, 7).toString('base64'), why: 'an all-equal codec key' },
  { entry: 'api/main.ts', variable: 'SERVER_SECRET', value: repeatingBytes, why: 'a low-entropy server secret' },
];

describe('the processes refuse known and weak secrets', () => {
  it.each(refusals)('$entry refuses $variable: $why', ({ entry, variable, value }) => {
    const { status, lines } = refusedStart(entry, testEnvironment({ [variable]: value }));
    expect(status).toBe(1);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^outband: bad configuration: ${variable}: `))]);
    // The refusal names the variable, never the value.
    expect(lines.join('\n')).not.toContain(value);
  });
});

describe('generated keys pass', () => {
  it('the keys of the tests and of npm start (scripts/devStack.ts) are accepted', () => {
    for (let i = 0; i < 200; i++) {
      expect(() => loadConfig(testEnvironment())).not.toThrow();
      expect(weakRelyingPartyKey(`dev-${randomBytes(24).toString('base64url')}`)).toBeUndefined();
      expect(weakRelyingPartyKey(randomBytes(16).toString('hex'))).toBeUndefined();
    }
  });

  it.each([
    'browser-demo-relying-party-key-0123456789',
    'recording-relying-party-key-0123456789',
    'out-of-band-relying-party-key-0123456789',
    'durability-relying-party-key-0123456789',
    'refusals-relying-party-key-0123456789',
  ])('the fixed test key %s passes (tests only; never deploy a key from the repository)', (key) => {
    expect(weakRelyingPartyKey(key)).toBeUndefined();
  });

  it('.env.example leaves every secret empty, with the command that generates it', async () => {
    const { readFile } = await import('node:fs/promises');
    const example = await readFile(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const variable of ['RP_API_KEYS', 'PAYLOAD_CODEC_KEY', 'SERVER_SECRET', 'CODEC_API_KEYS']) {
      expect(example).toMatch(new RegExp(`^${variable}=$`, 'm'));
    }
    expect(example).toContain('openssl rand -base64 32');
    expect(example).toContain('openssl rand -hex 32');
  });
});
