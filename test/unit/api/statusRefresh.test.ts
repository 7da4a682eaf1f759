import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/apiError.js';
import type { StatusResponse } from '../../../api/temporal/dependencies.js';
import { refreshingStatusOf } from '../../../api/temporal/statusRefresh.js';
import type { OperationState } from '../../../contract/operation.js';

/** The cache as refreshingStatusOf uses it: what it was told, in order. */
function recordingCache() {
  const calls: (['put', string, StatusResponse] | ['changed', string])[] = [];
  return {
    calls,
    put: (workflowId: string, status: StatusResponse) => void calls.push(['put', workflowId, status]),
    changed: (workflowId: string) => void calls.push(['changed', workflowId]),
  };
}

const succeeded: OperationState = {
  operation: 'authentication',
  status: 'succeeded',
  updatedAt: Date.parse('2026-12-02T05:00:00Z'),
  userId: 'alice',
  authenticators: [{ aaid: '4F42#0001', keyId: 'key' }],
  // A link dispatcher's response carries the token: a status never does.
  tokenInformation: { dispatcherInformation: { name: 'link', response: 'https://x/open?token=secret' } },
};

describe('refreshingStatusOf', () => {
  it('caches the status an answer carries, without a describe, and strips it from what the caller gets', async () => {
    const cache = recordingCache();
    const answer = await refreshingStatusOf(cache, 'wf', async () => ({ statusCode: 1200, statusAfter: succeeded }));
    expect(answer).toEqual({ statusCode: 1200 });
    expect(cache.calls).toHaveLength(1);
    const [kind, workflowId, status] = cache.calls[0] as ['put', string, StatusResponse];
    expect([kind, workflowId]).toEqual(['put', 'wf']);
    expect(status).toMatchObject({ status: 'succeeded', userId: 'alice', timestamp: '2026-12-02T05:00:00.000Z' });
    expect(JSON.stringify(status)).not.toContain('secret');
  });

  it('has the status described again when the answer carries none: a denial, or a workflow of an older version', async () => {
    const cache = recordingCache();
    expect(await refreshingStatusOf(cache, 'wf', async () => undefined)).toBeUndefined();
    expect(await refreshingStatusOf(cache, 'wf', async () => ({ statusCode: 1200 }))).toEqual({ statusCode: 1200 });
    expect(cache.calls).toEqual([
      ['changed', 'wf'],
      ['changed', 'wf'],
    ]);
  });

  it('after a refusal the status is described again (it may have moved); after a 503 it is not (Temporal did not answer)', async () => {
    const cache = recordingCache();
    await expect(refreshingStatusOf(cache, 'wf', async () => Promise.reject(new ApiError('channelLinkingMismatch', 'wrong pick')))).rejects.toThrow('wrong pick');
    await expect(refreshingStatusOf(cache, 'wf', async () => Promise.reject(new ApiError('serviceUnavailable', 'busy')))).rejects.toThrow('busy');
    expect(cache.calls).toEqual([['changed', 'wf']]);
  });
});
