// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { DelegationEngine } from './engine';
import { whyNotAgent, whyThisAgent } from './explain';
import { meetsSkills } from './feasibility';
import { ReadyIndex, type IndexedTask } from './ready-index';
import { SeededRandom } from './rng';
import type { DelegationAgent, DelegationTask } from './types';

const NOW = Date.UTC(2026, 11, 1, 10, 0);
const MIN = 60_000;

const agent = (id: string, over: Partial<DelegationAgent> = {}): DelegationAgent => ({
  id,
  name: id[0]!.toUpperCase() + id.slice(1),
  kind: 'robot',
  status: 'available',
  skills: { weld: 3 },
  capacity: 1,
  load: 0,
  ...over,
});

const task = (id: string, over: Partial<DelegationTask> = {}): DelegationTask => ({
  id,
  type: 'weld',
  priority: 'normal',
  requires: { weld: 2 },
  ...over,
});

function engine(seed = 1, rate = 0) {
  return new DelegationEngine({ random: new SeededRandom(seed), config: { exploration: { rate } } });
}

function teach(e: DelegationEngine, agentId: string, type: string, n: number, success: number, minutes: number, margin = 1) {
  for (let i = 0; i < n; i++) {
    e.observe({ agentId, taskType: type, success: i < Math.round(n * success), durationMs: minutes * MIN * (1 + 0.05 * Math.sin(i)), at: NOW - (n - i) * MIN, margin });
  }
}

