// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentCapacity, TaskPriority } from '../../../preload/contract';
import { fieldErrors, issueMessage } from './form';

const firstMessage = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected an issue');
  return issueMessage(result.error.issues[0]!);
};

describe('issueMessage', () => {
  it('says a number’s limit in plain words instead of zod’s “Too small: expected number to be >=1”', () => {
    expect(firstMessage(AgentCapacity, 0)).toBe('At least 1.');
    expect(firstMessage(AgentCapacity, 5000)).toBe('At most 1,000.');
    expect(firstMessage(z.number().min(0), -5)).toBe('Must not be negative.');
    expect(firstMessage(z.number().positive(), 0)).toBe('More than 0.');
    expect(firstMessage(z.number().int(), 1.5)).toBe('Enter a whole number.');
  });

  it('lists the allowed choices', () => {
    expect(firstMessage(TaskPriority, 'urgent')).toBe('Must be critical, high, normal or low.');
    expect(firstMessage(z.literal('yes'), 'no')).toBe('Must be yes.');
  });

  it('words text and list lengths, missing fields and unknown fields', () => {
    expect(firstMessage(z.string().min(1), '')).toBe('Required.');
    expect(firstMessage(z.string().max(3), 'abcd')).toBe('At most 3 characters.');
    expect(firstMessage(z.array(z.string()).max(2), ['a', 'b', 'c'])).toBe('At most 2 entries.');
    expect(firstMessage(z.object({ a: z.string() }), {})).toBe('Required.');
    expect(firstMessage(z.object({}).strict(), { colour: 'red' })).toBe('Unknown field: colour.');
  });

  it('keeps a message the contract wrote for the field', () => {
    expect(firstMessage(z.string().max(5, 'at most 5 characters'), 'abcdef')).toBe('At most 5 characters.');
    expect(firstMessage(z.string().trim().min(1, 'required'), ' ')).toBe('Required.');
  });

  it('is what fieldErrors shows', () => {
    expect(fieldErrors(z.object({ capacity: AgentCapacity, priority: TaskPriority }), { capacity: 0, priority: 'x' })).toEqual({
      capacity: 'At least 1.',
      priority: 'Must be critical, high, normal or low.',
    });
  });
});
