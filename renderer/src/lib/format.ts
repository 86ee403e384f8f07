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

const monthDayTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** For narrow table cells: "14:05" today, "Nov 23, 14:05" this year, else a short date and time. */
export function formatCellWhen(ms: number, now = Date.now()): string {
  const date = new Date(ms);
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return time.format(date);
  if (date.getFullYear() === today.getFullYear()) return monthDayTime.format(date);
  return shortDateTime.format(date);
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

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400],
  ['h', 3600],
  ['min', 60],
  ['s', 1],
];

/**
 * 1500 -> "1.5 s", 90000 -> "1 min 30 s", 7200000 -> "2 h". `units` keeps only that many of the
 * largest units, rounding the rest: with 2, 5 d 13 h 45 min 41 s reads "5 d 14 h" (for tables).
 */
export function formatDuration(ms: number, units = UNITS.length): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
  let rest = Math.round(seconds);
  const first = UNITS.findIndex(([, size]) => rest >= size);
  const smallest = UNITS[Math.min(UNITS.length - 1, first + Math.max(1, units) - 1)]![1];
  rest = Math.round(rest / smallest) * smallest;
  const parts: string[] = [];
  for (const [label, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n && size >= smallest) parts.push(`${n} ${label}`);
  }
  return parts.join(' ');
}

/** "just now", "4 min ago", "3 h ago", then the short date and time. */
export function formatAgo(ms: number, now = Date.now()): string {
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return shortDateTime.format(new Date(ms));
}
