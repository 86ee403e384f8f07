// Inline validation from the contract's zod schemas: one message per field, first issue wins.
import type { z } from 'zod';
import { capitalize } from './format';

export type FieldErrors<K extends string = string> = Partial<Record<K, string>>;

export function fieldErrors<K extends string>(schema: z.ZodType, values: Record<string, unknown>): FieldErrors<K> {
  const result = schema.safeParse(values);
  if (result.success) return {};
  const errors: FieldErrors<K> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '') as K;
    if (field && errors[field] === undefined) errors[field] = sentence(issue.message);
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
