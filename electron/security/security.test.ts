// Accounts and sessions against a real database with a fake clock: lockout, idle lock,
// expiry, first-run setup, last-admin protection, sessions ended by an admin.
import { afterEach, describe, expect, it } from 'vitest';
import { fakeConnection, openTestHost, PASSWORD, type TestHost } from '../testing/harness';

let t: TestHost;
afterEach(() => t?.close());

const MINUTE = 60_000;

describe('sign-in', () => {
  it('refuses a wrong password with a clear message and no session', async () => {
    t = await openTestHost();
    const conn = fakeConnection();
    const r = await t.call(conn, 'auth.login', { username: 'admin', password: 'not-the-password' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: 'Wrong username or password' } });
    expect(conn.sessionId).toBeNull();
    const unknown = await t.call(conn, 'auth.login', { username: 'ghost', password: 'not-the-password' });
    expect(unknown).toMatchObject({ ok: false, error: { message: 'Wrong username or password' } });
  });

  it('locks the account after 5 failures for 15 minutes, then lets the right password in', async () => {
    t = await openTestHost();
    const conn = fakeConnection();
    for (let i = 0; i < 4; i++) await t.call(conn, 'auth.login', { username: 'admin', password: 'wrong-password' });
    const fifth = await t.call(conn, 'auth.login', { username: 'admin', password: 'wrong-password' });
    expect(fifth).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: expect.stringMatching(/locked/) } });
    // Even the right password is refused while locked.
    const right = await t.call(conn, 'auth.login', { username: 'admin', password: PASSWORD });
    expect(right).toMatchObject({ ok: false, error: { message: expect.stringMatching(/locked/) } });
    t.clock.advance(14 * MINUTE);
    expect((await t.call(conn, 'auth.login', { username: 'admin', password: PASSWORD })).ok).toBe(false);
    t.clock.advance(2 * MINUTE);
    expect((await t.call(conn, 'auth.login', { username: 'admin', password: PASSWORD })).ok).toBe(true);
  });

  it('an admin can clear a lockout early', async () => {
    t = await openTestHost();
    const op = await t.signIn('operator', 'olga');
    void op;
    const other = fakeConnection();
    for (let i = 0; i < 5; i++) await t.call(other, 'auth.login', { username: 'olga', password: 'wrong-password' });
    const admin = await t.signIn('admin');
    const olga = (await t.ok(admin, 'users.list', {})).users.find((u) => u.username === 'olga')!;
    expect(olga.lockedUntil).not.toBeNull();
    await t.ok(admin, 'users.unlock', { id: olga.id });
    expect((await t.call(other, 'auth.login', { username: 'olga', password: PASSWORD })).ok).toBe(true);
  });

  it('refuses a disabled account and ends its open sessions at once', async () => {
    t = await openTestHost();
    const op = await t.signIn('operator', 'dave');
    const admin = await t.signIn('admin');
    const detach = t.host.bridge.attach(op);
    const dave = (await t.ok(admin, 'users.list', {})).users.find((u) => u.username === 'dave')!;
    await t.ok(admin, 'users.update', { id: dave.id, disabled: true });
    expect(op.messages).toContainEqual({ type: 'session', notice: { kind: 'ended', reason: 'Your account was disabled' } });
    expect(await t.call(op, 'settings.get', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const again = await t.call(fakeConnection(), 'auth.login', { username: 'dave', password: PASSWORD });
    expect(again).toMatchObject({ ok: false, error: { message: expect.stringMatching(/disabled/) } });
    detach();
  });
});

