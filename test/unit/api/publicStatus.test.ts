import { expect, it } from 'vitest';
import { publicStatusOf } from '../../../api/publicStatus.js';

// Finding 3 (issue 9): whatever the workflow keeps, the status the API shows names the dispatcher
// and never carries its response (a link or QR code holding the redeemable token).
it('drops dispatcherInformation.response and keeps everything else', () => {
  const status = {
    status: 'tokenCreated' as const,
    timestamp: '2026-12-02T00:00:00.000Z',
    tokenInformation: { dispatchTargetExtId: 'ext', dispatcherInformation: { name: 'link', response: 'https://example.test/open?dispatchTokenResponse=secret' } },
  };
  expect(publicStatusOf(status)).toEqual({ ...status, tokenInformation: { dispatchTargetExtId: 'ext', dispatcherInformation: { name: 'link' } } });
  expect(JSON.stringify(publicStatusOf(status))).not.toContain('secret');
});

it('leaves a status without dispatcher information as it is', () => {
  const status = { status: 'unknown' as const, timestamp: '2026-12-02T00:00:00.000Z' };
  expect(publicStatusOf(status)).toBe(status);
});
