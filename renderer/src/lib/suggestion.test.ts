// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { TaskSuggestion } from '../../../preload/contract';
import { FakeTimers } from '../testing/fakes';
import { applySuggestion, confidenceLevel, correctionFor, Debouncer, matchesSuggestion, suggestionQuery } from './suggestion';

const suggestion = (patch: Partial<TaskSuggestion> = {}): TaskSuggestion => ({
  type: 'weld.inspect',
  confidence: 0.82,
  skills: { weld: 2, vision: 1 },
  alternatives: [{ type: 'weld.seam', p: 0.1 }],
  trainedOn: 40,
  ...patch,
});

describe('Debouncer', () => {
  it('sends only the last text, once typing pauses', () => {
    const timers = new FakeTimers();
    const sent: string[] = [];
    const debouncer = new Debouncer<string>(400, (text) => sent.push(text), timers);
    debouncer.push('re');
    timers.advance(200);
    debouncer.push('re-inspect');
    timers.advance(399);
    expect(sent).toEqual([]);
    timers.advance(1);
    expect(sent).toEqual(['re-inspect']);
    debouncer.push('re-inspect weld');
    debouncer.cancel();
    timers.advance(1000);
    expect(sent).toEqual(['re-inspect']);
  });
});

describe('suggestionQuery', () => {
  it('asks only with a few characters, collapsed and capped to the contract’s 500', () => {
    expect(suggestionQuery('  a ')).toBeNull();
    expect(suggestionQuery(' re-inspect   weld\nseam ')).toBe('re-inspect weld seam');
    expect(suggestionQuery('x'.repeat(600))).toHaveLength(500);
  });
});

describe('applySuggestion', () => {
  const values = { type: '', title: '', requires: '', priority: 'normal' };
  it('fills type and skills, and the title from the description when empty', () => {
    expect(applySuggestion(values, suggestion() as TaskSuggestion & { type: string }, ' re-inspect weld seam ')).toEqual({
      type: 'weld.inspect',
      requires: 'weld:2, vision:1',
      title: 're-inspect weld seam',
      priority: 'normal',
    });
  });

  it('keeps a title already typed, and never uses a description too long for a title', () => {
    expect(applySuggestion({ ...values, title: 'Mine' }, suggestion() as TaskSuggestion & { type: string }, 'text').title).toBe('Mine');
    expect(applySuggestion(values, suggestion() as TaskSuggestion & { type: string }, 'y'.repeat(201)).title).toBe('');
  });
});

describe('correctionFor', () => {
  it('teaches nothing when the task keeps the suggested type and skills, or has no description', () => {
    expect(correctionFor('re-inspect weld seam', suggestion(), { type: 'weld.inspect', requires: { vision: 1, weld: 2 } })).toBeNull();
    expect(correctionFor('', suggestion(), { type: 'paint' })).toBeNull();
  });

  it('teaches the final type and skills when the supervisor changed either', () => {
    expect(correctionFor('re-inspect weld seam', suggestion(), { type: 'weld.seam', requires: { weld: 2, vision: 1 } })).toEqual({
      text: 're-inspect weld seam',
      type: 'weld.seam',
      requires: { weld: 2, vision: 1 },
    });
    expect(correctionFor('re-inspect weld seam', suggestion(), { type: 'weld.inspect', requires: { weld: 3 } })).toMatchObject({ requires: { weld: 3 } });
  });

  it('teaches a classifier that had nothing to suggest', () => {
    expect(correctionFor('paint door', suggestion({ type: null, skills: {} }), { type: 'paint' })).toEqual({ text: 'paint door', type: 'paint', requires: {} });
    expect(correctionFor('paint door', undefined, { type: 'paint' })).toEqual({ text: 'paint door', type: 'paint', requires: {} });
  });
});

describe('confidence and the applied mark', () => {
  it('reads confidence as low, medium or high', () => {
    expect(confidenceLevel(0.2)).toBe('low');
    expect(confidenceLevel(0.5)).toBe('medium');
    expect(confidenceLevel(0.9)).toBe('high');
  });

  it('knows when the form still holds the suggestion', () => {
    expect(matchesSuggestion({ type: 'weld.inspect', requires: 'vision:1, weld:2' }, suggestion())).toBe(true);
    expect(matchesSuggestion({ type: 'weld.inspect', requires: 'weld:2' }, suggestion())).toBe(false);
    expect(matchesSuggestion({ type: 'weld.inspect', requires: '' }, undefined)).toBe(false);
  });
});
