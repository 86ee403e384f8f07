// Display helpers: local date/time, relative "until", role labels, compact JSON.
import type { Role } from '../../../preload/contract';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const shortDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const compact = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

export function formatDateTime(ms: number): string {
  return dateTime.format(new Date(ms));
}

/** Date and time to the second in little space (audit rows). */
export function formatCompactDateTime(ms: number): string {
  return compact.format(new Date(ms));
}

export function formatShortDateTime(ms: number): string {
  return shortDateTime.format(new Date(ms));
}

/** "14:05" today, otherwise a short date and time. */
export function formatWhen(ms: number, now = Date.now()): string {
  const sameDay = new Date(ms).toDateString() === new Date(now).toDateString();
  return sameDay ? time.format(new Date(ms)) : shortDateTime.format(new Date(ms));
}

export const ROLE_LABELS: Record<Role, string> = {
  operator: 'Operator',
  supervisor: 'Supervisor',
  engineer: 'Engineer',
  admin: 'Administrator',
};

/** One line of JSON for a table cell; '' for nothing worth showing. */
export function compactJson(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' && Object.keys(value as object).length === 0) return '';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}
