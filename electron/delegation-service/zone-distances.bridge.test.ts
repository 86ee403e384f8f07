// @vitest-environment node
// The site's zone distance table through the real bridge: set by engineers like the other
// delegation settings (audited, announced, kept across a restart), checked before anything
// changes, and used by the live engine, so a task goes to the agent in the near zone and the
// explanation's zone component shows why.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ZONE_DISTANCES_MAX, type ServerMessage } from '../../preload/contract';
import { FakeClock } from '../core/clock';
import { openTestHost, type TestHost } from '../testing/harness';

const open: TestHost[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function openSite(dataDir?: string) {
  const clock = new FakeClock(Date.UTC(2026, 2, 2, 9, 0));
  const t = await openTestHost({ taskTickMs: 0, clock, tasks: { shutdownGraceMs: 0 }, delegationSaveDelayMs: 60_000 }, dataDir);
  open.push(t);
  const admin = await t.signIn('admin');
  const engineer = await t.signIn('engineer', 'erin');
  const supervisor = await t.signIn('supervisor', 'sam');
  const operator = await t.signIn('operator', 'otto');
  await t.ok(engineer, 'delegation.updateSettings', { explorationRate: 0 });
  return { t, clock, admin, engineer, supervisor, operator };
}

const TABLE = [
  { a: 'Cell A', b: 'Cell B', distance: 0.25 },
  { a: 'Cell A', b: 'Warehouse', distance: 1 },
];

describe('zone distances', () => {
  it('are set by engineers, trimmed, announced to every session, audited and kept across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'delegate-zones-'));
    dirs.push(dir);
    const s = await openSite(dir);
    expect((await s.t.ok(s.operator, 'delegation.getSettings', {})).zoneDistances).toEqual([]);
    expect(await s.t.call(s.supervisor, 'delegation.updateSettings', { zoneDistances: TABLE })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const detach = s.t.host.bridge.attach(s.operator);
    const seen = s.operator.messages.length;
    const set = await s.t.ok(s.engineer, 'delegation.updateSettings', { zoneDistances: [{ a: ' Cell A ', b: 'Cell B  ', distance: 0.25 }, TABLE[1]!] });
    detach();
    expect(set.zoneDistances).toEqual(TABLE);
    expect(set.explorationRate).toBe(0);
    const announced = s.operator.messages
      .slice(seen)
      .filter((m): m is Extract<ServerMessage, { type: 'event' }> => m.type === 'event' && m.name === 'delegation.settingsChanged');
    expect(announced).toEqual([expect.objectContaining({ payload: set })]);
    const { entries } = await s.t.ok(s.admin, 'audit.list', { limit: 5 });
    const audited = entries.filter((e) => e.action === 'delegation.updateSettings');
    expect(audited.map((e) => [e.outcome, e.target])).toEqual([
      ['ok', 'delegation'],
      ['forbidden', null],
      ['ok', 'delegation'],
    ]);
    expect(JSON.stringify(audited[0]!.details)).toContain('Warehouse');

    await s.t.close();
    open.splice(open.indexOf(s.t), 1);
    const again = await openTestHost({ taskTickMs: 0, clock: s.clock, tasks: { shutdownGraceMs: 0 } }, dir);
    open.push(again);
    const op = await again.signIn('operator', 'after-restart');
    expect((await again.ok(op, 'delegation.getSettings', {})).zoneDistances).toEqual(TABLE);
  });

  it('refuses a bad table as a whole and changes nothing', async () => {
    const s = await openSite();
    const before = await s.t.ok(s.engineer, 'delegation.updateSettings', { zoneDistances: TABLE, humanOfferMinutes: 5 });
    const tooMany = Array.from({ length: ZONE_DISTANCES_MAX + 1 }, (_, i) => ({ a: 'Hub', b: `Cell ${i}`, distance: 0.5 }));
    const bad: unknown[] = [
      [{ a: 'Cell A', b: 'Cell B', distance: 1.5 }],
      [{ a: 'Cell A', b: 'Cell B', distance: -0.1 }],
      [{ a: 'Cell A', b: ' Cell A', distance: 0.2 }],
      [TABLE[0], { a: 'Cell B', b: 'Cell A', distance: 0.5 }],
      [{ a: '   ', b: 'Cell B', distance: 0.5 }],
      [{ a: 'x'.repeat(65), b: 'Cell B', distance: 0.5 }],
      [{ a: 'Cell A', b: 'Cell B' }],
      [{ a: 'Cell A', b: 'Cell B', distance: 0.5, note: 'extra' }],
      tooMany,
    ];
    for (const zoneDistances of bad) {
      const answer = await s.t.call(s.engineer, 'delegation.updateSettings', { humanOfferMinutes: 30, zoneDistances } as never);
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(await s.t.ok(s.operator, 'delegation.getSettings', {})).toEqual(before);
    // The service checks on its own too (callers other than the bridge).
    expect(() => s.t.host.delegation.updateSettings({ zoneDistances: [{ a: 'Cell A', b: 'Cell A', distance: 0 }] })).toThrow(/0 from itself/);
    expect(await s.t.ok(s.operator, 'delegation.getSettings', {})).toEqual(before);
  });

  it('steer the live engine: a task in Cell A goes to the agent in near Cell B, not far Warehouse, and the explanation shows it', async () => {
    const s = await openSite();
    await s.t.ok(s.engineer, 'delegation.updateSettings', { zoneDistances: TABLE });
    const far = await s.t.ok(s.engineer, 'agents.create', { name: 'Forklift W', kind: 'robot', skills: { move: 2 }, zone: 'Warehouse' });
    const near = await s.t.ok(s.engineer, 'agents.create', { name: 'Forklift B', kind: 'robot', skills: { move: 2 }, zone: 'Cell B' });
    for (const a of [far, near]) s.t.host.agents.touch(a.id, s.clock.now());
    const task = await s.t.ok(s.supervisor, 'tasks.create', { type: 'move', requires: { move: 1 }, tags: ['zone:Cell A'] });
    s.t.host.tasks.tick();
    const { decision } = await s.t.ok(s.operator, 'delegation.explain', { taskId: task.id });
    expect(decision).toMatchObject({ agentId: near.id });
    const zone = Object.fromEntries(decision!.candidates.map((c) => [c.agentId, c.components.zone]));
    expect(zone[near.id]).toBeCloseTo(0.75);
    expect(zone[far.id]).toBe(0);
    expect(decision!.whyNot.find((w) => w.agentId === far.id)!.text).toContain('a shorter way to the work (zone Cell B vs Warehouse)');
  });
});
