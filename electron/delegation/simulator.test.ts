// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { DelegationEngine } from './engine';
import { enginePolicy, leastLoadedPolicy, roundRobinPolicy, skillMatchPolicy } from './policies';
import { SeededRandom } from './rng';
import {
  compareScenarios,
  learnedWorld,
  simulate,
  simulateAsync,
  waitText,
  withAgent,
  withShifts,
  type SimInput,
  type SimTask,
  type SimWorld,
} from './simulator';
import type { DelegationAgent } from './types';

const T0 = Date.UTC(2026, 11, 1, 6, 0);
const MIN = 60_000;

const agent = (id: string, over: Partial<DelegationAgent> = {}): DelegationAgent => ({
  id,
  name: id,
  kind: 'robot',
  status: 'available',
  skills: { weld: 3, paint: 2 },
  capacity: 1,
  load: 0,
  ...over,
});

/** Fixed durations per agent (minutes), always successful unless listed in `fails`. */
const fixedWorld = (minutes: Record<string, number>, fails: readonly string[] = []): SimWorld => ({
  sample: (a) => ({ success: !fails.includes(a.id), durationMs: (minutes[a.id] ?? 10) * MIN }),
});

/** A noisy world: per-agent speed, log-normal durations, 90% success. */
const noisyWorld: SimWorld = {
  sample: (a, t, _at, luck) => ({
    success: luck.u < 0.9,
    durationMs: (a.id.charCodeAt(a.id.length - 1) % 3 + 1) * (t.type === 'weld' ? 8 : 5) * MIN * Math.exp(0.3 * luck.z),
  }),
};

function site(n: number, seed: number | string = 'site'): SimInput {
  const r = new SeededRandom(7);
  const tasks: SimTask[] = Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    type: i % 3 === 0 ? 'paint' : 'weld',
    priority: (['critical', 'high', 'normal', 'low'] as const)[r.int(4)]!,
    requires: (i % 3 === 0 ? { paint: 1 + r.int(2) } : { weld: 1 + r.int(3) }) as Record<string, number>,
    arrivalAt: T0 + Math.floor(i * 1.5 * MIN),
    deadline: T0 + i * 1.5 * MIN + 60 * MIN,
  }));
  const agents = Array.from({ length: 8 }, (_, i) =>
    agent(`a${i}`, { kind: (['robot', 'software', 'human'] as const)[i % 3]!, skills: { weld: 1 + (i % 3), paint: 1 + ((i + 1) % 2) } }),
  );
  return { tasks, agents, seed };
}

