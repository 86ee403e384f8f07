// Inline validation from the contract's zod schemas: one message per field, first issue wins.
// Messages are plain words: those the contract wrote ('required') are kept, zod's own are replaced.
import type { z } from 'zod';
import { capitalize } from './format';

export type FieldErrors<K extends string = string> = Partial<Record<K, string>>;

export function fieldErrors<K extends string>(schema: z.ZodType, values: Record<string, unknown>): FieldErrors<K> {
  const result = schema.safeParse(values);
  if (result.success) return {};
  const errors: FieldErrors<K> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '') as K;
    if (field && errors[field] === undefined) errors[field] = issueMessage(issue);
  }
  return errors;
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some((message) => message !== undefined);
}

export function sentence(message: string): string {
  const text = capitalize(message.trim());
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** How zod's own English messages start ("Too small: expected number to be >=1"); the contract's never do. */
const ZOD_WORDING = /^(Invalid |Too (small|big):|Unrecognized key)/;

/**
 * One issue as a sentence a line supervisor reads: "At least 1.", "Must be critical, high, normal
 * or low.". zod's own messages are written for programmers, so they are rebuilt from the issue's
 * facts; a message the contract wrote for the field is kept as it is.
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (!ZOD_WORDING.test(issue.message)) return sentence(issue.message);
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'Required.' : `At least ${count(min)} characters.`;
      if (issue.origin === 'array' || issue.origin === 'set') return min <= 1 ? 'Add at least one.' : `At least ${count(min)} entries.`;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        if (issue.inclusive === false) return `More than ${count(min)}.`;
        return min === 0 ? 'Must not be negative.' : `At least ${count(min)}.`;
      }
      return 'Too small.';
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `At most ${count(max)} characters.`;
      if (issue.origin === 'array' || issue.origin === 'set') return `At most ${count(max)} entries.`;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return issue.inclusive === false ? `Less than ${count(max)}.` : `At most ${count(max)}.`;
      }
      return 'Too large.';
    }
    case 'invalid_value':
      return `Must be ${oneOf(issue.values.map(String))}.`;
    case 'invalid_type':
      // zod 4 names what it got only in the message; nothing at all means the field was left out.
      if (/received undefined$/.test(issue.message)) return 'Required.';
      return EXPECTED[issue.expected] ?? 'Not the right kind of value.';
    case 'not_multiple_of':
      return `Must be a multiple of ${String(issue.divisor)}.`;
    case 'unrecognized_keys':
      return `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}.`;
    case 'invalid_format':
      return issue.format === 'email' ? 'Enter an email address.' : issue.format === 'url' ? 'Enter a web address.' : 'Not in the expected form.';
    default:
      return 'Not valid.';
  }
}

const EXPECTED: Partial<Record<string, string>> = {
  number: 'Enter a number.',
  int: 'Enter a whole number.',
  string: 'Enter some text.',
  boolean: 'Must be yes or no.',
  array: 'Must be a list.',
  object: 'Must be a set of named values.',
  record: 'Must be a set of named values.',
};

function count(n: number): string {
  return n.toLocaleString('en');
}

/** "a", "a or b", "a, b, c or d". */
function oneOf(values: readonly string[]): string {
  if (values.length <= 1) return values[0] ?? '';
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}