describe('delegation engine', () => {
  it('chooses the agent with the better learned record and explains it', () => {
    const e = engine();
    teach(e, 'rex', 'weld', 30, 0.97, 10);
    teach(e, 'bolt', 'weld', 30, 0.6, 10);
    const agents = [agent('bolt'), agent('rex'), agent('anna', { kind: 'human', skills: { weld: 1 } }), agent('mo', { status: 'fault' })];
    const d = e.decide(task('t1'), agents, NOW);
    expect(d.agentId).toBe('rex');
    const x = d.explanation;
    expect(x.winner?.agentId).toBe('rex');
    expect(x.runnerUp?.agentId).toBe('bolt');
    expect(x.candidates.map((c) => c.agentId)).toEqual(['rex', 'bolt']);
    expect(x.winner!.components.success).toBeGreaterThan(x.runnerUp!.components.success);
    for (const c of x.candidates) for (const v of Object.values(c.components)) expect(v).toBeGreaterThanOrEqual(0);
    expect(x.excluded).toEqual([
      { agentId: 'anna', name: 'Anna', rules: [{ rule: 'skill', reason: 'Weld level 1 < required 2' }] },
      { agentId: 'mo', name: 'Mo', rules: [{ rule: 'status', reason: 'Status: fault' }] },
    ]);
    expect(whyThisAgent(x)).toContain('Rex was chosen');
    expect(whyThisAgent(x)).toContain('higher predicted success');
    expect(whyNotAgent(x, 'anna')).toBe('Anna could not take this task: Weld level 1 < required 2.');
    expect(whyNotAgent(x, 'bolt')).toMatch(/^Bolt scored 0\.\d\d against 0\.\d\d for Rex, who has higher predicted success \(\d+% vs \d+%\)/);
    expect(JSON.parse(JSON.stringify(x))).toEqual(x);
  });

  it('does not spend the only level-5 welder on a level-1 job', () => {
    const e = engine();
    const agents = [agent('expert', { skills: { weld: 5 } }), agent('junior', { skills: { weld: 1 } })];
    expect(e.decide(task('easy', { requires: { weld: 1 } }), agents, NOW).agentId).toBe('junior');
    expect(e.decide(task('hard', { requires: { weld: 5 } }), agents, NOW).agentId).toBe('expert');
  });

  it('says why nobody can take a task', () => {
    const e = engine();
    const d = e.decide(task('t'), [agent('a', { load: 1 }), agent('b', { breaks: [{ start: NOW - MIN, end: NOW + 30 * MIN }] })], NOW);
    expect(d.agentId).toBeNull();
    expect(whyThisAgent(d.explanation)).toBe('No agent can take this task now: of 2 agents, 1 at capacity and 1 on a break.');
    expect(whyNotAgent(d.explanation, 'b')).toBe('B could not take this task: On a break until 10:30.');
  });

  it('prefers an agent likely to meet the deadline', () => {
    const e = engine();
    teach(e, 'quick', 'weld', 20, 0.9, 10);
    teach(e, 'slow', 'weld', 20, 0.95, 40);
    const d = e.decide(task('t', { deadline: NOW + 20 * MIN }), [agent('slow'), agent('quick')], NOW);
    expect(d.agentId).toBe('quick');
    expect(d.explanation.winner!.predicted.onTime).toBeGreaterThan(0.9);
    expect(d.explanation.runnerUp!.predicted.onTime).toBeLessThan(0.1);
  });

  it('never explores on a critical task, and does not even draw for it', () => {
    const random = new SeededRandom(3);
    const e = new DelegationEngine({ random, config: { exploration: { rate: 1 } } });
    teach(e, 'proven', 'weld', 40, 0.95, 10);
    const agents = [agent('proven'), agent('newbie')];
    const before = random.getState();
    for (let i = 0; i < 50; i++) {
      const d = e.decide(task(`c${i}`, { priority: 'critical' }), agents, NOW);
      expect(d.explored).toBe(false);
      expect(d.agentId).toBe('proven');
    }
    expect(random.getState()).toEqual(before);
    const normal = Array.from({ length: 200 }, (_, i) => e.decide(task(`n${i}`), agents, NOW));
    const explored = normal.filter((d) => d.explored);
    expect(explored.length).toBeGreaterThan(5);
    expect(explored.every((d) => d.agentId === 'newbie')).toBe(true);
    expect(whyThisAgent(explored[0]!.explanation)).toContain('exploration pick');
  });

  it('explores less as a newcomer’s record fills in', () => {
    const e = engine(4, 1);
    teach(e, 'proven', 'weld', 40, 0.95, 10);
    const agents = [agent('proven'), agent('newbie')];
    const share = () => Array.from({ length: 300 }, (_, i) => e.decide(task(`n${i}`), agents, NOW)).filter((d) => d.agentId === 'newbie').length / 300;
    const early = share();
    teach(e, 'newbie', 'weld', 40, 0.8, 12);
    expect(share()).toBeLessThan(early / 2);
  });

  it('replays exactly for a seed and after snapshot/restore', () => {
    const run = (e: DelegationEngine) =>
      Array.from({ length: 100 }, (_, i) => e.decide(task(`t${i}`), [agent('a'), agent('b'), agent('c')], NOW).agentId);
    const a = engine(9, 0.5);
    const b = engine(9, 0.5);
    expect(run(a)).toEqual(run(b));

    teach(a, 'a', 'weld', 20, 0.9, 10);
    const saved = JSON.parse(JSON.stringify(a.snapshot()));
    const restored = engine(1, 0.5);
    restored.restore(saved);
    expect(restored.snapshot()).toEqual(a.snapshot());
    expect(run(restored)).toEqual(run(a));
  });

  it('learns from outcomes and shows the profile with confidence and drift', () => {
    const e = engine();
    teach(e, 'rex', 'weld', 40, 0.95, 2);
    expect(e.profile('rex').types[0]).toMatchObject({ type: 'weld', observations: 40, confidence: 'high' });
    expect(e.profile('rex').drift.active).toBe(false);
    const slower = { agentId: 'rex', taskType: 'weld', success: true, durationMs: 5 * MIN, margin: 1 };
    expect(e.observe({ ...slower, at: NOW })).toMatchObject([{ metric: 'duration', direction: 'slower' }]);
    // The slowdown is flagged at once and the estimate moves to it; the old evidence is discounted,
    // so confidence drops until it re-learns.
    expect(e.profile('rex').types[0]).toMatchObject({ observations: 41, confidence: 'medium' });
    expect(e.profile('rex').types[0]!.duration.medianMs).toBeGreaterThan(4.5 * MIN);
    for (let i = 1; i < 12; i++) expect(e.observe({ ...slower, at: NOW + i })).toEqual([]);
    const p = e.profile('rex', agent('rex'), NOW);
    expect(p.name).toBe('Rex');
    expect(p.types[0]).toMatchObject({ type: 'weld', observations: 52, confidence: 'high' });
    expect(p.types[0]!.duration.medianMs).toBeGreaterThan(4.5 * MIN);
    expect(p.drift.active).toBe(true);
    expect(p.drift.events[0]).toMatchObject({ metric: 'duration', direction: 'slower' });
    expect(p.recentWorkMs).toBeGreaterThan(0);
  });

  it('assigns jointly where greedy in arrival order strands the critical task', () => {
    const e = engine();
    teach(e, 'master', 'weld', 20, 0.98, 10, 3);
    teach(e, 'novice', 'weld', 20, 0.75, 14, 0);
    const agents = [agent('master', { skills: { weld: 5 } }), agent('novice', { skills: { weld: 2 } })];
    const low = task('low', { priority: 'low', requires: { weld: 2 } });
    const critical = task('critical', { priority: 'critical', requires: { weld: 4 } });

    // Greedy: each task in arrival order takes its best free agent.
    const roster = agents.map((a) => ({ ...a }));
    const greedy = new Map<string, string | null>();
    for (const t of [low, critical]) {
      const id = e.decide(t, roster, NOW).agentId;
      greedy.set(t.id, id);
      if (id) roster.find((a) => a.id === id)!.load++;
    }
    expect(greedy.get('low')).toBe('master');
    expect(greedy.get('critical')).toBeNull();

    const joint = e.decideJointSync([low, critical], agents, NOW);
    expect(joint.assignments.map((a) => [a.taskId, a.agentId])).toEqual([
      ['critical', 'master'],
      ['low', 'novice'],
    ]);
    expect(joint.unassigned).toEqual([]);
  });

  it('never explores in a joint round for critical tasks', () => {
    const random = new SeededRandom(5);
    const e = new DelegationEngine({ random, config: { exploration: { rate: 1 } } });
    teach(e, 'proven', 'weld', 40, 0.95, 10);
    const agents = [agent('proven'), agent('newbie')];
    const before = random.getState();
    const critical = e.decideJointSync([task('c', { priority: 'critical' })], agents, NOW);
    expect(critical.stats.explored).toBe(false);
    expect(critical.assignments[0]!.agentId).toBe('proven');
    expect(random.getState()).toEqual(before);
    expect(e.decideJointSync([task('n')], agents, NOW).stats.explored).toBe(true);
  });

  it('runs a large joint round in slices with the same result as in one go', async () => {
    const e = engine();
    const skills = ['weld', 'paint', 'pick', 'inspect'];
    const agents = Array.from({ length: 120 }, (_, i) =>
      agent(`a${i}`, { skills: { [skills[i % 4]!]: 1 + (i % 5), [skills[(i + 1) % 4]!]: 2 }, capacity: 1 + (i % 2) }),
    );
    const tasks = Array.from({ length: 300 }, (_, i) =>
      task(`t${i}`, { type: skills[i % 4]!, priority: (['critical', 'high', 'normal', 'low'] as const)[i % 4]!, requires: { [skills[i % 4]!]: 1 + (i % 3) } }),
    );
    const sync = e.decideJointSync(tasks, agents, NOW);
    let yields = 0;
    const sliced = await e.decideJoint(tasks, agents, NOW, {
      sliceMs: 0,
      yieldFn: async () => {
        yields++;
      },
    });
    expect(sliced.assignments).toEqual(sync.assignments);
    expect(yields).toBeGreaterThan(10);
    expect(sliced.stats.slices).toBe(yields + 1);
    const perAgent = new Map<string, number>();
    for (const a of sync.assignments) perAgent.set(a.agentId, (perAgent.get(a.agentId) ?? 0) + 1);
    for (const a of agents) expect(perAgent.get(a.id) ?? 0).toBeLessThanOrEqual(a.capacity);
    expect(sync.assignments.length).toBe(agents.reduce((s, a) => s + a.capacity, 0));
    // A critical task left over never had an agent that a lower-priority task got instead.
    const byTask = new Map(tasks.map((t) => [t.id, t]));
    const assigned = new Set(sync.assignments.map((a) => a.taskId));
    const leftCritical = tasks.filter((t) => t.priority === 'critical' && !assigned.has(t.id));
    expect(leftCritical.length).toBeGreaterThan(0); // more level-3 weld work than level-3 welders
    for (const t of leftCritical) {
      for (const a of sync.assignments) {
        const holder = agents.find((x) => x.id === a.agentId)!;
        if (meetsSkills(holder, t.requires)) expect(byTask.get(a.taskId)!.priority).toBe('critical');
      }
    }
  });

  it('scores joint rounds from the models as they stand: after outcomes exactly as a fresh copy does, and again the same', () => {
    const e = engine();
    const skills = ['weld', 'paint', 'pick'];
    const kinds = ['robot', 'software', 'human'] as const;
    const agents = Array.from({ length: 60 }, (_, i) =>
      agent(`a${i}`, { kind: kinds[i % 3]!, skills: { [skills[i % 3]!]: 1 + (i % 5), [skills[(i + 1) % 3]!]: 2 }, capacity: 1 + (i % 2) }),
    );
    const tasks = Array.from({ length: 80 }, (_, i) =>
      task(`t${i}`, { type: skills[i % 3]!, priority: (['high', 'normal', 'low'] as const)[i % 3]!, requires: { [skills[i % 3]!]: 1 + (i % 3) } }),
    );
    const picks = (d: { assignments: { taskId: string; agentId: string; score: number }[] }) => d.assignments.map((a) => [a.taskId, a.agentId, a.score]);
    for (let round = 0; round < 4; round++) {
      for (let k = 0; k < 15; k++) {
        const a = agents[(round * 15 + k * 7) % agents.length]!;
        const type = Object.keys(a.skills)[k % 2]!;
        e.observe({ agentId: a.id, taskType: type, success: k % 5 !== 0, durationMs: (5 + ((k * 3) % 11)) * MIN, at: NOW + round * 100 + k, margin: 1, group: a.kind });
      }
      const copy = engine();
      copy.restore(e.snapshot());
      const first = e.decideJointSync(tasks, agents, NOW, { explore: false });
      expect(picks(first)).toStrictEqual(picks(copy.decideJointSync(tasks, agents, NOW, { explore: false })));
      expect(picks(e.decideJointSync(tasks, agents, NOW, { explore: false }))).toStrictEqual(picks(first));
    }
  });

  it('scores each pair of a joint round as decide() does, for agents seen at many margins of a type and between whole levels', () => {
    const e = engine();
    const others = ['paint', 'pick', 'drill', 'sort'];
    // Levels 1-5 of weld and of each other skill, some between whole levels: one agent meets the
    // weld tasks below at up to a dozen margins.
    const agents = Array.from({ length: 30 }, (_, i) => {
      const skills: Record<string, number> = { weld: 1 + (i % 5) + (i % 7 === 0 ? 0.5 : 0) };
      others.forEach((s, k) => (skills[s] = 1 + ((i + k) % 5)));
      return agent(`a${i}`, { kind: (['robot', 'software', 'human'] as const)[i % 3]!, skills, zone: i % 2 ? 'A' : 'B' });
    });
    for (const a of agents) teach(e, a.id, 'weld', 3, 0.8, 10 + (a.skills.weld! % 3));
    const tasks: DelegationTask[] = [];
    for (let level = 1; level <= 3; level++) {
      tasks.push(task(`w${level}`, { requires: { weld: level } }));
      for (const s of others) for (let l2 = 1; l2 <= 3; l2++) tasks.push(task(`w${level}-${s}${l2}`, { requires: { weld: level, [s]: l2 }, zone: l2 === 2 ? 'A' : null }));
    }
    const round = e.decideJointSync(tasks, agents, NOW, { explore: false });
    expect(round.assignments.length).toBe(agents.length);
    const byId = new Map(tasks.map((t) => [t.id, t]));
    for (const a of round.assignments) {
      const alone = e.decide(byId.get(a.taskId)!, agents, NOW, { explore: false });
      const same = alone.explanation.candidates.find((c) => c.agentId === a.agentId);
      expect(same, `${a.agentId} for ${a.taskId}`).toBeDefined();
      expect(a.score).toBeCloseTo(same!.total, 12);
    }
  });

  it('explains only as many excluded agents and candidates as asked (and the candidates asked for by name), the choice unchanged', () => {
    const e = engine();
    const roster = Array.from({ length: 12 }, (_, i) => agent(`a${i}`, i % 3 === 0 ? {} : { skills: { paint: 2 } }));
    const full = e.decide(task('t1'), roster, NOW, { explore: false });
    const capped = e.decide(task('t1'), roster, NOW, { explore: false, excludedLimit: 3 });
    expect(full.explanation.excluded).toHaveLength(8);
    expect(capped.explanation.excluded).toStrictEqual(full.explanation.excluded.slice(0, 3));
    expect(capped.agentId).toBe(full.agentId);
    expect(capped.explanation.candidates).toStrictEqual(full.explanation.candidates);
    // The top candidates, and past them only the agents asked for, in score order.
    const last = full.explanation.candidates[full.explanation.candidates.length - 1]!;
    const top = e.decide(task('t1'), roster, NOW, { explore: false, explainTop: 1, explainAlso: new Set([last.agentId]) });
    expect(top.explanation.candidates).toStrictEqual([full.explanation.candidates[0], last]);
  });

  it('gives a pulling agent the oldest highest-priority task it is qualified for', () => {
    const e = engine();
    const ready = new ReadyIndex<IndexedTask>();
    ready.add({ ...task('paint1', { type: 'paint', requires: { paint: 1 } }), orderKey: 1 });
    ready.add({ ...task('weld-hard', { requires: { weld: 5 } }), orderKey: 2 });
    ready.add({ ...task('weld1'), orderKey: 3 });
    ready.add({ ...task('weld-x', { excluded: [{ agentId: 'rex' }] }), orderKey: 0 });
    ready.add({ ...task('weld2'), orderKey: 4 });
    expect(e.pickForAgent(agent('rex', { capacity: 3 }), ready, 5, NOW).map((t) => t.id)).toEqual(['weld1', 'weld2']);
    expect(e.pickForAgent(agent('rex', { breaks: [{ start: NOW, end: NOW + MIN }] }), ready, 5, NOW)).toEqual([]);
  });

  it('stands behind the queue’s Assigner interface', () => {
    const e = engine();
    teach(e, 'rex', 'weld', 30, 0.97, 10);
    teach(e, 'bolt', 'weld', 30, 0.5, 10);
    const decisions: string[] = [];
    const assigner = e.asAssigner({
      clock: new FakeClock(NOW),
      fallback: { pickForAgent: () => ['t1', 't2', 't3'] },
      agent: (id) => (id === 'anna' ? { kind: 'human', breaks: [{ start: NOW - MIN, end: NOW + MIN }] } : { name: id }),
      task: (id) => (id === 't2' ? { excluded: [{ agentId: 'rex', reason: 'failed this task before' }] } : {}),
      onDecision: (d) => decisions.push(`${d.taskId}->${d.agentId}`),
    });
    const candidates = [
      { id: 'bolt', skills: '{"weld":3}', capacity: 1, load: 0 },
      { id: 'rex', skills: '{"weld":3}', capacity: 2, load: 1 },
    ];
    expect(assigner.pickAgent({ id: 't1', type: 'weld', priority: 2, requires: '{"weld":2}', order_key: 1 }, candidates)).toBe('rex');
    expect(decisions).toEqual(['t1->rex']);
    expect(assigner.pickAgent({ id: 't9', type: 'weld', priority: 2, requires: '{"weld":4}', order_key: 1 }, candidates)).toBeNull();
    expect(assigner.pickForAgent({ id: 'rex', skills: '{"weld":3}', capacity: 3, load: 0 }, 5)).toEqual(['t1', 't3']);
    expect(assigner.pickForAgent({ id: 'anna', skills: '{"weld":3}', capacity: 1, load: 0 }, 5)).toEqual([]);
  });
});
