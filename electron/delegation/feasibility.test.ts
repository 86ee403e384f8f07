// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { checkFeasibility, isFeasible } from './feasibility';
import type { DelegationAgent, DelegationTask } from './types';

const NOW = Date.UTC(2026, 11, 1, 10, 0);
const at = (h: number, m = 0) => Date.UTC(2026, 11, 1, h, m);

const welder = (over: Partial<DelegationAgent> = {}): DelegationAgent => ({
  id: 'anna',
  name: 'Anna',
  kind: 'human',
  status: 'available',
  skills: { weld: 3 },
  capacity: 2,
  load: 0,
  ...over,
});

const weldTask = (over: Partial<DelegationTask> = {}): DelegationTask => ({
  id: 't1',
  type: 'weld',
  priority: 'normal',
  requires: { weld: 3 },
  ...over,
});

const reasons = (task: DelegationTask, agent: DelegationAgent) => {
  const f = checkFeasibility(task, agent, NOW);
  return f.feasible ? [] : f.rules.map((r) => r.reason);
};

describe('feasibility', () => {
  it('accepts an available agent with the skills, room and no window in the way', () => {
    expect(checkFeasibility(weldTask(), welder(), NOW)).toEqual({ feasible: true, rules: [] });
    expect(isFeasible(weldTask(), welder(), NOW)).toBe(true);
  });

  it('names a skill below the required level and a missing skill', () => {
    expect(reasons(weldTask(), welder({ skills: { weld: 2 } }))).toEqual(['Weld level 2 < required 3']);
    expect(reasons(weldTask({ requires: { weld: 3, inspect: 2 } }), welder())).toEqual(['No Inspect skill (required level 2)']);
  });

  it('refuses a person whose certification expired, with the date', () => {
    const agent = welder({ certifications: [{ name: 'forklift', expiresAt: Date.UTC(2026, 10, 1, 12) }] });
    expect(reasons(weldTask({ certifications: ['forklift'] }), agent)).toEqual(["Certification 'forklift' expired on 2026-11-01"]);
    expect(reasons(weldTask({ certifications: ['crane'] }), agent)).toEqual(["No certification 'crane'"]);
    const valid = welder({ certifications: [{ name: 'forklift', expiresAt: Date.UTC(2027, 0, 1) }] });
    expect(isFeasible(weldTask({ certifications: ['forklift'] }), valid, NOW)).toBe(true);
  });

  it('says when a break ends and when the next shift starts', () => {
    expect(reasons(weldTask(), welder({ breaks: [{ start: at(9, 45), end: at(10, 30) }] }))).toEqual(['On a break until 10:30']);
    expect(reasons(weldTask(), welder({ shifts: [{ start: at(6), end: at(9) }, { start: at(14), end: at(22) }] }))).toEqual([
      'Off shift until 14:00',
    ]);
    const f = checkFeasibility(weldTask(), welder({ breaks: [{ start: at(9, 45), end: at(10, 30) }] }), NOW);
    expect(f.feasible ? null : f.rules[0]?.until).toBe(at(10, 30));
  });

  it('writes clock times in the site time zone', () => {
    const f = checkFeasibility(weldTask(), welder({ breaks: [{ start: at(9), end: at(10, 30) }] }), NOW, { timeZone: 'Europe/Berlin' });
    expect(f.feasible ? [] : f.rules.map((r) => r.reason)).toEqual(['On a break until 11:30']);
  });

  it('refuses a robot in maintenance and any agent not available', () => {
    const robot = welder({ id: 'r1', kind: 'robot', maintenance: [{ start: at(9), end: at(12) }] });
    expect(reasons(weldTask(), robot)).toEqual(['In maintenance until 12:00']);
    expect(reasons(weldTask(), welder({ status: 'fault' }))).toEqual(['Status: fault']);
    expect(reasons(weldTask(), welder({ status: 'estopped' }))).toEqual(['Status: estopped']);
  });

  it('refuses an agent at capacity', () => {
    expect(reasons(weldTask(), welder({ load: 2 }))).toEqual(['At capacity 2/2']);
  });

  it('refuses an excluded agent with the reason given', () => {
    const task = weldTask({ excluded: [{ agentId: 'anna', reason: 'failed this task before' }] });
    expect(reasons(task, welder())).toEqual(['Excluded: failed this task before']);
    expect(reasons(weldTask({ excluded: [{ agentId: 'anna' }] }), welder())).toEqual(['Excluded: by a supervisor']);
  });

  it('applies a strict zone and a kind restriction', () => {
    expect(reasons(weldTask({ zone: 'A', zoneStrict: true }), welder({ zone: 'B' }))).toEqual(['In zone B; task needs zone A']);
    expect(isFeasible(weldTask({ zone: 'A' }), welder({ zone: 'B' }), NOW)).toBe(true);
    expect(reasons(weldTask({ kinds: ['robot'] }), welder())).toEqual(['Only robots may take this task']);
  });

  it('lists every rule that applies, status first', () => {
    const agent = welder({ status: 'paused', skills: { weld: 1 }, load: 2, breaks: [{ start: at(9), end: at(10, 15) }] });
    expect(reasons(weldTask(), agent)).toEqual(['Status: paused', 'Weld level 1 < required 3', 'At capacity 2/2', 'On a break until 10:15']);
  });

  it('checks certifications for people only', () => {
    expect(isFeasible(weldTask({ certifications: ['forklift'] }), welder({ kind: 'robot' }), NOW)).toBe(true);
  });
});
