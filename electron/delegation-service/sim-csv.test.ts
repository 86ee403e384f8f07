// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { parseSimCsv, splitCsvLine } from './sim-csv';

const T0 = Date.UTC(2026, 2, 2, 6, 0);

describe('what-if CSV', () => {
  it('splits quoted fields with commas and doubled quotes', () => {
    expect(splitCsvLine('weld,"seam 3, left","say ""hi""", 4 ')).toEqual(['weld', 'seam 3, left', 'say "hi"', '4']);
  });

  it('reads tasks with columns in any order, defaults, requirements and minutes after the start', () => {
    const { tasks, warnings } = parseSimCsv(
      'Priority,TYPE,requires,arrivalMinutes,deadlineMinutes,title\nhigh,weld,weld:3;inspect,10,70,Seam 3\n,paint,,,,\n',
      T0,
      100,
    );
    expect(warnings).toEqual([]);
    expect(tasks).toEqual([
      { id: 'csv-2', type: 'weld', title: 'Seam 3', priority: 'high', requires: { weld: 3, inspect: 1 }, arrivalAt: T0 + 600_000, deadline: T0 + 70 * 60_000 },
      { id: 'csv-3', type: 'paint', title: 'paint', priority: 'normal', requires: undefined, arrivalAt: T0, deadline: null },
    ]);
  });

  it('skips bad lines with a warning naming the line, and caps the number of tasks', () => {
    const { tasks, warnings } = parseSimCsv('type,requires,arrivalMinutes\nweld,weld:9,0\nweld,,-5\nwe ld,,\nweld,,\nweld,,\n', T0, 1);
    expect(tasks).toHaveLength(1);
    expect(warnings).toEqual([
      'line 2: bad level in "weld:9" (1-5)',
      'line 3: arrivalMinutes and deadlineMinutes must be numbers >= 0',
      'line 4: bad or missing type "we ld"',
      'Only the first 1 tasks are simulated',
    ]);
    expect(parseSimCsv('title\nx', T0, 10).warnings).toEqual(['The CSV header needs a "type" column']);
    expect(parseSimCsv('  \n', T0, 10).warnings).toEqual(['The CSV is empty']);
  });
});
