import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../config/deriveKeys.js';
import { dispatchTokenOf, tokenHashOf, workflowIdOf, workflowIdOfToken } from '../../../store/sessionKeys.js';

const keys = deriveKeys(new Uint8Array(32).map((_, i) => i * 7 + 1));
const otherKeys = deriveKeys(new Uint8Array(32).map((_, i) => i * 11 + 3));
const workflowId = workflowIdOf('session-1', keys.sessionId);

describe('dispatchTokenOf / workflowIdOfToken', () => {
  it('names its workflow and carries a 192-bit secret: <32 base64url>.<32 base64url>', () => {
    const token = dispatchTokenOf(workflowId, 'session-1', keys.dispatchToken);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{32}$/);
    expect(workflowIdOfToken(token)).toBe(workflowId);
    // Never the session id, which the browser knows.
    expect(token).not.toContain('session-1');
  });

  it('is the same for the API and the worker, and another for another session, workflow or key', () => {
    const token = dispatchTokenOf(workflowId, 'session-1', keys.dispatchToken);
    expect(dispatchTokenOf(workflowId, 'session-1', keys.dispatchToken)).toBe(token);
    for (const other of [
      dispatchTokenOf(workflowId, 'session-2', keys.dispatchToken),
      dispatchTokenOf(workflowIdOf('session-9', keys.sessionId), 'session-1', keys.dispatchToken),
      dispatchTokenOf(workflowId, 'session-1', otherKeys.dispatchToken),
    ]) {
      expect(other.split('.')[1]).not.toBe(token.split('.')[1]);
      expect(tokenHashOf(other)).not.toBe(tokenHashOf(token));
    }
  });

  it.each([
    ['a bare 22-character token of the old shape', 'x'.repeat(22)],
    ['a reference one character short', `${'a'.repeat(31)}.${'b'.repeat(32)}`],
    ['a secret one character long', `${'a'.repeat(32)}.${'b'.repeat(33)}`],
    ['no separator', 'a'.repeat(65)],
    ['characters outside base64url', `${'a'.repeat(31)}/.${'b'.repeat(32)}`],
  ])('names no workflow for %s', (_rule, token) => {
    expect(workflowIdOfToken(token)).toBeUndefined();
  });
});
