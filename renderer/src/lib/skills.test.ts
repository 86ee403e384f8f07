// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatSkills, parseIdList, parseList, parseSkills } from './skills';

describe('parseSkills', () => {
  it('reads "weld:3, inspect:2" into a skill map', () => {
    expect(parseSkills('weld:3, inspect:2')).toEqual({ ok: true, skills: { weld: 3, inspect: 2 } });
  });

  it('accepts semicolons, line breaks and spaces around the colon', () => {
    expect(parseSkills(' weld : 3;inspect:2\npaint:1 ')).toEqual({ ok: true, skills: { weld: 3, inspect: 2, paint: 1 } });
  });

  it('reads a skill without a level as level 1, and an empty text as no skills', () => {
    expect(parseSkills('inspect')).toEqual({ ok: true, skills: { inspect: 1 } });
    expect(parseSkills('  ')).toEqual({ ok: true, skills: {} });
  });

  it('takes the level after the last colon, so skill names may hold colons', () => {
    expect(parseSkills('arm:weld:4, vision:ocr')).toEqual({ ok: true, skills: { 'arm:weld': 4, 'vision:ocr': 1 } });
  });

  it('refuses levels outside 1..5 or not whole, bad names and duplicates, naming the item', () => {
    expect(parseSkills('weld:9')).toEqual({ ok: false, error: '“weld:9”: the level must be a whole number from 1 to 5.' });
    expect(parseSkills('weld:0')).toMatchObject({ ok: false });
    expect(parseSkills('weld:2.5')).toMatchObject({ ok: false });
    expect(parseSkills('we ld:2')).toMatchObject({ ok: false, error: expect.stringContaining('“we ld”') });
    expect(parseSkills('_hidden:2')).toMatchObject({ ok: false });
    expect(parseSkills('weld:2, weld:3')).toEqual({ ok: false, error: '“weld” is listed twice.' });
  });

  it('round-trips through formatSkills', () => {
    const skills = { weld: 3, 'arm:inspect': 2 };
    expect(formatSkills(skills)).toBe('weld:3, arm:inspect:2');
    expect(parseSkills(formatSkills(skills))).toEqual({ ok: true, skills });
  });
});

describe('lists', () => {
  it('splits tags on commas, semicolons and line breaks, dropping blanks', () => {
    expect(parseList('line-4, night;; qa\n')).toEqual(['line-4', 'night', 'qa']);
    expect(parseList('cell 2, ')).toEqual(['cell 2']);
  });

  it('splits ids on any whitespace too', () => {
    expect(parseIdList('A B,C;\nD')).toEqual(['A', 'B', 'C', 'D']);
  });
});
