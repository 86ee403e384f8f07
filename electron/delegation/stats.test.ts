// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './rng';
import { betaCdf, betaQuantile, normalCdf, normalQuantile, percentile, sampleBeta, sampleGamma } from './stats';

describe('stats', () => {
  it('computes normal cdf and quantile to known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.1)).toBeCloseTo(-1.281552, 5);
  });

  it('computes the beta cdf and its inverse', () => {
    expect(betaCdf(0.5, 2, 2)).toBeCloseTo(0.5, 9);
    expect(betaCdf(0.3, 1, 1)).toBeCloseTo(0.3, 9);
    expect(betaCdf(0.2, 2, 5)).toBeCloseTo(0.34464, 5);
    expect(betaQuantile(betaCdf(0.7, 9, 3), 9, 3)).toBeCloseTo(0.7, 7);
  });

  it('samples gamma and beta with the right means', () => {
    const r = new SeededRandom(11);
    let g = 0;
    let gs = 0;
    let b = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      g += sampleGamma(3, r);
      gs += sampleGamma(0.5, r);
      b += sampleBeta(8, 2, r);
    }
    expect(g / n).toBeCloseTo(3, 1);
    expect(gs / n).toBeCloseTo(0.5, 1);
    expect(b / n).toBeCloseTo(0.8, 2);
  });

  it('takes nearest-rank percentiles', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
  });
});
