// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { TaskBatchInput } from '../../../preload/contract';
import { importBatch, importIsValid, parseDateCell, parseTaskCsv, parseTaskFile, parseTaskJson } from './task-import';

const ID = '01HZX3K5V8Q2W7N4M6P9R0T1YB';

describe('CSV import', () => {
  it('reads every documented column into a valid batch', () => {
    const csv = [
      'type,title,priority,payload,requires,deadline,run_at,max_attempts,timeout_ms,tags,depends_on,idempotency_key,ref,depends_on_refs',
      `weld.seam,Weld A,HIGH,"{""program"":""P-1""}",weld:3; inspect:2,2030-01-02T10:30,1893456000000,5,60000,line-4; night,${ID},k-1,a,`,
      'inspect.visual,,,,,,,,,,,,,a',
    ].join('\n');
    const preview = parseTaskCsv(csv);
    expect(preview.fileErrors).toEqual([]);
    expect(preview.rows.map((row) => row.errors)).toEqual([[], []]);
    const batch = importBatch(preview);
    expect(batch).toEqual([
      {
        type: 'weld.seam',
        title: 'Weld A',
        priority: 'high',
        payload: { program: 'P-1' },
        requires: { weld: 3, inspect: 2 },
        deadline: new Date(2030, 0, 2, 10, 30).getTime(),
        runAt: 1893456000000,
        maxAttempts: 5,
        timeoutMs: 60000,
        tags: ['line-4', 'night'],
        dependsOn: [ID],
        idempotencyKey: 'k-1',
        ref: 'a',
      },
      { type: 'inspect.visual', dependsOnRefs: ['a'] },
    ]);
    expect(TaskBatchInput.safeParse({ tasks: batch }).success).toBe(true);
  });

  it('accepts camelCase and spaced headers and a byte-order mark', () => {
    const preview = parseTaskCsv('\uFEFFType,Run At,maxAttempts\nreport,2030-01-01,2\n');
    expect(preview.fileErrors).toEqual([]);
    expect(importBatch(preview)).toEqual([{ type: 'report', runAt: new Date(2030, 0, 1).getTime(), maxAttempts: 2 }]);
  });

  it('lists each row’s problems, and then sends nothing', () => {
    const preview = parseTaskCsv('type,priority,payload,requires,deadline,max_attempts\nweld,urgent,{bad,weld:7,tomorrow,x\n,low,,,,\nok.type,,,,,\n');
    expect(preview.rows[0]!.errors).toEqual([
      'payload: not valid JSON.',
      'requires: “weld:7”: the level must be a whole number from 1 to 5.',
      'deadline: “tomorrow” is not a date-time; use e.g. 2025-06-01T14:00.',
      'max_attempts: “x” is not a whole number.',
      'priority: must be critical, high, normal or low.',
    ]);
    expect(preview.rows[1]!.errors).toEqual(['type: required.']);
    expect(preview.rows[2]!.errors).toEqual([]);
    expect(importIsValid(preview)).toBe(false);
    expect(importBatch(preview)).toBeNull();
  });

  it('words numbers out of range by their limits, a negative one included', () => {
    const preview = parseTaskCsv('type,max_attempts\na,0\nb,-5\nc,500\n');
    expect(preview.rows.map((row) => row.errors)).toEqual([['max_attempts: at least 1.'], ['max_attempts: at least 1.'], ['max_attempts: at most 100.']]);
  });

  it('refuses unknown columns and a file without a type column', () => {
    expect(parseTaskCsv('type,colour\nweld,red\n').fileErrors).toEqual(['Unknown column: “colour”. The columns are listed below.']);
    expect(parseTaskCsv('title\nWeld\n').fileErrors).toContain('The first line must name the columns, and one of them must be “type”.');
  });

  it('checks refs: unique, and only rows above may be depended on', () => {
    const preview = parseTaskCsv('type,ref,depends_on_refs\na,x,y\nb,y,\nc,y,\n');
    expect(preview.rows[0]!.errors).toEqual(['depends_on_refs: no row above this one has the ref “y”.']);
    expect(preview.rows[2]!.errors).toEqual(['ref: “y” is already used by a row above.']);
  });

  it('refuses more than 1,000 tasks and an empty file', () => {
    const big = parseTaskCsv(`type\n${'t\n'.repeat(1001)}`);
    expect(big.rows).toHaveLength(1001);
    expect(big.fileErrors[0]).toMatch(/at most 1,000/);
    expect(importBatch(big)).toBeNull();
    expect(parseTaskCsv('type\n').fileErrors).toEqual(['The file holds no tasks.']);
  });

  it('reports rows with too many cells', () => {
    const preview = parseTaskCsv('type,title\na,b,c\n');
    expect(preview.rows[0]!.errors.length).toBeGreaterThan(0);
  });
});

describe('JSON import', () => {
  it('reads a list or { tasks: [...] }, with ISO times', () => {
    const list = parseTaskJson('[{"type":"a","deadline":"2030-01-02T10:30"},{"type":"b","priority":"low","dependsOnRefs":[]}]');
    expect(importBatch(list)).toEqual([{ type: 'a', deadline: new Date(2030, 0, 2, 10, 30).getTime() }, { type: 'b', priority: 'low', dependsOnRefs: [] }]);
    expect(importBatch(parseTaskJson('{"tasks":[{"type":"a"}]}'))).toEqual([{ type: 'a' }]);
  });

  it('names bad fields by their path and refuses unknown ones', () => {
    const preview = parseTaskJson('[{"type":"a","requires":{"weld":9},"colour":"red"}, 5]');
    expect(preview.rows[0]!.errors).toEqual(expect.arrayContaining(['Unknown field: colour.']));
    expect(preview.rows[0]!.errors).toEqual(expect.arrayContaining(['requires.weld: at most 5.']));
    expect(preview.rows[1]!.errors).toEqual(['Not an object.']);
  });

  it('says what is wrong with a file that is not a task list', () => {
    expect(parseTaskJson('{"type":').fileErrors[0]).toMatch(/^The file is not valid JSON/);
    expect(parseTaskJson('{"type":"a"}').fileErrors).toEqual(['Expected a list of tasks: [ {…}, … ] or { "tasks": [ … ] }.']);
  });
});

describe('parseTaskFile and dates', () => {
  it('picks the reader by extension, else by content', () => {
    expect(parseTaskFile('t.JSON', '[{"type":"a"}]').format).toBe('json');
    expect(parseTaskFile('t.csv', 'type\na').format).toBe('csv');
    expect(parseTaskFile('export', ' [{"type":"a"}]').format).toBe('json');
    expect(parseTaskFile('export', 'type\na').format).toBe('csv');
  });

  it('reads epoch ms, local dates, local and offset date-times', () => {
    expect(parseDateCell('1893456000000')).toBe(1893456000000);
    expect(parseDateCell('2030-01-02')).toBe(new Date(2030, 0, 2).getTime());
    expect(parseDateCell('2030-01-02 10:30')).toBe(new Date(2030, 0, 2, 10, 30).getTime());
    expect(parseDateCell('2030-01-02T10:30:00Z')).toBe(Date.UTC(2030, 0, 2, 10, 30));
    expect(parseDateCell('next week')).toBeUndefined();
  });
});
