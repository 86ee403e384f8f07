import { describe, expect, it } from 'vitest';
import { formatDuration } from './format';

describe('formatDuration', () => {
  it('reads every unit by default', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(90_000)).toBe('1 min 30 s');
    expect(formatDuration(7_200_000)).toBe('2 h');
    expect(formatDuration(((5 * 24 + 13) * 3600 + 45 * 60 + 41) * 1000)).toBe('5 d 13 h 45 min 41 s');
  });

  it('keeps the largest units asked for and rounds the rest into them', () => {
    expect(formatDuration(((5 * 24 + 13) * 3600 + 45 * 60 + 41) * 1000, 2)).toBe('5 d 14 h');
    expect(formatDuration((12 * 3600 + 48 * 60 + 57) * 1000, 2)).toBe('12 h 49 min');
    expect(formatDuration((3 * 3600 + 20) * 1000, 2)).toBe('3 h');
    expect(formatDuration((23 * 3600 + 59 * 60 + 50) * 1000, 2)).toBe('1 d');
    expect(formatDuration(90_000, 2)).toBe('1 min 30 s');
    expect(formatDuration(90_400, 1)).toBe('2 min');
  });
});
