// cryptoRandom.next() draws from a pool of CSPRNG bytes: across refills it stays uniform in [0, 1).
import { describe, expect, it } from 'vitest';
import { cryptoRandom } from './clock';

describe('cryptoRandom', () => {
  it('gives uniform values in [0, 1) across several pool refills, hardly ever repeating a draw', () => {
    const draws = Array.from({ length: 5000 }, () => cryptoRandom.next()); // 20,000 bytes: five refills
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(new Set(draws).size).toBeGreaterThan(4990); // 32-bit draws: a handful of collisions at most
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.47);
    expect(mean).toBeLessThan(0.53);
    const tenths = new Array<number>(10).fill(0);
    for (const d of draws) tenths[Math.floor(d * 10)]!++;
    for (const n of tenths) expect(n).toBeGreaterThan(400); // 500 expected in each
  });

  it('gives secrets fresh bytes of the asked length', () => {
    const a = cryptoRandom.bytes(32);
    const b = cryptoRandom.bytes(32);
    expect(a.length).toBe(32);
    expect(a.equals(b)).toBe(false);
  });
});
