import { describe, expect, it } from 'vitest';
import { createDispatcherRegistry, createDispatchers } from '../../../dispatch/createDispatcherRegistry.js';
import type { Dispatcher } from '../../../dispatch/dispatcher.js';
import { linkBaseUrl, nmaData } from './dispatchFixtures.js';

const unusedMessaging = { send: async () => 'projects/p/messages/never' };

/** A plug-in that answers with a fixed response, to see which dispatcher ran. */
const echo = (id: string): Dispatcher => ({
  id,
  targetRequired: false,
  dispatch: async () => ({ dispatchResult: 'dispatched', dispatcherInformation: { name: id, response: `ran ${id}` }, targetDead: false }),
});

describe('createDispatchers', () => {
  it('offers the three payload dispatchers, FCM only with a Messaging client, then the plug-ins', () => {
    expect(createDispatchers({ linkBaseUrl }).ids).toEqual(['png-qr-code', 'link', 'link-png-qr-code']);
    expect(createDispatchers({ linkBaseUrl, messaging: unusedMessaging, plugins: [echo('webhook')] }).ids).toEqual([
      'firebase-cloud-messaging',
      'png-qr-code',
      'link',
      'link-png-qr-code',
      'webhook',
    ]);
  });

  it('says which dispatchers need a dispatch target: FCM only', () => {
    const registry = createDispatchers({ linkBaseUrl, messaging: unusedMessaging });
    expect(Object.fromEntries(registry.ids.map((id) => [id, registry.get(id)?.targetRequired]))).toEqual({
      'firebase-cloud-messaging': true,
      'png-qr-code': false,
      link: false,
      'link-png-qr-code': false,
    });
  });

  it('refuses a plug-in that reuses a built-in id', () => {
    expect(() => createDispatchers({ linkBaseUrl, plugins: [echo('link')] })).toThrow(RangeError);
  });
});

describe('createDispatcherRegistry', () => {
  it('runs the dispatcher named by id', async () => {
    const registry = createDispatcherRegistry([echo('a'), echo('b')]);
    expect(registry.get('b')?.id).toBe('b');
    expect(await registry.dispatch('b', { nmaData })).toEqual({ dispatchResult: 'dispatched', dispatcherInformation: { name: 'b', response: 'ran b' }, targetDead: false });
  });

  it('answers dispatcherNotFound for an unknown id', async () => {
    const registry = createDispatcherRegistry([echo('a')]);
    expect(registry.get('sms')).toBeUndefined();
    expect(await registry.dispatch('sms', { nmaData })).toEqual({ dispatchResult: 'dispatcherNotFound', dispatcherInformation: { name: 'sms' }, targetDead: false });
  });

  it('turns a plug-in that throws into dispatchError, keeping the error as cause', async () => {
    const bug = new TypeError('plug-in bug');
    const registry = createDispatcherRegistry([{ id: 'broken', targetRequired: false, dispatch: () => Promise.reject(bug) }]);
    const outcome = await registry.dispatch('broken', { nmaData });
    expect(outcome).toMatchObject({ dispatchResult: 'dispatchError', dispatcherInformation: { name: 'broken' }, targetDead: false, failure: { code: 'providerUnavailable', cause: bug } });
  });
});
