/**
 * The admin API and the audit trail on the real stack: a user's credentials and targets, recent
 * operations from Temporal visibility, revocation, erasure, audit events per user, retention.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditTrail } from '../../store/audit.js';
import { bundleWorkflows } from '../setup/harness.js';
import { enrolPhone, pushLogin, waitForEnd, type EnrolledPhone } from '../setup/operatorPhone.js';
import { startTestStack, type TestStack } from '../setup/stack.js';

const rpKey = 'admin-relying-party-key-0123456789abcdefgh';
const adminKey = 'admin-operator-key-0123456789abcdefghijkl';
let stack: TestStack;
let alice: EnrolledPhone;
beforeAll(async () => {
  stack = await startTestStack(await bundleWorkflows(), { RP_API_KEYS: rpKey, ADMIN_API_KEYS: adminKey });
  alice = await enrolPhone(stack, 'admin-alice');
  await waitForEnd(stack, (await pushLogin(stack, alice)).sessionId);
  await waitForEnd(stack, (await pushLogin(stack, alice, { deny: true })).sessionId);
});
afterAll(() => stack?.close());

type Json = Record<string, any>;
async function admin(method: string, path: string, key = adminKey): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${stack.url}/admin/users/${path}`, { method, headers: { authorization: `Bearer ${key}` } });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
}
const shortHash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);

describe('admin API', () => {
  it('answers 401 without the admin key, also to a relying-party key', async () => {
    expect(await admin('GET', 'admin-alice', '')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await admin('GET', 'admin-alice', rpKey)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });

  it("lists a user's credentials and dispatch targets, without keys or push addresses", async () => {
    const { status, body } = await admin('GET', 'admin-alice');
    expect(status).toBe(200);
    expect(body.credentials).toEqual([
      expect.objectContaining({ aaid: '4F42#0001', keyId: expect.any(String), createdAt: expect.any(String), lastUsedAt: expect.any(String) }),
    ]);
    expect(body.dispatchTargets).toEqual([expect.objectContaining({ id: alice.targetId, name: "admin-alice's phone", dispatcher: 'firebase-cloud-messaging', pushTokenDead: false })]);
    expect(JSON.stringify(body)).not.toMatch(/publicKey|signatureKey|encryptionKey|"target"/);
  });

  it("lists a user's recent operations from Temporal visibility", async () => {
    await expect
      .poll(async () => (await admin('GET', 'admin-alice/operations')).body.operations?.length, { timeout: 10_000 })
      .toBe(3);
    const { body } = await admin('GET', 'admin-alice/operations?limit=2');
    expect(body.operations).toHaveLength(2);
    expect((await admin('GET', 'admin-alice/operations')).body.operations.map((o: Json) => `${o.operation}:${o.status}`).sort()).toEqual([
      'authentication:failed',
      'authentication:succeeded',
      'registration:succeeded',
    ]);
    expect(await admin('GET', 'admin-alice/operations?limit=0')).toMatchObject({ status: 400, body: { error: 'invalidRequest' } });
  });

  it('audit: one event per security-relevant action, per user, with no user name or key in it', async () => {
    const { body } = await admin('GET', 'admin-alice/audit?limit=100');
    const actions = body.events.map((event: Json) => `${event.action}:${event.outcome}${event.reason ? `:${event.reason}` : ''}`);
    expect(actions).toEqual(
      expect.arrayContaining(['registration:succeeded', 'targetCreated:succeeded', 'authentication:succeeded', 'denied:succeeded', 'authentication:failed:denied', 'adminListed:succeeded']),
    );
    // Exactly once each, although sinks and retries might have repeated them.
    expect(actions.filter((action: string) => action === 'authentication:succeeded')).toHaveLength(1);
    const created = body.events.find((event: Json) => event.action === 'targetCreated');
    expect(created).toMatchObject({ clientAddress: '127.0.0.1', userHash: body.userHash, details: { dispatchTargetId: alice.targetId } });
    const listed = body.events.find((event: Json) => event.action === 'adminListed');
    expect(listed).toMatchObject({ operatorKeyId: shortHash(adminKey), clientAddress: '127.0.0.1' });
    const text = JSON.stringify(body);
    for (const secret of ['admin-alice', adminKey, rpKey]) expect(text).not.toContain(secret);
  });

  it('revokes one credential (204, then 404), and all of them', async () => {
    const bob = await enrolPhone(stack, 'admin-bob');
    const [credential] = (await admin('GET', 'admin-bob')).body.credentials;
    const path = `admin-bob/credentials/${encodeURIComponent(credential.aaid)}/${encodeURIComponent(credential.keyId)}`;
    expect((await admin('DELETE', path)).status).toBe(204);
    expect(await admin('DELETE', path)).toMatchObject({ status: 404, body: { error: 'notFound' } });
    expect((await admin('GET', 'admin-bob')).body.credentials).toEqual([]);
    // The revoked phone cannot log in: its user has no key left.
    expect((await admin('DELETE', 'admin-bob/credentials')).body).toEqual({ revoked: [] });
    expect(bob.targetId).toEqual(expect.any(String));
  });

  it('erases everything of a user: credentials, targets, sessions, dispatch records, budget', async () => {
    const carol = await enrolPhone(stack, 'admin-carol');
    await waitForEnd(stack, (await pushLogin(stack, carol)).sessionId);
    const { db } = stack.database;
    const userHash = (await admin('GET', 'admin-carol/audit')).body.userHash as string;
    expect(await db.collection('dispatchBudget').countDocuments({ _id: userHash as never })).toBe(1);

    const { status, body } = await admin('DELETE', 'admin-carol');
    expect(status).toBe(200);
    expect(body.erased).toMatchObject({ credentials: 1, dispatchTargets: 1, dispatchBudget: true });
    // The registration's and the login's dispatch records (sessions are stored for fallbacks only).
    expect(body.erased.dispatchRecords).toBeGreaterThanOrEqual(2);
    expect(await db.collection('credentials').countDocuments({ username: 'admin-carol' })).toBe(0);
    expect(await db.collection('dispatchTargets').countDocuments({ username: 'admin-carol' })).toBe(0);
    expect(await db.collection('dispatchBudget').countDocuments({ _id: userHash as never })).toBe(0);
    expect((await admin('GET', 'admin-carol/audit?limit=100')).body.events.map((event: Json) => event.action)).toContain('adminErased');
  });

  it('the cleanup schedule removes audit events past AUDIT_RETENTION_DAYS', async () => {
    const trail = createAuditTrail(stack.database.db);
    const old = { at: new Date(Date.now() - 91 * 86_400_000), action: 'authentication' as const, outcome: 'failed' as const, userHash: 'retention-test' };
    await trail.record(old);
    await trail.record({ ...old, at: new Date() });
    await stack.client.workflow.execute('cleanup', { taskQueue: stack.config.temporal.taskQueue, workflowId: `cleanup-${randomUUID()}` });
    expect((await trail.listForUser('retention-test', 10)).map((event) => event.at.getTime() > Date.now() - 86_400_000)).toEqual([true]);
  });
});
