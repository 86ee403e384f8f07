// Waiting work no agent can take now: nobody could ever (with the requirement nobody meets named),
// or those who could are all stopped (each named with why); busy agents are a queue, not stuck.
import { describe, expect, it } from 'vitest';
import type { DelegationAgent } from '../delegation/types';
import { findStuckWork, nobodyReason, STUCK_KINDS_MAX, type ReadyKindRow } from './stuck-work';

const NOW = Date.UTC(2026, 11, 3, 10, 0);
const H = 3_600_000;
const agent = (id: string, over: Partial<DelegationAgent> = {}): DelegationAgent => ({
  id,
  name: id,
  kind: 'robot',
  status: 'available',
  skills: {},
  capacity: 1,
  load: 0,
  ...over,
});
const row = (type: string, over: Partial<ReadyKindRow> = {}): ReadyKindRow => ({ type, requires: null, tags: '[]', priority: 2, n: 1, oldest: NOW - H, ...over });

const welder = agent('welder-1', { skills: { weld: 3 } });
const painter = agent('painter', { skills: { paint: 2 }, status: 'fault' });
const anna = agent('anna', {
  kind: 'human',
  skills: { inspect: 2, paint: 1 },
  shifts: [{ start: NOW + 2 * H, end: NOW + 10 * H }],
  certifications: [{ name: 'forklift', expiresAt: NOW - H }],
});

describe('stuck work', () => {
  it('names the kinds nobody could ever take and what nobody has', () => {
    const s = findStuckWork(
      [
        row('paint.door', { requires: '{"paint":3}', n: 4, priority: 0 }),
        row('drive', { tags: '["cert:forklift","kind:human","urgent"]' }),
        row('sign-off', { tags: '["kind:software"]' }),
        row('weld', { requires: '{"weld":2}', n: 10 }),
      ],
      [welder, painter, anna],
      new Map(),
      NOW,
      'UTC',
    );
    expect(s.waiting).toBe(16);
    expect(s.stuck).toBe(6);
    expect(s.kinds.map((k) => [k.type, k.reason, k.count])).toEqual([
      ['paint.door', 'nobody', 4],
      ['drive', 'nobody', 1],
      ['sign-off', 'nobody', 1],
    ]);
    expect(s.kinds[0]).toMatchObject({ priority: 'critical', requires: { paint: 3 }, text: 'The best Paint is level 2, 3 needed.', agents: [] });
    // Certifications bind people only: a robot could drive, so the task says kind:human.
    expect(s.kinds[1]).toMatchObject({ tags: ['cert:forklift', 'kind:human'], text: "No person holds a valid 'forklift' certification." });
    expect(s.kinds[2]!.text).toBe('Only software agents may take it, and there are none.');
  });

  it('names every agent that could take it and why none is taking work, the live words for a status first', () => {
    const s = findStuckWork(
      [row('paint', { requires: '{"paint":1}', n: 3 })],
      [welder, painter, anna, agent('painter-2', { skills: { paint: 4 } })],
      new Map([['painter-2', 'Not connected (last heard from 09:12)']]),
      NOW,
      'UTC',
    );
    // painter-2 is "offline" in the live roster the service passes; here its status says so.
    expect(s.kinds).toEqual([]);
    const live = findStuckWork(
      [row('paint', { requires: '{"paint":1}', n: 3 })],
      [welder, painter, anna, agent('painter-2', { skills: { paint: 4 }, status: 'offline' })],
      new Map([['painter-2', 'Not connected (last heard from 09:12)']]),
      NOW,
      'UTC',
    );
    expect(live.kinds).toHaveLength(1);
    expect(live.kinds[0]).toMatchObject({ reason: 'unavailable', text: 'All 3 agents that could take it are not taking work now.' });
    expect(live.kinds[0]!.agents).toEqual([
      { id: 'painter', name: 'painter', why: 'Status: fault' },
      { id: 'anna', name: 'anna', why: 'Off shift until 12:00' },
      { id: 'painter-2', name: 'painter-2', why: 'Not connected (last heard from 09:12)' },
    ]);
  });

  it('leaves work alone that a free agent can take, or that waits only for a busy one', () => {
    const busy = agent('welder-2', { skills: { weld: 3 }, load: 2, capacity: 2 });
    const working = agent('welder-3', { skills: { weld: 3 }, status: 'busy' });
    expect(findStuckWork([row('weld', { requires: '{"weld":3}' })], [busy], new Map(), NOW, 'UTC').kinds).toEqual([]);
    expect(findStuckWork([row('weld', { requires: '{"weld":3}' })], [working], new Map(), NOW, 'UTC').kinds).toEqual([]);
    expect(findStuckWork([row('weld', { requires: '{"weld":3}' })], [welder], new Map(), NOW, 'UTC').kinds).toEqual([]);
    // Busy, but in maintenance for the afternoon: that is stopped, not a queue.
    const down = { ...busy, maintenance: [{ start: NOW - H, end: NOW + 4 * H }] };
    expect(findStuckWork([row('weld', { requires: '{"weld":3}' })], [down], new Map(), NOW, 'UTC').kinds[0]).toMatchObject({
      reason: 'unavailable',
      text: 'The one agent that could take it is not taking work now.',
    });
  });

  it('lists the most harmful kinds first and counts the rest', () => {
    const rows = Array.from({ length: STUCK_KINDS_MAX + 3 }, (_, i) => row(`t${String(i).padStart(2, '0')}`, { requires: '{"x":1}', n: i + 1, priority: i % 4 }));
    const s = findStuckWork(rows, [welder], new Map(), NOW, 'UTC');
    expect(s.kinds).toHaveLength(STUCK_KINDS_MAX);
    expect(s.more).toBe(3);
    expect(s.stuck).toBe(rows.reduce((n, r) => n + r.n, 0));
    expect(s.kinds.slice(0, 4).every((k) => k.priority === 'critical')).toBe(true);
    expect(s.kinds[0]!.count).toBeGreaterThan(s.kinds[1]!.count);
  });

  it('says when each requirement is met by someone but no single agent meets them all', () => {
    const task = { id: 'k', type: 'x', priority: 'normal' as const, requires: { weld: 3, paint: 2 } };
    expect(nobodyReason(task, [welder, { ...painter, status: 'available' as const }], NOW)).toBe('No single agent meets all it needs together.');
    expect(nobodyReason({ ...task, requires: { glue: 1 } }, [welder], NOW)).toBe('No agent has Glue (level 1 needed).');
    expect(nobodyReason({ id: 'k', type: 'x', priority: 'normal', zone: 'B', zoneStrict: true }, [welder], NOW)).toBe('No agent works in zone B.');
  });
});
