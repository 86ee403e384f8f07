// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { intervalSpan, isAdverse, sortTypes, speedWords } from './profile';

describe('learned profile wording', () => {
  it('says how fast an agent is against a typical one', () => {
    expect(speedWords(0.8)).toBe('20% faster than a typical agent on the same work');
    expect(speedWords(1.25)).toBe('25% slower than a typical agent on the same work');
    expect(speedWords(1.01)).toBe('about as fast as a typical agent on the same work');
  });

  it('places the credible interval on a 0..100 track, mean inside it', () => {
    expect(intervalSpan({ mean: 0.8, low: 0.65, high: 0.9, ess: 10 })).toEqual({ low: 65, high: 90, mean: 80 });
    expect(intervalSpan({ mean: 0.5, low: -0.1, high: 1.3, ess: 0 })).toEqual({ low: 0, high: 100, mean: 50 });
  });

  it('sorts types by observations and tells bad drift from good', () => {
    const t = (type: string, observations: number) => ({ type, observations }) as Parameters<typeof sortTypes>[0][number];
    expect(sortTypes([t('b', 1), t('a', 5), t('c', 1)]).map((x) => x.type)).toEqual(['a', 'b', 'c']);
    expect(isAdverse({ direction: 'slower' })).toBe(true);
    expect(isAdverse({ direction: 'better' })).toBe(false);
  });
});
