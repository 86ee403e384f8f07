// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { TaskInput } from '../../../preload/contract';
import { EMPTY_NEW_TASK, parseLocalDateTime, readNewTask, toLocalDateTimeInput, type NewTaskValues } from './task-form';

const form = (patch: Partial<NewTaskValues>): NewTaskValues => ({ ...EMPTY_NEW_TASK, ...patch });

describe('readNewTask', () => {
  it('builds a valid tasks.create input from every field', () => {
    const { input, errors } = readNewTask(
      form({
        type: ' weld.seam ',
        title: 'Weld A-12',
        priority: 'high',
        payload: '{ "program": "P-12" }',
        requires: 'weld:3, inspect:2',
        deadline: '2030-01-02T10:30',
        runAt: '2030-01-02T08:00',
        maxAttempts: '5',
        timeoutSeconds: '1.5',
        tags: 'line-4, night',
        dependsOn: '01HZX3K5V8Q2W7N4M6P9R0T1YB, 01HZX3K5V8Q2W7N4M6P9R0T1YC',
        idempotencyKey: 'order-1',
      }),
    );
    expect(errors).toEqual({});
    expect(input).toEqual({
      type: 'weld.seam',
      title: 'Weld A-12',
      priority: 'high',
      payload: { program: 'P-12' },
      requires: { weld: 3, inspect: 2 },
      deadline: new Date(2030, 0, 2, 10, 30).getTime(),
      runAt: new Date(2030, 0, 2, 8, 0).getTime(),
      maxAttempts: 5,
      timeoutMs: 1500,
      tags: ['line-4', 'night'],
      dependsOn: ['01HZX3K5V8Q2W7N4M6P9R0T1YB', '01HZX3K5V8Q2W7N4M6P9R0T1YC'],
      idempotencyKey: 'order-1',
    });
    expect(TaskInput.safeParse(input).success).toBe(true);
  });

  it('leaves out what was left empty', () => {
    expect(readNewTask(form({ type: 'report', maxAttempts: '' })).input).toEqual({ type: 'report', priority: 'normal' });
  });

  it('shows the contract schema messages per field', () => {
    const { input, errors } = readNewTask(form({ type: '', maxAttempts: '500', title: 'x'.repeat(201) }));
    expect(input).toBeNull();
    expect(errors.type).toBe('Required.');
    expect(errors.title).toBe('At most 200 characters.');
    expect(errors.maxAttempts).toMatch(/100/);
  });

  it('explains bad JSON, skills, numbers, dates and ids in the field they belong to', () => {
    const { errors } = readNewTask(
      form({ type: 'a', payload: '{ "x": ', requires: 'weld:7', maxAttempts: 'three', timeoutSeconds: '0.01', deadline: 'soon', dependsOn: 'nope' }),
    );
    expect(errors.payload).toMatch(/^Not valid JSON: /);
    expect(errors.requires).toBe('“weld:7”: the level must be a whole number from 1 to 5.');
    expect(errors.maxAttempts).toBe('Enter a whole number.');
    expect(errors.timeoutSeconds).toBe('From 0.1 seconds to 7 days.');
    expect(errors.deadline).toBe('Enter a date and time.');
    expect(errors.dependsOn).toBe('“nope”: must be an id.');
  });
});

describe('readNewTask messages', () => {
  it('words out-of-range numbers by the field’s limits, not zod’s “Too small: expected number to be >=1”', () => {
    expect(readNewTask(form({ type: 'a', maxAttempts: '0' })).errors.maxAttempts).toBe('At least 1.');
    expect(readNewTask(form({ type: 'a', maxAttempts: '-5' })).errors.maxAttempts).toBe('At least 1.');
    expect(readNewTask(form({ type: 'a', maxAttempts: '500' })).errors.maxAttempts).toBe('At most 100.');
  });

  it('takes a negative timeout as a number out of range, and only words that are not numbers as “Enter a number”', () => {
    expect(readNewTask(form({ type: 'a', timeoutSeconds: '-5' })).errors.timeoutSeconds).toBe('From 0.1 seconds to 7 days.');
    expect(readNewTask(form({ type: 'a', timeoutSeconds: '0' })).errors.timeoutSeconds).toBe('From 0.1 seconds to 7 days.');
    expect(readNewTask(form({ type: 'a', timeoutSeconds: 'soon' })).errors.timeoutSeconds).toBe('Enter a number of seconds.');
    expect(readNewTask(form({ type: 'a', timeoutSeconds: '2,5' })).input).toMatchObject({ timeoutMs: 2500 });
  });
});

describe('datetime-local values', () => {
  it('read as local time and round-trip', () => {
    const ms = new Date(2031, 4, 6, 7, 8).getTime();
    expect(parseLocalDateTime('2031-05-06T07:08')).toBe(ms);
    expect(toLocalDateTimeInput(ms)).toBe('2031-05-06T07:08');
    expect(parseLocalDateTime('')).toBeUndefined();
    expect(parseLocalDateTime('tomorrow')).toBeUndefined();
  });
});
