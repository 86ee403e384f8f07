// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { SimRunId, type SimRowDto } from '../../../preload/contract';
import { bestScenario, makespanDelta, newRunId, runProgressView, scenarioPoints, startLabel, timeUnit, utilisationPoints } from './simulation-view';

function row(name: string, makespanMs: number, patch: Partial<SimRowDto> = {}): SimRowDto {
  return {
    name,
    isBase: name === 'Current policy',
    makespanMs,
    completed: 10,
    failed: 0,
    unfinished: 0,
    waits: { p50Ms: 60_000, p95Ms: 600_000, meanMs: 120_000 },
    deadlineMisses: 1,
    utilisation: [
      { agentId: 'a', name: 'Welder R2', utilisation: 0.9, busyMs: 1, attempts: 3 },
      { agentId: 'b', name: 'Ann', utilisation: 0.4, busyMs: 1, attempts: 1 },
    ],
    bottleneck: { agentId: 'a', agentName: 'Welder R2', skill: 'weld', summary: 'Welder R2 is busy 90% of the time.' },
    delta: { makespanMs: 0, makespanPct: 0, p95WaitMs: 0, deadlineMisses: 0, meanUtilisation: 0 },
    ...patch,
  };
}

describe('simulation view', () => {
  it('picks minutes for short runs and hours for long ones', () => {
    expect(timeUnit(2 * 3_600_000).label).toBe('min');
    expect(timeUnit(5 * 3_600_000).label).toBe('h');
  });

  it('maps rows to chart points in one unit per chart', () => {
    const { points, makespanUnit, waitUnit } = scenarioPoints({ rows: [row('Current policy', 5 * 3_600_000), row('More welders', 4.5 * 3_600_000)] });
    expect(makespanUnit.label).toBe('h');
    expect(waitUnit.label).toBe('min');
    expect(points[1]).toEqual({ scenario: 'More welders', isBase: false, makespan: 4.5, deadlineMisses: 1, waitP50: 1, waitP95: 10 });
  });

  it('puts every agent’s utilisation side by side, busiest first, leaving removed agents out of their scenario', () => {
    const removed = row('Without Ann', 1, { utilisation: [{ agentId: 'a', name: 'Welder R2', utilisation: 1, busyMs: 1, attempts: 4 }] });
    const added = row('Plus R9', 1, { utilisation: [...row('x', 1).utilisation, { agentId: '', name: 'Welder R9', utilisation: 0.5, busyMs: 1, attempts: 2 }] });
    expect(utilisationPoints([row('Current policy', 1), removed, added])).toEqual([
      { agent: 'Welder R2', 'Current policy': 90, 'Without Ann': 100, 'Plus R9': 90 },
      { agent: 'Ann', 'Current policy': 40, 'Plus R9': 40 },
      { agent: 'Welder R9', 'Plus R9': 50 },
    ]);
  });

  it('says the change against the base and finds the best scenario', () => {
    const faster = row('More welders', 3_000_000, { delta: { makespanMs: -600_000, makespanPct: -0.1667, p95WaitMs: 0, deadlineMisses: 0, meanUtilisation: 0 } });
    const slower = row('Fewer', 4_000_000, { delta: { makespanMs: 400_000, makespanPct: 0.111, p95WaitMs: 0, deadlineMisses: 0, meanUtilisation: 0 } });
    expect(makespanDelta(faster)).toBe('−10 min (−17%)');
    expect(makespanDelta(slower)).toBe('+6 min 40 s (+11%)');
    expect(makespanDelta(row('Current policy', 1))).toBe('base');
    expect(bestScenario([row('Current policy', 3_600_000), faster, slower])?.name).toBe('More welders');
    expect(bestScenario([row('Current policy', 1_000), slower])).toBeNull();
  });
});

describe('startLabel', () => {
  it('says today or tomorrow with the time, else the weekday and date', () => {
    const now = new Date(2026, 2, 2, 23, 50).getTime();
    const time = (ms: number) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(ms);
    const soon = new Date(2026, 2, 2, 23, 55).getTime();
    const early = new Date(2026, 2, 3, 6, 0).getTime();
    expect(startLabel(soon, now)).toBe(`today ${time(soon)}`);
    expect(startLabel(early, now)).toBe(`tomorrow ${time(early)}`);
    const later = startLabel(new Date(2026, 2, 5, 6, 0).getTime(), now);
    expect(later).not.toMatch(/today|tomorrow/);
    expect(later).toMatch(/5/);
  });
});

describe('runProgressView', () => {
  it('counts finished rows and the settled share of the current one over all rows', () => {
    expect(runProgressView({ scenario: 'Current policy', scenarioIndex: 0, scenarios: 3, done: 0, total: 10_000 })).toEqual({
      fraction: 0,
      row: 'Current policy (1 of 3)',
      tasks: '0 of 10,000 tasks settled',
    });
    const mid = runProgressView({ scenario: '+ Welder R9', scenarioIndex: 1, scenarios: 2, done: 2_500, total: 10_000 });
    expect(mid.fraction).toBeCloseTo(0.625);
    expect(mid.row).toBe('+ Welder R9 (2 of 2)');
    expect(runProgressView({ scenario: 'Current policy', scenarioIndex: 0, scenarios: 1, done: 1, total: 1 })).toEqual({
      fraction: 1,
      row: 'Current policy',
      tasks: '1 of 1 task settled',
    });
  });

  it('stays between 0 and 1 for a row without tasks or an index past the end', () => {
    expect(runProgressView({ scenario: 'x', scenarioIndex: 0, scenarios: 2, done: 0, total: 0 }).fraction).toBe(0.5);
    expect(runProgressView({ scenario: 'x', scenarioIndex: 5, scenarios: 2, done: 3, total: 2 }).fraction).toBe(1);
  });
});

describe('newRunId', () => {
  it('makes distinct ids the contract accepts', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newRunId(1_700_000_000_000)));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(SimRunId.safeParse(id).success).toBe(true);
  });
});
