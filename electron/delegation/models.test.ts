// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { LearnedModels, modelConfig } from './models';
import { SeededRandom } from './rng';

const MIN = 60_000;

/** Feeds n outcomes of `agent` on `type` with log-normal durations around medianMs. */
function feed(m: LearnedModels, agent: string, type: string, n: number, medianMs: number, pSuccess: number, r: SeededRandom, margin: number | null = 1, t0 = 0) {
  const alarms = [];
  for (let i = 0; i < n; i++) {
    const d = medianMs * Math.exp(0.2 * r.normal());
    alarms.push(...m.observe(agent, type, r.next() < pSuccess, d, t0 + i, margin));
  }
  return alarms;
}

describe('learned models', () => {
  it('starts from a success prior that rises with the skill margin', () => {
    const m = new LearnedModels();
    const p1 = m.predictSuccess('a', 'weld', 1).mean;
    const p3 = m.predictSuccess('a', 'weld', 3).mean;
    const p5 = m.predictSuccess('a', 'weld', 5).mean;
    expect(p1).toBeLessThan(p3);
    expect(p3).toBeLessThan(p5);
    expect(m.predictSuccess('a', 'weld', 3).ess).toBe(0);
  });

  it('moves the success estimate with outcomes (Beta-Bernoulli)', () => {
    const m = new LearnedModels();
    for (let i = 0; i < 20; i++) m.observe('a', 'weld', false, 0, i, 3);
    expect(m.predictSuccess('a', 'weld', 3).mean).toBeLessThan(0.25);
    for (let i = 0; i < 40; i++) m.observe('b', 'weld', true, 5 * MIN, i, 3);
    expect(m.predictSuccess('b', 'weld', 3).mean).toBeGreaterThan(0.97);
  });

  it('learns a log-normal duration from running moments', () => {
    const m = new LearnedModels();
    const r = new SeededRandom(1);
    feed(m, 'a', 'inspect', 60, 5 * MIN, 1, r);
    const d = m.predictDuration('a', 'inspect', 3);
    expect(d.medianMs / MIN).toBeGreaterThan(4.6);
    expect(d.medianMs / MIN).toBeLessThan(5.4);
    expect(d.sigma).toBeGreaterThan(0.12);
    expect(d.sigma).toBeLessThan(0.3);
  });

  it('predicts a new type for a fast agent faster than for a typical one (shared speed effect)', () => {
    const m = new LearnedModels();
    const r = new SeededRandom(2);
    for (const type of ['weld', 'paint', 'pick']) {
      feed(m, 'fast', type, 15, 2 * MIN, 1, r);
      feed(m, 'slow', type, 15, 8 * MIN, 1, r);
    }
    feed(m, 'slow', 'drill', 15, 8 * MIN, 1, r);
    // 'fast' has never drilled: its agent effect carries over.
    expect(m.predictDuration('fast', 'drill', 3).medianMs).toBeLessThan(m.predictDuration('slow', 'drill', 3).medianMs / 2);
  });

  it('forgets old evidence so a slowing robot shows up in the estimate', () => {
    const m = new LearnedModels(modelConfig({ halfLife: 10, agentHalfLife: 10, drift: { minObservations: 1e9 } }));
    const r = new SeededRandom(3);
    feed(m, 'robot', 'pick', 200, 2 * MIN, 1, r);
    feed(m, 'robot', 'pick', 40, 4 * MIN, 1, r, 3, 200);
    expect(m.predictDuration('robot', 'pick', 3).medianMs / MIN).toBeGreaterThan(3.5);
  });

  it('flags drift when durations double, and not on stable noisy data', () => {
    const m = new LearnedModels();
    const r = new SeededRandom(4);
    expect(feed(m, 'robot', 'pick', 500, 2 * MIN, 0.95, r)).toEqual([]);
    expect(m.driftActive('robot')).toBe(false);
    const alarms = feed(m, 'robot', 'pick', 15, 4 * MIN, 0.95, r, 3, 500);
    expect(alarms.map((a) => [a.metric, a.direction])).toContainEqual(['duration', 'slower']);
    expect(m.driftActive('robot')).toBe(true);
    expect(m.profile('robot').drift.events[0]).toMatchObject({ metric: 'duration', direction: 'slower' });
    // After the alarm the old evidence is cut: the estimate catches up within a few observations.
    feed(m, 'robot', 'pick', 10, 4 * MIN, 0.95, r, 3, 600);
    expect(m.predictDuration('robot', 'pick', 3).medianMs / MIN).toBeGreaterThan(3.4);
  });

  it('flags drift when the success rate falls', () => {
    const m = new LearnedModels();
    const r = new SeededRandom(5);
    expect(feed(m, 'anna', 'weld', 200, 10 * MIN, 0.95, r)).toEqual([]);
    const alarms = feed(m, 'anna', 'weld', 40, 10 * MIN, 0.4, r, 3, 200);
    expect(alarms.some((a) => a.metric === 'success' && a.direction === 'worse')).toBe(true);
  });

  it('reports confidence that grows with evidence', () => {
    const m = new LearnedModels();
    const r = new SeededRandom(6);
    feed(m, 'a', 'weld', 2, 5 * MIN, 0.9, r);
    const early = m.profile('a').types[0]!;
    feed(m, 'a', 'weld', 60, 5 * MIN, 0.9, r, 3, 2);
    const late = m.profile('a').types[0]!;
    expect(early.confidence).toBe('low');
    expect(late.confidence).toBe('high');
    expect(late.success.high - late.success.low).toBeLessThan(early.success.high - early.success.low);
    expect(late.duration.p90Ms).toBeGreaterThan(late.duration.medianMs);
    expect(late.duration.p10Ms).toBeLessThan(late.duration.medianMs);
  });

  it('restores exactly from plain JSON and carries on identically', () => {
    const m = new LearnedModels();
    const r = new SeededRandom(7);
    feed(m, 'a', 'weld', 30, 5 * MIN, 0.9, r);
    feed(m, 'b', 'paint', 30, 9 * MIN, 0.7, r);
    feed(m, 'b', 'paint', 15, 18 * MIN, 0.7, r, 3, 30);
    const text = JSON.stringify(m.toJSON());
    const back = LearnedModels.fromJSON(JSON.parse(text));
    expect(JSON.stringify(back.toJSON())).toBe(text);
    expect(back.predictDuration('b', 'paint', 3)).toEqual(m.predictDuration('b', 'paint', 3));
    expect(back.predictSuccess('a', 'weld', 3)).toEqual(m.predictSuccess('a', 'weld', 3));
    m.observe('a', 'weld', true, 4 * MIN, 99, 3);
    back.observe('a', 'weld', true, 4 * MIN, 99, 3);
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(m.toJSON()));
  });
});
