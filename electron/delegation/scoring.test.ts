// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatDuration, whyNotAgent, whyThisAgent } from './explain';
import {
  buildReference,
  capabilityFit,
  onTimeProbability,
  scoreCandidates,
  skillHolders,
  totalOf,
  weightsFor,
  DEFAULT_WEIGHTS,
  type Candidate,
  type CandidatePrediction,
  type Explanation,
} from './scoring';
import type { DelegationAgent, DelegationTask } from './types';

const NOW = Date.UTC(2026, 11, 1, 10, 0);
const MIN = 60_000;

const agent = (id: string, over: Partial<DelegationAgent> = {}): DelegationAgent => ({
  id,
  name: id,
  kind: 'robot',
  status: 'available',
  skills: { weld: 3 },
  capacity: 2,
  load: 0,
  ...over,
});
const prediction = (over: Partial<CandidatePrediction> = {}): CandidatePrediction => ({
  success: 0.9,
  durationMs: 10 * MIN,
  logMu: Math.log(10 * MIN),
  logSigma: 0.3,
  waitMs: 0,
  ess: 5,
  ...over,
});
const cand = (a: DelegationAgent, p: Partial<CandidatePrediction> = {}, recentWorkMs = 0): Candidate => ({ agent: a, prediction: prediction(p), recentWorkMs });
const task: DelegationTask = { id: 't', type: 'weld', priority: 'normal', requires: { weld: 2 } };

describe('scoring', () => {
  it('keeps every component and the total in [0, 1]', () => {
    const cs = [
      cand(agent('a', { costPerHour: 40, zone: 'B', kind: 'human' }), { success: 0.99, durationMs: 90 * MIN }, 3_600_000),
      cand(agent('b', { costPerHour: 10, load: 1, kind: 'human' }), { success: 0.2, durationMs: 2 * MIN, waitMs: 30 * MIN }),
    ];
    const t = { ...task, deadline: NOW + 30 * MIN, zone: 'A' };
    const scored = scoreCandidates(t, cs, buildReference(t, cs, cs.map((c) => c.agent), Infinity), DEFAULT_WEIGHTS, NOW);
    for (const s of scored) {
      expect(s.total).toBeGreaterThanOrEqual(0);
      expect(s.total).toBeLessThanOrEqual(1);
      for (const v of Object.values(s.components)) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    const a = scored.find((s) => s.agentId === 'a')!.components;
    const b = scored.find((s) => s.agentId === 'b')!.components;
    expect(a.fairness).toBe(0);
    expect(b.fairness).toBe(1);
    expect(a.cost).toBeLessThan(b.cost);
    expect(b.load).toBe(0.5);
    expect(a.zone).toBe(0);
    expect(b.zone).toBe(0.5);
  });

  it('penalises over-qualification more when the agent is the only one at its level', () => {
    const expert = agent('x', { skills: { weld: 5 } });
    const fine = agent('y', { skills: { weld: 2 } });
    const few = skillHolders(task.requires, [expert, fine]);
    const many = skillHolders(task.requires, [expert, fine, agent('z1', { skills: { weld: 5 } }), agent('z2', { skills: { weld: 5 } })]);
    expect(capabilityFit(task, fine, few)).toBe(1);
    expect(capabilityFit(task, expert, few)).toBeLessThan(capabilityFit(task, expert, many));
  });

  it('turns the log-normal duration into a chance of meeting the deadline', () => {
    const p = prediction();
    expect(onTimeProbability({ ...task, deadline: NOW + 10 * MIN }, p, NOW)).toBeCloseTo(0.5, 6);
    expect(onTimeProbability({ ...task, deadline: NOW + 30 * MIN }, p, NOW)).toBeGreaterThan(0.99);
    expect(onTimeProbability({ ...task, deadline: NOW - 1 }, p, NOW)).toBe(0);
    expect(onTimeProbability(task, p, NOW)).toBe(1);
  });

  it('weights components per task type', () => {
    const w = weightsFor({ default: DEFAULT_WEIGHTS, byType: { weld: { cost: 0, success: 1 } } }, 'weld');
    expect(w.success).toBe(1);
    expect(w.cost).toBe(0);
    expect(weightsFor({ default: DEFAULT_WEIGHTS }, 'weld')).toBe(DEFAULT_WEIGHTS);
    const ones = { capability: 1, success: 1, speed: 1, deadline: 1, load: 1, zone: 1, cost: 1, fairness: 1 };
    expect(totalOf(ones, DEFAULT_WEIGHTS)).toBeCloseTo(1, 12);
  });
});

describe('explanations in words', () => {
  const base = (over: Partial<Explanation> = {}): Explanation => ({
    taskId: 't',
    taskType: 'weld',
    priority: 'normal',
    at: NOW,
    weights: DEFAULT_WEIGHTS,
    explored: false,
    winner: null,
    runnerUp: null,
    candidates: [],
    excluded: [],
    timeZone: 'UTC',
    ...over,
  });
  const c = (id: string, total: number, comps: Partial<Record<string, number>>, p: Partial<Explanation['candidates'][number]['predicted']> = {}) => ({
    agentId: id,
    name: id,
    kind: 'robot',
    total,
    components: { capability: 1, success: 0.9, speed: 1, deadline: 1, load: 1, zone: 1, cost: 1, fairness: 1, ...comps },
    predicted: { success: 0.9, durationMs: 10 * MIN, waitMs: 0, finishAt: NOW + 10 * MIN, onTime: null, cost: null, evidence: 12, load: 0, capacity: 1, zone: null, ...p },
  });

  it('explains the winner against the runner-up, biggest reasons first', () => {
    const w = c('Weldbot', 0.9, { success: 0.97 }, { success: 0.97 });
    const r = c('Anna', 0.8, { success: 0.7, speed: 0.5 }, { success: 0.7, durationMs: 20 * MIN });
    const text = whyThisAgent(base({ winner: w, runnerUp: r, candidates: [w, r] }));
    expect(text).toBe(
      'Weldbot was chosen with a score of 0.90 against 0.80 for the runner-up, Anna: a sooner expected finish (10 min vs 20 min) and higher predicted success (97% vs 70%).',
    );
    expect(whyNotAgent(base({ winner: w, runnerUp: r, candidates: [w, r] }), 'Anna')).toBe(
      'Anna scored 0.80 against 0.90 for Weldbot, who has a sooner expected finish (10 min vs 20 min) and higher predicted success (97% vs 70%).',
    );
  });

  it('explains a lone candidate and an agent nobody considered', () => {
    const w = c('Weldbot', 0.9, {});
    const e = base({ winner: w, candidates: [w], excluded: [{ agentId: 'bob', name: 'Bob', rules: [{ rule: 'status', reason: 'Status: offline' }] }] });
    expect(whyThisAgent(e)).toBe(
      'Weldbot was chosen as the only agent that can take this task now (predicted success 90% and expected to finish in 10 min). 1 other agent could not take it: 1 not available.',
    );
    expect(whyNotAgent(e, 'bob')).toBe('Bob could not take this task: Status: offline.');
    expect(whyNotAgent(e, 'zed')).toBe('zed was not among the agents considered for this task.');
  });

  it('writes durations the way people say them', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * MIN)).toBe('12 min');
    expect(formatDuration(80 * MIN)).toBe('1 h 20 min');
    expect(formatDuration(120 * MIN)).toBe('2 h');
  });
});
