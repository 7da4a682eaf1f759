import { describe, expect, it } from 'vitest';
import { DispatchFailed, DispatchTimeout, type DispatchFailureCode } from '../../../dispatch/errors.js';

describe('DispatchFailed', () => {
  it.each([
    { code: 'targetUnregistered', targetDead: true },
    { code: 'targetInvalid', targetDead: true },
    { code: 'providerUnavailable', targetDead: false },
    { code: 'providerTimeout', targetDead: false },
    { code: 'encryptionKeyMissing', targetDead: false },
  ] as { code: DispatchFailureCode; targetDead: boolean }[])('$code: targetDead $targetDead', ({ code, targetDead }) => {
    expect(new DispatchFailed(code, 'A sentence.').targetDead).toBe(targetDead);
  });

  it('serialises to {name, code} only, so provider text in message or cause never reaches history', () => {
    const failure = new DispatchFailed('targetUnregistered', 'FCM says no.', new Error('token fcm-token-123 unregistered'));
    expect(JSON.parse(JSON.stringify(failure))).toEqual({ name: 'DispatchFailed', code: 'targetUnregistered' });
    expect(JSON.parse(JSON.stringify(new DispatchTimeout('firebase-cloud-messaging', 500)))).toEqual({ name: 'DispatchTimeout', code: 'providerTimeout', timeoutMs: 500 });
  });
});
