// The agents.* calls through the real bridge: engineers configure agents and keys; the plaintext
// key is answered once and never audited; an admin-scoped key needs an admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestHost, type TestConnection, type TestHost } from '../testing/harness';

let t: TestHost;
let engineer: TestConnection;
let supervisor: TestConnection;
let admin: TestConnection;

beforeAll(async () => {
  t = await openTestHost({ taskTickMs: 0, tasks: { shutdownGraceMs: 0 } });
  engineer = await t.signIn('engineer');
  supervisor = await t.signIn('supervisor');
  admin = await t.signIn('admin');
});
afterAll(() => t.close());

describe('agents calls', () => {
  it('lets an engineer register and change an agent; operators and up can list', async () => {
    const a = await t.ok(engineer, 'agents.create', { name: 'Cell 3', kind: 'robot', skills: { weld: 4 }, capacity: 2 });
    expect(a).toMatchObject({ name: 'Cell 3', status: 'available', load: 0 });
    expect(await t.ok(engineer, 'agents.update', { id: a.id, status: 'fault' })).toMatchObject({ status: 'fault' });
    const { agents } = await t.ok(supervisor, 'agents.list', { status: ['fault'] });
    expect(agents.map((x) => x.name)).toEqual(['Cell 3']);
    expect(await t.call(supervisor, 'agents.create', { name: 'Nope', kind: 'human' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(engineer, 'agents.create', { name: 'cell 3', kind: 'human' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('creates a key whose secret is answered once, never listed and never audited; revoking refuses it', async () => {
    const a = await t.ok(engineer, 'agents.create', { name: 'Vision', kind: 'software' });
    const { key, secret } = await t.ok(engineer, 'agents.createKey', { agentId: a.id, scopes: ['agent', 'submit'] });
    expect(t.host.agents.authenticateKey(secret)?.agent.id).toBe(a.id);
    const { keys } = await t.ok(engineer, 'agents.listKeys', { agentId: a.id });
    expect(keys).toEqual([expect.objectContaining({ id: key.id, prefix: key.prefix })]);
    expect(JSON.stringify(keys)).not.toContain(secret.slice(13));
    const { entries } = await t.ok(admin, 'audit.list', { limit: 3, action: 'agents.createKey' });
    expect(entries[0]).toMatchObject({ outcome: 'ok', target: 'Vision' });
    expect(JSON.stringify(entries)).not.toContain(secret.slice(13));
    expect(await t.ok(engineer, 'agents.revokeKey', { id: key.id })).toMatchObject({ revokedAt: expect.any(Number) });
    expect(t.host.agents.authenticateKey(secret)).toBeNull();
  });

  it('lets only an admin create a key with the admin scope', async () => {
    const a = await t.ok(engineer, 'agents.create', { name: 'Planner', kind: 'software' });
    expect(await t.call(engineer, 'agents.createKey', { agentId: a.id, scopes: ['admin'] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.ok(admin, 'agents.createKey', { agentId: a.id, scopes: ['admin'] })).toMatchObject({ key: { scopes: ['admin'] } });
  });

  it('refuses keys and skills outside the schema as invalid input', async () => {
    const a = await t.ok(engineer, 'agents.create', { name: 'Arm', kind: 'robot' });
    expect(await t.call(engineer, 'agents.createKey', { agentId: a.id, scopes: [] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await t.call(engineer, 'agents.update', { id: a.id, skills: { weld: 9 } })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await t.call(engineer, 'agents.update', { id: a.id, skills: { __proto__x: 1 } as never })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
