/**
 * One user with a phone on a test stack, for the operators' suites (metrics, admin, audit), over
 * the out-of-band client of outOfBandDevice.ts: the phone registers by a QR code, creates its push
 * target, and logs in by push.
 */
import { outOfBandClient, type EnrolledDevice, type Json } from './outOfBandDevice.js';
import type { TestStack } from './stack.js';

export interface EnrolledPhone extends EnrolledDevice {
  username: string;
}

/** Registers a phone for `username` by a QR code and creates its push target. */
export async function enrolPhone(stack: TestStack, username: string): Promise<EnrolledPhone> {
  return { username, ...(await outOfBandClient(stack).enrol(username)) };
}

/** A push login: dispatch to the phone's target, the phone approves (or denies); the dispatch answer. */
export async function pushLogin(stack: TestStack, device: EnrolledPhone, { deny = false } = {}): Promise<Json> {
  const client = outOfBandClient(stack);
  const started = await client.dispatch('authentication', {
    dispatchTargetId: device.targetId,
    getUafRequest: client.getUafRequest('authentication', { username: device.username }),
  });
  const message = await device.push.nextMessage();
  await device.phone.redeem(message.data as never, { deny });
  return started.body;
}

/** Waits until the operation of `sessionId` has ended (the sink reports after the workflow's last task). */
export async function waitForEnd(stack: TestStack, sessionId: string): Promise<Json> {
  const client = outOfBandClient(stack);
  for (let attempt = 0; attempt < 100; attempt++) {
    const { body } = await client.call('/nevisfido/status', { sessionId });
    if (body.status === 'succeeded' || body.status === 'failed') return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`operation ${sessionId} did not end`);
}
