// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { TaskClassifier, tokenize, type ClassifierExample } from './classifier';

const HISTORY: ClassifierExample[] = [
  { text: 'Weld bracket to frame at station 2', type: 'weld', skills: { weld: 3 } },
  { text: 'Weld seam on housing 1182', type: 'weld', skills: { weld: 3 } },
  { text: 'Spot weld the seam of panel 77', type: 'weld', skills: { weld: 2 } },
  { text: 'Repair weld seam on tank', type: 'weld', skills: { weld: 4 } },
  { text: 'Inspect paint finish on door 12', type: 'inspect', skills: { inspect: 2 } },
  { text: 'Visual inspection of part 4711', type: 'inspect', skills: { inspect: 2 } },
  { text: 'Inspect weld quality on frame 9', type: 'inspect', skills: { inspect: 3, weld: 2 } },
  { text: 'Measure and inspect bore diameter', type: 'inspect', skills: { inspect: 3 } },
  { text: 'Re-inspect rejected parts from line 2', type: 'inspect', skills: { inspect: 2 } },
  { text: 'Inspect seam after repair', type: 'inspect', skills: { inspect: 3 } },
  { text: 'Inspect the welds at station 4', type: 'inspect', skills: { inspect: 2, weld: 2 } },
  { text: 'Paint the cover panels blue', type: 'paint', skills: { paint: 2 } },
  { text: 'Primer and paint housing', type: 'paint', skills: { paint: 3 } },
  { text: 'Touch up paint on chassis', type: 'paint', skills: { paint: 1 } },
  { text: 'Pick 12 bolts from rack B', type: 'pick', skills: { pick: 1 } },
  { text: 'Pick parts for order 5521', type: 'pick', skills: { pick: 1 } },
  { text: 'Pick and place screws into kit', type: 'pick', skills: { pick: 2 } },
];

describe('task classifier', () => {
  it('tokenises words and word pairs, dropping numbers and filler words', () => {
    expect(tokenize('Re-inspect the weld seams on part 4711 at station 3')).toEqual([
      'inspect', 'weld', 'seam', 'station', 'inspect_weld', 'weld_seam', 'seam_station', '^inspect',
    ]);
  });

  it('suggests the type and required skills of a free-text request', () => {
    const c = new TaskClassifier();
    c.train(HISTORY);
    const s = c.suggest('re-inspect weld seam on part 4711 at station 3');
    expect(s.types[0]!.type).toBe('inspect');
    expect(s.types.reduce((sum, t) => sum + t.probability, 0)).toBeCloseTo(1, 9);
    expect(s.skills.map((k) => k.skill)).toContain('inspect');
    expect(s.skills.find((k) => k.skill === 'inspect')!.level).toBeGreaterThanOrEqual(2);
    expect(c.suggest('pick 40 washers for kit 3').types[0]!.type).toBe('pick');
    expect(c.suggest('paint the bracket').skills[0]).toMatchObject({ skill: 'paint' });
  });

  it('improves its suggestion after a supervisor corrects it', () => {
    const c = new TaskClassifier();
    c.train(HISTORY);
    const text = 'Check seam tightness on tank 4';
    const before = c.suggest(text);
    expect(before.types[0]!.type).toBe('weld');
    const pBefore = before.types.find((t) => t.type === 'inspect')!.probability;
    c.correct('Check seam tightness on tank 2', 'inspect', { inspect: 2 });
    c.correct('Leak check of seam on vessel', 'inspect', { inspect: 2 });
    const after = c.suggest(text);
    expect(after.types[0]!.type).toBe('inspect');
    expect(after.types[0]!.probability).toBeGreaterThan(pBefore);
    expect(after.skills[0]).toMatchObject({ skill: 'inspect', level: 2 });
  });

  it('round-trips through plain JSON with the same suggestions', () => {
    const c = new TaskClassifier();
    c.train(HISTORY);
    const back = TaskClassifier.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
    expect(back.suggest('inspect the paint')).toEqual(c.suggest('inspect the paint'));
    expect(back.size).toBe(HISTORY.length);
    expect(back.types).toEqual(['inspect', 'paint', 'pick', 'weld']);
  });

  it('suggests nothing before it has any history', () => {
    expect(new TaskClassifier().suggest('weld it')).toEqual({ types: [], skills: [] });
  });
});