describe('simulator (digital double)', () => {
  it('is deterministic for a seed, and another seed gives other luck', () => {
    const a = simulate(site(300), roundRobinPolicy(), noisyWorld);
    const b = simulate(site(300), roundRobinPolicy(), noisyWorld);
    const c = simulate(site(300, 'other'), roundRobinPolicy(), noisyWorld);
    expect(b).toEqual(a);
    expect(c.makespanMs).not.toBe(a.makespanMs);
  });

  it('is deterministic with the learning engine as the policy', () => {
    const run = () => simulate(site(300), enginePolicy(new DelegationEngine({ random: new SeededRandom(3) }), { learn: true }), noisyWorld);
    expect(run()).toEqual(run());
  });

  it('measures makespan, waits, utilisation and deadline misses on a case worked by hand', () => {
    const input: SimInput = {
      seed: 1,
      agents: [agent('solo')],
      tasks: [0, 1, 2].map((i) => ({ id: `t${i}`, type: 'weld', priority: 'normal', requires: { weld: 1 }, arrivalAt: T0, deadline: T0 + 25 * MIN })),
    };
    const r = simulate(input, leastLoadedPolicy(), fixedWorld({ solo: 10 }));
    expect(r.makespanMs).toBe(30 * MIN);
    expect(r.completed).toBe(3);
    expect(r.waits).toEqual({ p50Ms: 10 * MIN, p95Ms: 20 * MIN, meanMs: 10 * MIN });
    expect(r.deadlineMisses).toBe(1);
    expect(r.perAgent[0]).toMatchObject({ agentId: 'solo', utilisation: 1, attempts: 3 });
    expect(r.bottleneck.agent).toMatchObject({ agentId: 'solo', utilisation: 1 });
    expect(r.bottleneck.summary).toContain('tasks needing weld waited longest (mean 10 min;');
  });

  it("counts as a skill's holders only the agents with the level its tasks ask for", () => {
    const input: SimInput = {
      seed: 1,
      startAt: T0,
      agents: [agent('solo'), agent('novice', { skills: { weld: 1 } })],
      tasks: [0, 1, 2].map((i) => ({ id: `t${i}`, type: 'weld', priority: 'normal', requires: { weld: 2 }, arrivalAt: T0 })),
    };
    const r = simulate(input, leastLoadedPolicy(), fixedWorld({ solo: 10 }));
    expect(r.perAgent.find((a) => a.agentId === 'novice')!.attempts).toBe(0);
    // Only solo could weld at level 2, and it was busy all along: not "50% busy" with the novice in.
    expect(r.bottleneck.skill).toMatchObject({ skill: 'weld', holderUtilisation: 1 });
    expect(r.bottleneck.summary).toContain('the agents with enough weld were 100% busy');
  });

  it('puts the bottleneck wait in minutes, hours or days', () => {
    expect(waitText(45 * MIN)).toBe('45 min');
    expect(waitText(1500 * MIN)).toBe('25.0 h');
    expect(waitText(3560 * MIN)).toBe('2.5 d');
  });

  it('retries a failed attempt with another agent and respects shifts', () => {
    const input: SimInput = {
      seed: 1,
      agents: [agent('clumsy'), agent('anna', { kind: 'human', shifts: [{ start: T0 + 60 * MIN, end: T0 + 9 * 60 * MIN }] })],
      tasks: [{ id: 't', type: 'weld', priority: 'high', requires: { weld: 1 }, arrivalAt: T0 }],
    };
    const starts: [string, number][] = [];
    const r = simulate(input, roundRobinPolicy(), fixedWorld({ clumsy: 5, anna: 10 }, ['clumsy']), {
      onAssign: (e) => starts.push([e.agentId, (e.now - T0) / MIN]),
    });
    expect(starts).toEqual([
      ['clumsy', 0],
      ['anna', 60],
    ]);
    expect(r).toMatchObject({ completed: 1, failed: 0, attempts: 2, makespanMs: 70 * MIN });
  });

  it('leaves work stranded when nobody is qualified, and says so', () => {
    const input: SimInput = { seed: 1, agents: [agent('a')], tasks: [{ id: 't', type: 'x', priority: 'low', requires: { crane: 1 }, arrivalAt: T0 }] };
    expect(simulate(input, skillMatchPolicy(), fixedWorld({}))).toMatchObject({ completed: 0, stranded: 1, unfinished: 1 });
  });

  it('compares scenarios: one more agent or a longer shift shortens the day', () => {
    const base = site(200);
    const world = noisyWorld;
    const policy = () => leastLoadedPolicy();
    const rows = compareScenarios({ name: 'today', input: base, policy, world }, [
      { name: '+1 welder', input: withAgent(base, agent('extra', { skills: { weld: 3, paint: 2 } })), policy, world },
      { name: 'a0 late shift only', input: withShifts(base, 'a0', [{ start: T0 + 4 * 60 * MIN, end: T0 + 12 * 60 * MIN }]), policy, world },
    ]);
    expect(rows.map((r) => r.name)).toEqual(['today', '+1 welder', 'a0 late shift only']);
    expect(rows[0]!.delta.makespanMs).toBe(0);
    expect(rows[1]!.delta.makespanMs).toBeLessThan(0);
    expect(rows[2]!.delta.makespanMs).toBeGreaterThan(0);
  });

  it('simulates from the learned models, and the same in slices', async () => {
    const engine = new DelegationEngine({ random: new SeededRandom(1) });
    for (let i = 0; i < 30; i++) {
      engine.observe({ agentId: 'a1', taskType: 'weld', success: true, durationMs: 6 * MIN, at: i, margin: 1 });
      engine.observe({ agentId: 'a2', taskType: 'weld', success: i % 2 === 0, durationMs: 12 * MIN, at: i, margin: 1 });
    }
    const input = site(400);
    const world = learnedWorld(engine.models);
    const policy = () => enginePolicy(engine.clone(new SeededRandom(5)));
    const once = simulate(input, policy(), world);
    const sliced = await simulateAsync(input, policy(), world, {}, { sliceMs: 1 });
    expect(sliced.result).toEqual(once);
    expect(sliced.stats.slices).toBeGreaterThan(1);
    const a1 = once.perAgent.find((a) => a.agentId === 'a1')!;
    const a2 = once.perAgent.find((a) => a.agentId === 'a2')!;
    expect(a1.attempts).toBeGreaterThan(a2.attempts);
  });

  it('runs 2,000 tasks with the learning engine in well under a few seconds', () => {
    const started = performance.now();
    const r = simulate(site(2000), enginePolicy(new DelegationEngine({ random: new SeededRandom(2) }), { learn: true }), noisyWorld);
    expect(r.completed + r.failed + r.unfinished).toBe(2000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
