// @vitest-environment node
// The what-if run's progress reports are spaced by a monotonic clock: the first at once, then at
// most one per PROGRESS_EVERY_MS however often the run offers one.
import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY_MS, progressThrottle } from './what-if';

describe('progressThrottle', () => {
  it('passes the first report at once, then at most one every 100 ms, with the value as it is then', () => {
    let now = 1_000;
    const seen: Array<{ at: number; done: number }> = [];
    let done = 0;
    const tell = progressThrottle(PROGRESS_EVERY_MS, () => now, (v: { at: number; done: number }) => seen.push(v));
    const offer = () => tell(() => ({ at: now, done }));
    expect(PROGRESS_EVERY_MS).toBe(100);
    offer();
    for (let step = 0; step < 50; step++) {
      now += 7;
      done += 3;
      offer();
    }
    expect(seen[0]).toEqual({ at: 1_000, done: 0 });
    expect(seen.map((s) => s.at)).toEqual([1_000, 1_105, 1_210, 1_315]);
    expect(seen.map((s) => s.done)).toEqual([0, 45, 90, 135]);
  });

  it('does not build the value of a report it drops', () => {
    let now = 0;
    let built = 0;
    const tell = progressThrottle(100, () => now, () => {});
    for (let i = 0; i < 10; i++) {
      now += 10;
      tell(() => ++built);
    }
    expect(built).toBe(1);
  });
});
