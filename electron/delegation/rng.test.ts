// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { hashSeed, SeededRandom } from './rng';

describe('seeded random', () => {
  it('replays the same sequence for the same seed and differs for another', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(new SeededRandom('site-7').next()).toBe(new SeededRandom('site-7').next());
  });

  it('draws uniform numbers in [0, 1) with the right mean', () => {
    const r = new SeededRandom(1);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = r.next();
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
  });

  it('continues exactly from a saved state', () => {
    const r = new SeededRandom(9);
    r.next();
    r.normal();
    const saved = r.getState();
    const expected = [r.next(), r.normal(), r.int(100)];
    const restored = SeededRandom.fromState(saved);
    expect([restored.next(), restored.normal(), restored.int(100)]).toEqual(expected);
  });

  it('forks independent streams without advancing the parent', () => {
    const r = new SeededRandom(5);
    const before = r.getState();
    const f1 = r.fork('policy');
    const f2 = r.fork('world');
    expect(r.getState()).toEqual(before);
    expect(f1.next()).not.toBe(f2.next());
    expect(new SeededRandom(5).fork('policy').next()).toBe(new SeededRandom(5).fork('policy').next());
  });

  it('fills bytes and hashes seeds stably', () => {
    expect(new SeededRandom(3).bytes(7)).toEqual(new SeededRandom(3).bytes(7));
    expect(new SeededRandom(3).bytes(7)).toHaveLength(7);
    expect(hashSeed('a', 1)).toBe(hashSeed('a', 1));
    expect(hashSeed('a', 1)).not.toBe(hashSeed('a', '1'));
  });
});