describe('sessions', () => {
  it('locks after the idle time; only the password unlocks; other calls are refused meanwhile', async () => {
    t = await openTestHost();
    const conn = await t.signIn('supervisor', 'sam');
    t.clock.advance(15 * MINUTE);
    const r = await t.call(conn, 'settings.get', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthenticated', details: { locked: true } } });
    expect((await t.call(conn, 'auth.unlock', { password: 'wrong-password' })).ok).toBe(false);
    const unlocked = await t.call(conn, 'auth.unlock', { password: PASSWORD });
    expect(unlocked.ok).toBe(true);
    expect((await t.call(conn, 'settings.get', {})).ok).toBe(true);
  });

  it('a wrong password on the lock screen says the password is wrong; sign-in still does not say which of the two was', async () => {
    t = await openTestHost();
    const conn = await t.signIn('supervisor', 'sam');
    await t.ok(conn, 'auth.lock', {});
    // The session already names the user: only the password can be wrong.
    expect(await t.call(conn, 'auth.unlock', { password: 'wrong-password' })).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: 'Wrong password' } });
    const signIn = await t.call(fakeConnection(), 'auth.login', { username: 'sam', password: 'wrong-password' });
    const noSuchUser = await t.call(fakeConnection(), 'auth.login', { username: 'nobody-here', password: 'wrong-password' });
    expect(signIn).toMatchObject({ ok: false, error: { message: 'Wrong username or password' } });
    expect(noSuchUser).toMatchObject({ ok: false, error: { message: 'Wrong username or password' } });
  });

  it('a locked session can still sign out, and is then gone', async () => {
    t = await openTestHost();
    const conn = await t.signIn('operator', 'lena');
    await t.ok(conn, 'auth.lock', {});
    expect(await t.call(conn, 'settings.get', {})).toMatchObject({ ok: false, error: { details: { locked: true } } });
    await t.ok(conn, 'auth.logout', {});
    expect(conn.sessionId).toBeNull();
    expect(await t.call(conn, 'auth.unlock', { password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('stays unlocked while the user keeps working', async () => {
    t = await openTestHost();
    const conn = await t.signIn('operator', 'ann');
    for (let i = 0; i < 10; i++) {
      t.clock.advance(10 * MINUTE);
      expect((await t.call(conn, 'settings.get', {})).ok).toBe(true);
    }
  });

  it('expires after the maximum age even when active', async () => {
    t = await openTestHost();
    const conn = await t.signIn('operator', 'max');
    for (let i = 0; i < 12; i++) {
      t.clock.advance(60 * MINUTE - 1);
      await t.call(conn, 'settings.get', {});
    }
    t.clock.advance(20 * MINUTE);
    expect(await t.call(conn, 'settings.get', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('resumes a session on a new connection with its token, not with a made-up one', async () => {
    t = await openTestHost();
    const first = fakeConnection();
    const session = await t.ok(first, 'auth.login', { username: 'admin', password: PASSWORD });
    const second = fakeConnection();
    expect((await t.call(second, 'auth.resume', { token: 'x'.repeat(43) })).ok).toBe(false);
    await t.ok(second, 'auth.resume', { token: session.token });
    expect((await t.call(second, 'users.list', {})).ok).toBe(true);
    await t.ok(first, 'auth.logout', {});
    expect((await t.call(second, 'users.list', {})).ok).toBe(false);
  });

  it('stores only token hashes', async () => {
    t = await openTestHost();
    const session = await t.ok(fakeConnection(), 'auth.login', { username: 'admin', password: PASSWORD });
    const ids = t.host.database.sqlite.prepare('SELECT id FROM sessions').pluck().all();
    expect(ids).not.toContain(session.token);
  });

  it('changing the password ends the other sessions of that user', async () => {
    t = await openTestHost();
    const a = await t.signIn('admin');
    const b = await t.signIn('admin');
    await t.ok(a, 'auth.changePassword', { currentPassword: PASSWORD, newPassword: 'brand-new-password' });
    expect((await t.call(a, 'settings.get', {})).ok).toBe(true);
    expect((await t.call(b, 'settings.get', {})).ok).toBe(false);
    expect((await t.call(fakeConnection(), 'auth.login', { username: 'admin', password: 'brand-new-password' })).ok).toBe(true);
  });
});

describe('accounts', () => {
  it('first run with the setup screen: setup creates one admin, then is closed', async () => {
    t = await openTestHost({ adminPassword: undefined, setupInUi: true });
    const conn = fakeConnection();
    expect(await t.ok(conn, 'auth.status', {})).toMatchObject({ setupRequired: true });
    const s = await t.ok(conn, 'auth.setup', { username: 'chief', displayName: 'Chief', password: 'long-enough-password' });
    expect(s.user.role).toBe('admin');
    expect((await t.call(conn, 'users.list', {})).ok).toBe(true);
    const again = await t.call(fakeConnection(), 'auth.setup', { username: 'mallory', displayName: 'M', password: 'long-enough-password' });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await t.ok(conn, 'auth.status', {})).toMatchObject({ setupRequired: false });
  });

  it('headless first run without a password prints a one-time password that works', async () => {
    t = await openTestHost({ adminPassword: undefined });
    expect(t.host.firstRunPassword).toMatch(/^[\w-]{16}$/);
    expect((await t.call(fakeConnection(), 'auth.login', { username: 'admin', password: t.host.firstRunPassword! })).ok).toBe(true);
  });

  it('keeps the last active admin: cannot be demoted or disabled', async () => {
    t = await openTestHost();
    const admin = await t.signIn('admin');
    const me = (await t.ok(admin, 'users.list', {})).users[0]!;
    expect(await t.call(admin, 'users.update', { id: me.id, role: 'operator' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await t.call(admin, 'users.update', { id: me.id, disabled: true })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('usernames are unique regardless of case', async () => {
    t = await openTestHost();
    const admin = await t.signIn('admin');
    const r = await t.call(admin, 'users.create', { username: 'ADMIN', displayName: 'Dup', role: 'operator', password: 'long-enough-password' });
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('hashes passwords with scrypt', async () => {
    t = await openTestHost();
    const hash = t.host.database.sqlite.prepare('SELECT password_hash FROM users').pluck().get() as string;
    expect(hash).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(hash).not.toContain(PASSWORD);
  });
});
