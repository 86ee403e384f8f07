import { describe, expect, it } from 'vitest';
import { fitChips } from './task-table';

describe('fitChips', () => {
  // Chips 57, 47 and 50 px wide, 4 px apart; "+N" is 30 px.
  const widths = [57, 47, 50];

  it('shows every chip when they all fit, with no "+N"', () => {
    expect(fitChips(widths, 162, 4, 30)).toBe(3);
    expect(fitChips(widths, 500, 4, 30)).toBe(3);
  });

  it('shows the chips that fit together with the "+N" chip after them', () => {
    // 57 + 4 + 47 + 4 + 30 = 142
    expect(fitChips(widths, 161, 4, 30)).toBe(2);
    expect(fitChips(widths, 142, 4, 30)).toBe(2);
    // 57 + 4 + 30 = 91
    expect(fitChips(widths, 141, 4, 30)).toBe(1);
    expect(fitChips(widths, 91, 4, 30)).toBe(1);
  });

  it('keeps the first chip (to be cut with an ellipsis) when not even it fits beside "+N"', () => {
    expect(fitChips(widths, 60, 4, 30)).toBe(1);
    expect(fitChips([200], 100, 4, 30)).toBe(1);
  });

  it('shows nothing for no tags', () => {
    expect(fitChips([], 100, 4, 30)).toBe(0);
  });
});
