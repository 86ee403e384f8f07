import { describe, expect, it } from 'vitest';
import type { AgentDto } from '../../../preload/contract';
import { sampleAgent } from '../testing/fakes';
import { fleetNow, HOUR_MINUTES, lastHour, workNow, type TaskOverview } from './floor';

const MIN = 60_000;
const AT = Date.UTC(2026, 11, 3, 14, 30, 20);
const CURRENT = AT - (AT % MIN);
const minute = (at: number, counts: Partial<TaskOverview['minutes'][number]> = {}): TaskOverview['minutes'][number] => ({
  at,
  created: 0,
  claimed: 0,
  succeeded: 0,
  failed: 0,
  timedOut: 0,
  leaseExpired: 0,
  cancelled: 0,
  dead: 0,
  ...counts,
});
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe('work now', () => {
  it('groups the states the way a supervisor reads them, with the ready ones by priority', () => {
    const w = workNow({
      at: AT,
      countingSince: AT - 3 * 3_600_000,
      depth: [
        { state: 'ready', priority: 'critical', count: 2 },
        { state: 'ready', priority: 'normal', count: 40 },
        { state: 'running', priority: 'normal', count: 7 },
        { state: 'running', priority: 'high', count: 1 },
        { state: 'failed', priority: 'normal', count: 3 },
        { state: 'timed_out', priority: 'low', count: 1 },
        { state: 'blocked', priority: 'normal', count: 5 },
        { state: 'succeeded', priority: 'normal', count: 900 },
        { state: 'dead', priority: 'high', count: 4 },
      ],
      minutes: [],
    });
    expect(Object.fromEntries(w.groups.map((g) => [g.key, g.count]))).toEqual({ ready: 42, running: 8, assigned: 0, retry: 4, blocked: 5, pending: 0 });
    expect(w.groups.find((g) => g.key === 'retry')!.states).toEqual(['failed', 'timed_out']);
    expect(w.readyByPriority).toEqual([
      { priority: 'critical', count: 2 },
      { priority: 'high', count: 0 },
      { priority: 'normal', count: 40 },
      { priority: 'low', count: 0 },
    ]);
    expect(w.finished).toEqual({ succeeded: 900, dead: 4, cancelled: 0 });
    expect(w.open).toBe(59);
  });
});

describe('the last hour', () => {
  it('lays out all 60 minutes, empty before the host started counting, and adds up what was counted', () => {
    const since = CURRENT - 2 * MIN + 15_000;
    const h = lastHour(
      {
        at: AT,
        countingSince: since,
        depth: [],
        minutes: [
          minute(CURRENT - 2 * MIN, { created: 10, succeeded: 4 }),
          minute(CURRENT - MIN, { created: 5, claimed: 9, succeeded: 6, failed: 3, dead: 1, leaseExpired: 1 }),
          minute(CURRENT, { succeeded: 2, timedOut: 1, cancelled: 1 }),
        ],
      },
      hhmm,
    );
    expect(h.points).toHaveLength(HOUR_MINUTES);
    expect(h.points.at(-1)).toMatchObject({ at: CURRENT, label: '14:30', succeeded: 2, retried: 1, cancelled: 1 });
    expect(h.points.at(-2)).toMatchObject({ succeeded: 6, retried: 2, dead: 1 });
    expect(h.points[0]).toMatchObject({ at: CURRENT - 59 * MIN, label: '13:31', succeeded: null, created: null });
    expect(h.totals).toEqual({ created: 15, claimed: 9, succeeded: 12, failed: 3, timedOut: 1, leaseExpired: 1, dead: 1, cancelled: 1 });
    expect(h.countingSince).toBe(since);
    // 14 finished over the 2 min 5 s counted.
    expect(h.perMinute).toBeCloseTo(14 / ((AT - since) / MIN), 6);
  });

  it('says nothing about the start when the host has counted for over an hour', () => {
    const h = lastHour({ at: AT, countingSince: AT - 5 * 3_600_000, depth: [], minutes: [minute(CURRENT, { succeeded: 30 })] }, hhmm);
    expect(h.countingSince).toBeNull();
    expect(h.perMinute).toBeCloseTo(30 / 60, 6);
  });
});

const agent = (name: string, over: Partial<AgentDto>): AgentDto => sampleAgent({ id: `01J${name.toUpperCase().padEnd(23, '0')}`, name, capacity: 1, skills: {}, ...over });

describe('agents now', () => {
  it('counts the fleet by status and kind, the slots of those that can work, and lists the stopped worst first, then the unheard', () => {
    const f = fleetNow([
      agent('w1', { load: 1, lastSeenAt: AT - 5000 }),
      agent('ai', { kind: 'software', capacity: 4, load: 3, status: 'busy', lastSeenAt: AT - 10 * MIN }),
      agent('w4', { lastSeenAt: AT - 5 * MIN }),
      agent('w5', { lastSeenAt: null, capacity: 2 }),
      agent('anna', { kind: 'human', status: 'paused', capacity: 2, load: 1 }),
      agent('w2', { status: 'estopped' }),
      agent('w3', { status: 'fault' }),
    ], AT);
    expect(f.total).toBe(7);
    expect(f.byKind).toEqual([
      { kind: 'robot', count: 5 },
      { kind: 'software', count: 1 },
      { kind: 'human', count: 1 },
    ]);
    expect(f.byStatus.filter((s) => s.count > 0)).toEqual([
      { status: 'available', count: 1 },
      { status: 'busy', count: 1 },
      { status: 'paused', count: 1 },
      { status: 'fault', count: 1 },
      { status: 'estopped', count: 1 },
    ]);
    expect(f.unheard).toBe(2);
    expect(f.slots).toEqual({ used: 4, capacity: 5 });
    // Busy is working (not judged by last seen); a person's presence is hers to set.
    expect(f.stopped.map((s) => [s.agent.name, s.unheard])).toEqual([
      ['w3', false],
      ['w2', false],
      ['anna', false],
      ['w4', true],
      ['w5', true],
    ]);
  });
});
