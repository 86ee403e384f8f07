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

describe('learned models: pooling, change points', () => {
  /** n outcomes at success rate p (deterministic pattern) for agent x type, durations around medianMs. */
  function record(m: LearnedModels, agent: string, type: string, n: number, p: number, medianMs: number, group = 'robot', t0 = 0) {
    // Successes spread evenly: exactly round(n x p) of n.
    for (let i = 0; i < n; i++) m.observe(agent, type, Math.floor((i + 1) * p + 1e-9) > Math.floor(i * p + 1e-9), medianMs * Math.exp(0.1 * Math.sin(i * 2.4)), t0 + i, 1, group);
  }

  it('shrinks success toward the prior as far as the group shows pairs spread (empirical Bayes)', () => {
    // Alike: every pair of the group succeeds about as often as its prior (0.92 at margin 1).
    const alike = new LearnedModels();
    for (let a = 0; a < 12; a++) for (const type of ['weld', 'paint', 'pick']) record(alike, `r${a}`, type, 25, 0.92, 5 * MIN);
    // Spread: the same amount of data, but pairs range from 30% to 100%.
    const spread = new LearnedModels();
    const rates = [0.3, 0.5, 0.7, 0.9, 1];
    for (let a = 0; a < 12; a++) for (const [k, type] of ['weld', 'paint', 'pick'].entries()) record(spread, `r${a}`, type, 25, rates[(a + k) % 5]!, 5 * MIN);
    const fixed = modelConfig({ successPoolStrength: Infinity }).successPriorStrength;
    expect(alike.successStrength('robot')).toBeGreaterThan(3 * fixed);
    expect(spread.successStrength('robot')).toBeLessThan(fixed);
    // A newcomer with 3 failures in 5: in the alike group that is mostly bad luck, in the spread one it is news.
    for (const m of [alike, spread]) record(m, 'new', 'weld', 5, 0.4, 5 * MIN);
    const a = alike.predictSuccess('new', 'weld', 1).mean;
    const b = spread.predictSuccess('new', 'weld', 1).mean;
    expect(a).toBeGreaterThan(0.65);
    expect(b).toBeLessThan(0.55);
    // Before any record it starts from the configured strength.
    expect(new LearnedModels().successStrength('robot')).toBeCloseTo(fixed, 6);
  });

  it('learns how far pair durations spread around their prior, and leans on a pair’s own record when they do', () => {
    // Robots differ by type in ways neither the type, the kind nor the agent explain.
    const m = new LearnedModels();
    for (let a = 0; a < 10; a++) for (const [k, type] of ['weld', 'paint', 'pick'].entries()) record(m, `r${a}`, type, 20, 1, 5 * MIN * Math.exp(0.5 * Math.sin(a * 3 + k * 5)));
    const spread = m.durationStrength('robot', 0.01);
    expect(spread).toBeLessThan(modelConfig().pairPriorStrength);
    // Two of its own observations move a pair almost all the way.
    record(m, 'r-new', 'weld', 2, 1, 12 * MIN);
    expect(m.predictDuration('r-new', 'weld', 1).medianMs / MIN).toBeGreaterThan(10.5);
    // Fixed strength (the old behaviour) when pooling is off.
    const fixed = new LearnedModels(modelConfig({ durationPoolStrength: Infinity }));
    expect(fixed.durationStrength('robot', 0.01)).toBe(modelConfig().pairPriorStrength);
  });

  it('on a drift alarm moves every type of the agent by the change seen since the change point', () => {
    const m = new LearnedModels();
    record(m, 'robot', 'weld', 40, 1, 4 * MIN);
    record(m, 'robot', 'paint', 40, 1, 10 * MIN, 'robot', 40);
    const paintBefore = m.predictDuration('robot', 'paint', 1).medianMs;
    // Its speed halves: welds take twice as long. Paint is not done again.
    const alarms = [];
    for (let i = 0; i < 4 && alarms.length === 0; i++) alarms.push(...m.observe('robot', 'weld', true, 8 * MIN * Math.exp(0.05 * Math.sin(i)), 100 + i, 1, 'robot'));
    expect(alarms).toMatchObject([{ metric: 'duration', direction: 'slower' }]);
    expect(m.predictDuration('robot', 'weld', 1).medianMs / MIN).toBeGreaterThan(7);
    expect(m.predictDuration('robot', 'paint', 1).medianMs / paintBefore).toBeGreaterThan(1.7);
    // The old evidence is cut: the next outcomes refine it quickly.
    expect(m.predictDuration('robot', 'weld', 1).ess).toBeLessThan(10);
  });

  it('does not let a sudden slowdown widen the spread enough to hide from the drift test', () => {
    const m = new LearnedModels(modelConfig({ drift: { minObservations: 1e9 } }));
    record(m, 'robot', 'weld', 40, 1, 4 * MIN);
    const before = m.predictDuration('robot', 'weld', 1).sigma;
    for (let i = 0; i < 3; i++) m.observe('robot', 'weld', true, 8 * MIN, 100 + i, 1, 'robot');
    expect(m.predictDuration('robot', 'weld', 1).sigma).toBeLessThan(2.5 * before);
    const unclipped = new LearnedModels(modelConfig({ durationSpreadClip: Infinity, drift: { minObservations: 1e9 } }));
    record(unclipped, 'robot', 'weld', 40, 1, 4 * MIN);
    for (let i = 0; i < 3; i++) unclipped.observe('robot', 'weld', true, 8 * MIN, 100 + i, 1, 'robot');
    expect(unclipped.predictDuration('robot', 'weld', 1).sigma).toBeGreaterThan(m.predictDuration('robot', 'weld', 1).sigma);
  });

  it('keeps the pools in its snapshot, takes a removed agent out of them, and reads snapshots without them', () => {
    const m = new LearnedModels();
    for (let a = 0; a < 4; a++) record(m, `r${a}`, 'weld', 10, 0.8, 5 * MIN);
    const snap = m.toJSON();
    expect(snap.successPools?.[0]?.[0]).toBe('robot');
    expect(snap.durationPools?.[0]?.[1].n).toBeGreaterThan(0);
    const back = LearnedModels.fromJSON(JSON.parse(JSON.stringify(snap)));
    expect(back.successStrength('robot')).toBe(m.successStrength('robot'));
    const alone = new LearnedModels();
    record(alone, 'r0', 'weld', 10, 0.8, 5 * MIN);
    for (let a = 1; a < 4; a++) m.remove(`r${a}`);
    expect(m.successStrength('robot')).toBeCloseTo(alone.successStrength('robot'), 9);
    expect(m.durationStrength('robot', 0.04)).toBeCloseTo(alone.durationStrength('robot', 0.04), 9);
    const old = { ...snap, successPools: undefined, durationPools: undefined };
    expect(LearnedModels.fromJSON(old).successStrength('robot')).toBeCloseTo(new LearnedModels().successStrength('robot'), 9);
  });

  describe('pieces shared by many predictions (kept until the models learn)', () => {
    const kinds = ['robot', 'software', 'human'];
    const types = ['weld', 'paint', 'pick'];
    /** 12 agents of three kinds with a record on three types. */
    const site = (seed = 5) => {
      const m = new LearnedModels();
      const r = new SeededRandom(seed);
      for (let i = 0; i < 600; i++) {
        const a = r.int(12);
        m.observe(`a${a}`, types[r.int(3)]!, r.next() < 0.85, 5 * MIN * Math.exp(0.3 * r.normal()), i, r.int(3), kinds[a % 3]);
      }
      return m;
    };
    /** Every prediction of every agent (and one the models never saw) on every type and margin. */
    const all = (m: LearnedModels) =>
      [...Array.from({ length: 12 }, (_, a) => `a${a}`), 'new'].flatMap((id, a) =>
        types.flatMap((t) => [null, 0, 1, 2.5].map((margin) => [m.predictSuccess(id, t, margin, kinds[a % 3]), m.predictDuration(id, t, margin, kinds[a % 3])])),
      );
    /** The same models with nothing kept: a fresh copy from the snapshot. */
    const fresh = (m: LearnedModels) => LearnedModels.fromJSON(m.toJSON());

    it('serves predictions that equal a fresh computation exactly, asked once or many times', () => {
      const m = site();
      const first = all(m);
      expect(all(m)).toStrictEqual(first);
      expect(first).toStrictEqual(all(fresh(m)));
    });

    it('after an outcome of one agent, every prediction is recomputed (its own, and the others through type and kind)', () => {
      const m = site();
      const before = all(m);
      m.observe('a0', 'weld', false, 20 * MIN, 1000, 1, 'robot');
      const after = all(m);
      expect(after).toStrictEqual(all(fresh(m)));
      expect(m.predictSuccess('a0', 'weld', 1, 'robot')).not.toStrictEqual(before[0 * 12 + 0 * 4 + 2]![0]);
      // a3 (a robot too, on weld) moves with the type's duration and the kind's pools.
      expect(after[3 * 12 + 0 * 4 + 2]).not.toStrictEqual(before[3 * 12 + 0 * 4 + 2]);
      m.remove('a1');
      expect(all(m)).toStrictEqual(all(fresh(m)));
    });

    it('learns the same whether or not predictions were asked between outcomes', () => {
      const asked = site(9);
      const quiet = site(9);
      const r = new SeededRandom(3);
      for (let i = 0; i < 200; i++) {
        all(asked);
        const a = r.int(12);
        const args = [`a${a}`, types[r.int(3)]!, r.next() < 0.7, 9 * MIN * Math.exp(0.5 * r.normal()), 1000 + i, r.int(3), kinds[a % 3]] as const;
        expect(asked.observe(...args)).toStrictEqual(quiet.observe(...args));
      }
      expect(asked.toJSON()).toStrictEqual(quiet.toJSON());
      expect(all(asked)).toStrictEqual(all(quiet));
    });

    it('learns exactly what the models learned before they kept shared pieces (predictions inside observe() read the state as it stands)', () => {
      // Pinned from the implementation without shared pieces: a piece kept from the middle of an
      // observe() (the kind's reliability is updated between two predictions there) changes these.
      const m = new LearnedModels();
      const r = new SeededRandom(5);
      for (let i = 0; i < 600; i++) {
        const a = r.int(12);
        m.observe(`a${a}`, types[r.int(3)]!, r.next() < 0.85, 5 * MIN * Math.exp(0.3 * r.normal()), i, r.int(3), kinds[a % 3]);
        if (i % 7 === 0) {
          m.predictSuccess('a1', 'weld', 1, 'software');
          m.predictDuration('a2', 'paint', 0, 'human');
        }
      }
      expect(m.predictSuccess('a0', 'weld', 1, 'robot').mean).toBe(0.9120414552473123);
      expect(m.predictDuration('a4', 'paint', 2, 'software').mu).toBe(12.474074432704143);
      expect(m.successStrength('robot')).toBe(7.019394331947);
      expect(m.durationStrength('human', 0.09)).toBe(1.2377550493198637);
    });
  });
});
