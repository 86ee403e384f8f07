// The wrapper every call goes through: the role x procedure matrix, unauthenticated calls,
// fuzzed bad inputs that change nothing, and the audit row of every mutating call.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_NAMES, calls, roleAtLeast, ROLES, type CallName, type Role } from '../../preload/contract';
import { fakeConnection, openTestHost, type TestConnection, type TestHost } from '../testing/harness';
import { sampleInputs } from '../testing/samples';

const GUARDED = CALL_NAMES.filter((n) => calls[n].role !== 'public');
const TABLES = ['users', 'sessions', 'settings', 'audit_log'];

describe('bridge wrapper', () => {
  let t: TestHost;
  const conns = {} as Record<Role, TestConnection>;
  let victimId: string;

  beforeAll(async () => {
    t = await openTestHost();
    for (const role of ROLES) conns[role] = await t.signIn(role, role === 'admin' ? undefined : `matrix-${role}`);
    const admin = conns.admin;
    victimId = (await t.ok(admin, 'users.create', { username: 'victim', displayName: 'V', role: 'operator', password: 'long-enough-password' })).id;
  });
  afterAll(() => t.close());

  const rowCounts = () => Object.fromEntries(TABLES.map((x) => [x, t.count(x)]));

  describe('unauthenticated', () => {
    it.each(GUARDED)('%s is refused without a session', async (name) => {
      const r = await t.call(fakeConnection(), name, sampleInputs({ userId: victimId })[name] as never);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('unauthenticated');
    });
  });

  describe('role x procedure matrix', () => {
    const cases = GUARDED.flatMap((name) => ROLES.map((role) => [name, role] as [CallName, Role]));
    it.each(cases)('%s as %s', async (name, role) => {
      // Calls that end or lock the caller's session get a throwaway session of the same user.
      const conn = ['auth.logout', 'auth.lock'].includes(name) ? await freshLogin(role) : conns[role];
      const r = await t.call(conn, name, sampleInputs({ userId: victimId })[name] as never);
      const allowed = roleAtLeast(role, calls[name].role as Role);
      if (allowed) {
        if (!r.ok) expect(['forbidden', 'unauthenticated']).not.toContain(r.error.code);
      } else {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.code).toBe('forbidden');
      }
    });
  });

  async function freshLogin(role: Role): Promise<TestConnection> {
    const conn = fakeConnection();
    const username = role === 'admin' ? 'admin' : `matrix-${role}`;
    await t.ok(conn, 'auth.login', { username, password: 'correct-horse-battery' });
    return conn;
  }

  describe('bad input', () => {
    it.each(CALL_NAMES.filter((n) => n !== 'auth.status'))(
      '%s: fuzzed inputs that miss the schema get invalid_input and change no row',
      async (name) => {
        const def = calls[name];
        await fc.assert(
          fc.asyncProperty(fc.oneof(fc.anything(), fc.object(), fc.dictionary(fc.string(), fc.jsonValue())), async (input) => {
            if (def.input.safeParse(input).success) return; // valid inputs are not this test's business
            const before = rowCounts();
            const r = await t.call(conns.admin, name, input as never);
            expect(r.ok).toBe(false);
            if (!r.ok) expect(r.error.code).toBe('invalid_input');
            const after = rowCounts();
            expect(after.users).toBe(before.users);
            expect(after.sessions).toBe(before.sessions);
            expect(after.settings).toBe(before.settings);
            // The only row a refused call adds is its own audit row.
            expect(after.audit_log).toBe(before.audit_log! + (def.mutates ? 1 : 0));
          }),
          { numRuns: 25, seed: 4711 },
        );
      },
    );

    it('an unknown call name is refused as invalid_input', async () => {
      const r = await t.host.bridge.dispatch(conns.admin, 'users.dropAll', {});
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      const r2 = await t.host.bridge.dispatch(conns.admin, { toString: null }, {});
      expect(r2).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    });

    it('a bad input names the field in its message and details', async () => {
      const r = await t.call(conns.admin, 'users.create', { username: 'x', displayName: 'X', role: 'operator', password: 'short' });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('invalid_input');
        expect(r.error.message).toMatch(/username/);
        expect(r.error.details).toMatchObject({ issues: expect.arrayContaining([expect.objectContaining({ path: 'password' })]) });
      }
    });
  });

  describe('audit', () => {
    const mutating = CALL_NAMES.filter((n) => calls[n].mutates);

    it.each(mutating)('%s writes exactly one audit row whether it succeeds or is refused', async (name) => {
      const conn = ['auth.logout', 'auth.lock'].includes(name) ? await freshLogin('operator') : conns.operator;
      const before = t.count('audit_log');
      await t.call(conn, name, sampleInputs({ userId: victimId })[name] as never);
      expect(t.count('audit_log')).toBe(before + 1);
      await t.call(fakeConnection(), name, sampleInputs({ userId: victimId })[name] as never);
      expect(t.count('audit_log')).toBe(before + 2);
      await t.call(conns.admin, name, { bogus: true } as never);
      expect(t.count('audit_log')).toBe(before + 3);
    });

    it.each(CALL_NAMES.filter((n) => !calls[n].mutates))('%s (a read) writes no audit row', async (name) => {
      const before = t.count('audit_log');
      await t.call(conns.admin, name, sampleInputs({ userId: victimId })[name] as never);
      expect(t.count('audit_log')).toBe(before);
    });

    it('records who did what, the outcome and redacts secrets', async () => {
      await t.ok(conns.admin, 'users.create', { username: 'audited', displayName: 'A', role: 'operator', password: 'secret-password-1' });
      const { entries } = await t.ok(conns.admin, 'audit.list', { limit: 1 });
      expect(entries[0]).toMatchObject({ action: 'users.create', outcome: 'ok', actorName: 'admin', target: 'audited' });
      expect(JSON.stringify(entries[0]!.details)).not.toContain('secret-password-1');
      await t.call(conns.operator, 'users.create', { username: 'nope', displayName: 'N', role: 'operator', password: 'secret-password-2' });
      const { entries: [refused] } = await t.ok(conns.admin, 'audit.list', { limit: 1 });
      expect(refused).toMatchObject({ action: 'users.create', outcome: 'forbidden', actorName: 'matrix-operator' });
    });

    it('pushes audit.appended live to admins and not to operators', async () => {
      const adminSeen = conns.admin.messages.length;
      const operatorSeen = conns.operator.messages.length;
      const detachA = t.host.bridge.attach(conns.admin);
      const detachO = t.host.bridge.attach(conns.operator);
      await t.ok(conns.admin, 'settings.update', { siteName: 'Line 4' });
      detachA();
      detachO();
      const adminNew = conns.admin.messages.slice(adminSeen);
      const operatorNew = conns.operator.messages.slice(operatorSeen);
      expect(adminNew).toContainEqual(expect.objectContaining({ type: 'event', name: 'audit.appended' }));
      expect(adminNew).toContainEqual(expect.objectContaining({ type: 'event', name: 'settings.changed' }));
      expect(operatorNew.some((m) => m.type === 'event' && m.name === 'audit.appended')).toBe(false);
      expect(operatorNew).toContainEqual(expect.objectContaining({ type: 'event', name: 'settings.changed' }));
    });
  });

  it('covers every call of the contract with a handler', () => {
    expect(Object.keys(t.host.handlers).sort()).toEqual([...CALL_NAMES].sort());
  });
});
