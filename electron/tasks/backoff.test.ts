import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';
import { seededRandom } from './test-fixture';

const policy = { baseMs: 1000, maxMs: 30_000, jitter: 0.2 };

describe('backoff', () => {
  it('doubles from the base and caps at the maximum', () => {
    const none = { next: () => 0, bytes: (n: number) => Buffer.alloc(n) };
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelay(n, policy, none))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('keeps jitter within (0.8 d, d] and never above the cap', () => {
    const random = seededRandom(7);
    for (let n = 1; n <= 10; n++) {
      const nominal = Math.min(30_000, 1000 * 2 ** (n - 1));
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(n, policy, random);
        expect(d).toBeLessThanOrEqual(nominal);
        expect(d).toBeGreaterThanOrEqual(nominal * 0.8);
      }
    }
  });

  it('replays exactly with the same seed', () => {
    const a = seededRandom(3);
    const b = seededRandom(3);
    expect([1, 2, 3].map((n) => backoffDelay(n, policy, a))).toEqual([1, 2, 3].map((n) => backoffDelay(n, policy, b)));
  });
});
