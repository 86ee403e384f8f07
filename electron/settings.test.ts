// Site settings through the real bridge and host: the task queue's retention and aging settings
// round-trip, are audited, refuse bad values without changing anything, and take effect without
// a restart (retention on its next run, aging at once, for the work already waiting too).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../preload/contract';
import { DAY_MS } from './tasks/retention';
import { openTestHost, type TestConnection, type TestHost } from './testing/harness';

let t: TestHost;
afterEach(() => t.close());

async function open(dataDir?: string): Promise<{ t: TestHost; admin: TestConnection }> {
  t = await openTestHost({ taskTickMs: 0, taskMaintenanceMs: 0, tasks: { shutdownGraceMs: 0 } }, dataDir);
  return { t, admin: await t.signIn('admin') };
}

const stored = () => t.host.database.sqlite.prepare('SELECT key, value FROM settings ORDER BY key').all();

describe('task queue site settings', () => {
  it('default to 7 days of retention and aging on at one level per minute', async () => {
    const { admin } = await open();
    expect(await t.ok(admin, 'settings.get', {})).toMatchObject({ taskRetentionDays: 7, taskAging: true, taskAgingStepMinutes: 1 });
    expect(t.host.tasks.options).toMatchObject({ aging: true, agingStepMs: 60_000 });
  });

  it('round-trip, are audited and announced, and are still there after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'delegate-settings-'));
    try {
      const { admin } = await open(dir);
      const operator = await t.signIn('operator');
      const detach = t.host.bridge.attach(operator);
      const patch: Partial<Settings> = { taskRetentionDays: 30, taskAging: false, taskAgingStepMinutes: 15 };
      const next = await t.ok(admin, 'settings.update', patch);
      detach();
      expect(next).toMatchObject({ ...patch, siteName: 'My site' });
      expect(await t.ok(operator, 'settings.get', {})).toMatchObject(patch);
      expect(operator.messages).toContainEqual(expect.objectContaining({ type: 'event', name: 'settings.changed', payload: expect.objectContaining(patch) }));
      expect(t.host.tasks.options).toMatchObject({ aging: false, agingStepMs: 15 * 60_000 });
      const { entries } = await t.ok(admin, 'audit.list', { limit: 1, action: 'settings.update' });
      expect(entries[0]).toMatchObject({
        outcome: 'ok',
        actorName: 'admin',
        target: 'taskRetentionDays,taskAging,taskAgingStepMinutes',
        details: { input: patch },
      });
      await t.close();

      const again = await open(dir);
      expect(await t.ok(again.admin, 'settings.get', {})).toMatchObject(patch);
      expect(t.host.tasks.options).toMatchObject({ aging: false, agingStepMs: 15 * 60_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each<[string, Record<string, unknown>]>([
    ['0 days', { taskRetentionDays: 0 }],
    ['more than 3650 days', { taskRetentionDays: 3651 }],
    ['part of a day', { taskRetentionDays: 1.5 }],
    ['days as text', { taskRetentionDays: '7' }],
    ['aging as text', { taskAging: 'yes' }],
    ['a 0-minute step', { taskAgingStepMinutes: 0 }],
    ['a step over a day', { taskAgingStepMinutes: 1441 }],
    ['a good value next to a bad one', { taskRetentionDays: 10, taskAgingStepMinutes: -1 }],
    ['an unknown key', { taskRetentionHours: 5 }],
  ])('refuse %s, audit the refusal and change nothing', async (_, input) => {
    const { admin } = await open();
    const before = await t.ok(admin, 'settings.get', {});
    const rows = stored();
    const r = await t.call(admin, 'settings.update', input as Partial<Settings>);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await t.ok(admin, 'settings.get', {})).toEqual(before);
    expect(stored()).toEqual(rows);
    expect(t.host.tasks.options).toMatchObject({ aging: true, agingStepMs: 60_000 });
    const { entries } = await t.ok(admin, 'audit.list', { limit: 1, action: 'settings.update' });
    expect(entries[0]).toMatchObject({ outcome: 'invalid_input', actorName: 'admin' });
  });

  it('refuse a change by a supervisor', async () => {
    const { admin } = await open();
    const supervisor = await t.signIn('supervisor');
    expect(await t.call(supervisor, 'settings.update', { taskRetentionDays: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.ok(admin, 'settings.get', {})).toMatchObject({ taskRetentionDays: 7 });
  });
});

describe('retention follows the setting', () => {
  it('prunes with the changed number of days on its next run, no restart', async () => {
    await open();
    const tasks = t.host.tasks;
    const worker = t.host.agents.create({ name: 'worker', kind: 'software' });
    const old = tasks.create({ type: 'weld' });
    await tasks.claim(worker.id);
    await tasks.complete(old.id, worker.id, 1);
    t.clock.advance(3 * DAY_MS);
    const recent = tasks.create({ type: 'weld' });
    await tasks.claim(worker.id);
    await tasks.complete(recent.id, worker.id, 1);
    t.clock.advance(DAY_MS);
    expect(t.host.taskRetention.prune()).toMatchObject({ pruned: 0, cutoff: t.clock.now() - 7 * DAY_MS });

    const admin = await t.signIn('admin'); // days have passed: a fresh session
    await t.ok(admin, 'settings.update', { taskRetentionDays: 2 });
    expect(t.host.taskRetention.prune()).toMatchObject({ pruned: 1, cutoff: t.clock.now() - 2 * DAY_MS });
    expect(tasks.get(old.id)).toBeNull();
    expect(tasks.get(recent.id)).not.toBeNull();
    expect(t.host.taskRetention.dailyStats()).toMatchObject([{ type: 'weld', state: 'succeeded', count: 1 }]);
  });
});

describe('aging follows the setting', () => {
  /** A critical task arrives every `everyMs` and the worker takes the best; stops when `low` is taken. How long did low wait? */
  async function flood(low: string, everyMs: number, limit: number): Promise<number> {
    const worker = t.host.agents.byName('worker') ?? t.host.agents.create({ name: 'worker', kind: 'software', capacity: 1 });
    const start = t.clock.now();
    for (let i = 0; i < limit; i++) {
      t.host.tasks.create({ type: 'weld', priority: 'critical' });
      t.clock.advance(everyMs);
      const [c] = await t.host.tasks.claim(worker.id);
      await t.host.tasks.complete(c!.id, worker.id, c!.attempt);
      if (c!.id === low) return t.clock.now() - start;
    }
    return Infinity;
  }

  it('turned off, priority is strict; turned back on, the low task already waiting moves up at once', async () => {
    const { admin } = await open();
    await t.ok(admin, 'settings.update', { taskAging: false });
    const low = t.host.tasks.create({ type: 'weld', priority: 'low' });
    expect(await flood(low.id, 1000, 300)).toBe(Infinity);

    await t.ok(admin, 'settings.update', { taskAging: true });
    // It has waited five minutes, more than three levels at one minute each: it is next.
    expect(await flood(low.id, 1000, 5)).toBe(1000);
  });

  it('turned off, a flood of critical work arriving later overtakes low work that was already waiting', async () => {
    const { admin } = await open();
    const low = t.host.tasks.create({ type: 'weld', priority: 'low' });
    await t.ok(admin, 'settings.update', { taskAging: false });
    expect(await flood(low.id, 1000, 300)).toBe(Infinity);
  });

  it('a longer step makes low work wait longer, for the work already waiting too', async () => {
    const { admin } = await open();
    const low = t.host.tasks.create({ type: 'weld', priority: 'low' });
    await t.ok(admin, 'settings.update', { taskAgingStepMinutes: 10 });
    const waited = await flood(low.id, 10_000, 400);
    // Three levels below critical at ten minutes each, not three minutes.
    expect(waited).toBeGreaterThan(29 * 60_000);
    expect(waited).toBeLessThanOrEqual(30 * 60_000 + 10_000);
  });
});
