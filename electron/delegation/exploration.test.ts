// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { DelegationEngine } from './engine';
import { DEFAULT_UNTIL_EVIDENCE, predictCandidate, shouldExplore } from './exploration';
import { LearnedModels } from './models';
import { SeededRandom } from './rng';
import type { DelegationAgent, DelegationTask } from './types';

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 1, 10, 0);

function teach(m: { observe: LearnedModels['observe'] }, agent: string, type: string, n: number, minutes: number, t0 = 0) {
  for (let i = 0; i < n; i++) m.observe(agent, type, i % 10 !== 0, minutes * MIN * Math.exp(0.05 * Math.sin(i)), t0 + i, 1, 'robot');
}

const agent = (id: string): DelegationAgent => ({ id, kind: 'robot', status: 'available', skills: { weld: 3 }, capacity: 1, load: 0 });
const task = (id: string, priority: DelegationTask['priority'] = 'normal'): DelegationTask => ({ id, type: 'weld', priority, requires: { weld: 2 } });

describe('exploration', () => {
  it('draws only the estimates still below the evidence threshold', () => {
    const m = new LearnedModels();
    teach(m, 'proven', 'weld', 40, 10);
    teach(m, 'newbie', 'weld', 2, 10);
    const random = new SeededRandom(1);
    const before = random.getState();
    const proven = predictCandidate(m, 'proven', 'weld', 1, 0, true, random, 'robot');
    // Enough record: the posterior means, and nothing drawn.
    expect(random.getState()).toEqual(before);
    expect(proven).toEqual(predictCandidate(m, 'proven', 'weld', 1, 0, false, random, 'robot'));
    const mean = predictCandidate(m, 'newbie', 'weld', 1, 0, false, random, 'robot');
    const drawn = predictCandidate(m, 'newbie', 'weld', 1, 0, true, random, 'robot');
    expect(random.getState()).not.toEqual(before);
    expect(drawn.success).not.toBe(mean.success);
    expect(drawn.durationMs).not.toBe(mean.durationMs);
    // Infinity: every estimate is drawn, however much record there is (the behaviour before the threshold).
    const always = predictCandidate(m, 'proven', 'weld', 1, 0, true, random, 'robot', Infinity);
    expect(always.success).not.toBe(proven.success);
    expect(DEFAULT_UNTIL_EVIDENCE).toBeGreaterThan(0);
  });

  it('never explores a critical task, whatever the rate, and draws nothing for it', () => {
    const random = new SeededRandom(2);
    const before = random.getState();
    for (let i = 0; i < 100; i++) expect(shouldExplore('critical', 1, random)).toBe(false);
    expect(random.getState()).toEqual(before);
    const e = new DelegationEngine({ random, config: { exploration: { rate: 1 } } });
    teach(e.models, 'proven', 'weld', 40, 10);
    const d = e.decideJointSync([task('c', 'critical')], [agent('proven'), agent('newbie')], NOW);
    expect(d.stats.explored).toBe(false);
    expect(d.assignments).toMatchObject([{ agentId: 'proven' }]);
    expect(random.getState()).toEqual(before);
  });

  it('stops exploring once every candidate has a record, and starts again when a drift alarm cuts one', () => {
    const e = new DelegationEngine({ random: new SeededRandom(3), config: { exploration: { rate: 1 } } });
    const learn = (agentId: string, n: number, minutes: number, t0: number) => {
      for (let i = 0; i < n; i++) {
        e.observe({ agentId, taskType: 'weld', success: true, durationMs: minutes * MIN * Math.exp(0.05 * Math.sin(i)), at: t0 + i, margin: 1, group: 'robot' });
      }
    };
    learn('fast', 30, 10, 0);
    learn('slower', 30, 11, 100);
    const agents = [agent('fast'), agent('slower')];
    const picks = () => Array.from({ length: 100 }, (_, i) => e.decide(task(`t${i}`), agents, NOW));
    // Both records are long: exploring decisions score with the means, so the better agent always wins.
    expect(picks().every((d) => d.agentId === 'fast' && !d.explored)).toBe(true);
    const draws = new SeededRandom(4);
    const predicted = (explore: boolean) => predictCandidate(e.models, 'fast', 'weld', 1, 0, explore, draws, 'robot').durationMs;
    expect(predicted(true)).toBe(predicted(false));
    // 'fast' slows down: the alarm cuts its old evidence, so its duration is drawn again when exploring.
    learn('fast', 3, 20, 200);
    expect(e.profile('fast').drift.active).toBe(true);
    expect(predicted(true)).not.toBe(predicted(false));
    expect(picks().filter((d) => d.agentId === 'slower').length).toBeGreaterThan(90);
  });
});
