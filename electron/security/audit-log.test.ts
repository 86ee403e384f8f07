import { afterEach, describe, expect, it } from 'vitest';
import { isAgentRoutine } from '../../preload/contract';
import { fakeConnection, openTestHost, type TestHost } from '../testing/harness';

let t: TestHost;
afterEach(() => t?.close());

async function withSomeHistory(): Promise<TestHost> {
  const host = await openTestHost();
  const admin = await host.signIn('admin');
  for (let i = 0; i < 5; i++) await host.ok(admin, 'settings.update', { siteName: `Site ${i}` });
  await host.call(fakeConnection(), 'auth.login', { username: 'admin', password: 'wrong-password' });
  return host;
}

describe('audit chain', () => {
  it('verifies an untouched chain', async () => {
    t = await withSomeHistory();
    const admin = await t.signIn('admin');
    const r = await t.ok(admin, 'audit.verify', {});
    expect(r).toMatchObject({ ok: true, firstBadSeq: null });
    expect(r.checked).toBe(t.count('audit_log'));
  });

  it('refuses UPDATE and DELETE on the audit table (triggers)', async () => {
    t = await withSomeHistory();
    const db = t.host.database.sqlite;
    expect(() => db.prepare("UPDATE audit_log SET action = 'x' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
  });

  it('names the first row altered behind the triggers', async () => {
    t = await withSomeHistory();
    const db = t.host.database.sqlite;
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 4").run();
    const admin = await t.signIn('admin');
    const r = await t.ok(admin, 'audit.verify', {});
    expect(r).toMatchObject({ ok: false, firstBadSeq: 4, checked: 3 });
    expect(r.problem).toMatch(/altered/);
  });

  it('names a removed row', async () => {
    t = await withSomeHistory();
    const db = t.host.database.sqlite;
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    const admin = await t.signIn('admin');
    expect(await t.ok(admin, 'audit.verify', {})).toMatchObject({ ok: false, firstBadSeq: 4, problem: expect.stringMatching(/row 3 is missing/) });
  });

  it('pages newest first and filters by action, actor and outcome', async () => {
    t = await withSomeHistory();
    const admin = await t.signIn('admin');
    const first = await t.ok(admin, 'audit.list', { limit: 3 });
    expect(first.entries.map((e) => e.seq)).toEqual([...first.entries.map((e) => e.seq)].sort((a, b) => b - a));
    const second = await t.ok(admin, 'audit.list', { limit: 3, beforeSeq: first.nextBeforeSeq! });
    expect(second.entries[0]!.seq).toBeLessThan(first.entries[2]!.seq);
    const settingsOnly = await t.ok(admin, 'audit.list', { limit: 50, action: 'settings.' });
    expect(settingsOnly.entries).toHaveLength(5);
    const refused = await t.ok(admin, 'audit.list', { limit: 50, outcome: 'unauthenticated' });
    expect(refused.entries.every((e) => e.action === 'auth.login')).toBe(true);
    const wildcard = await t.ok(admin, 'audit.list', { limit: 50, actor: '%' });
    expect(wildcard.entries).toHaveLength(0);
  });

  it("hides agents' routine work that went through on request, never a refusal or what they create", async () => {
    t = await withSomeHistory();
    const admin = await t.signIn('admin');
    const row = (action: string, outcome: 'ok' | 'conflict') =>
      t.host.audit.append({ actorId: null, actorName: 'welder-1', action, outcome, target: null, details: { transport: 'gateway' } });
    row('gateway.claim', 'ok');
    row('gateway.heartbeat', 'ok');
    row('gateway.completeBatch', 'ok');
    row('gateway.complete', 'conflict');
    row('gateway.tasks.create', 'ok');
    row('gateway.fail', 'ok');
    const all = await t.ok(admin, 'audit.list', { limit: 6 });
    expect(all.entries.map((e) => e.action)).toEqual(['gateway.fail', 'gateway.tasks.create', 'gateway.complete', 'gateway.completeBatch', 'gateway.heartbeat', 'gateway.claim']);
    const people = await t.ok(admin, 'audit.list', { limit: 3, hideAgentRoutine: true });
    expect(people.entries.map((e) => [e.action, e.outcome])).toEqual([
      ['gateway.tasks.create', 'ok'],
      ['gateway.complete', 'conflict'],
      ['auth.login', 'ok'],
    ]);
    // The server's rule and the windows' rule (for live entries) are the same.
    expect(all.entries.filter((e) => !isAgentRoutine(e)).map((e) => e.action)).toEqual(['gateway.tasks.create', 'gateway.complete']);
  });
});
