// Availability windows and certifications as people type them in the agent dialog and the What-if
// page, and back:
//   "shift 06:00-14:00 Mon-Fri; break 10:00-10:15; maintenance 08:00-14:30 on 2026-12-09"
//   "forklift until 2027-03-31; first-aid"
// Pure, so it is tested in node. The host checks the result against the contract again.
import { AvailabilityWindow, type AVAILABILITY_KINDS } from '../../../preload/contract';
import { parseList } from './skills';

export type AvailabilityKind = (typeof AVAILABILITY_KINDS)[number];
export type Window = AvailabilityWindow;

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const DAY_INDEX = new Map<string, number>(
  DAY_NAMES.flatMap((name, index) => [
    [name.toLowerCase(), index],
    [['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][index]!, index],
  ]),
);
const KIND_WORDS = new Map<string, AvailabilityKind>([
  ['shift', 'shift'],
  ['break', 'break'],
  ['maintenance', 'maintenance'],
  ['maint', 'maintenance'],
]);

export type Parse<T> = { ok: true; value: T } | { ok: false; error: string };

/** "9:5" style slips are refused; "6:00" is read as "06:00". */
function readClock(text: string): string | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, '0')}:${match[2]}`;
}

/** "Mon-Fri", "Mon,Wed,Fri", "Sat Sun", "daily" -> day numbers (0 = Sunday); undefined for every day. */
function readDays(words: readonly string[]): Parse<number[] | undefined> {
  if (words.length === 0) return { ok: true, value: undefined };
  const days = new Set<number>();
  for (const word of words.flatMap((w) => w.split(',')).filter(Boolean)) {
    const lower = word.toLowerCase();
    if (lower === 'daily' || lower === 'every-day' || lower === 'everyday') return { ok: true, value: undefined };
    const range = /^([a-z]+)-([a-z]+)$/.exec(lower);
    if (range) {
      const from = DAY_INDEX.get(range[1]!);
      const to = DAY_INDEX.get(range[2]!);
      if (from === undefined || to === undefined) return { ok: false, error: `“${word}” is not a range of days (e.g. Mon-Fri).` };
      for (let day = from; ; day = (day + 1) % 7) {
        days.add(day);
        if (day === to) break;
      }
      continue;
    }
    const day = DAY_INDEX.get(lower);
    if (day === undefined) return { ok: false, error: `“${word}” is not a day (Mon, Tue, … Sun).` };
    days.add(day);
  }
  const list = [...days].sort((a, b) => a - b);
  return { ok: true, value: list.length === 7 ? undefined : list };
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** "on 2026-12-09" or "2026-12-09" -> the date; no date word -> undefined (weekly). */
function readDate(words: readonly string[]): Parse<string | undefined> {
  const on = words.findIndex((word) => word.toLowerCase() === 'on');
  const dates = words.filter((word) => DATE_TEXT.test(word));
  if (on < 0 && dates.length === 0) return { ok: true, value: undefined };
  const date = dates[0];
  if (!date || dates.length > 1 || (on >= 0 && words[on + 1] !== date)) {
    return { ok: false, error: 'write the date as YYYY-MM-DD, e.g. maintenance 08:00-14:30 on 2026-12-09' };
  }
  if (words.length > (on >= 0 ? 2 : 1)) return { ok: false, error: 'a window on a date takes no weekdays' };
  return { ok: true, value: date };
}

/**
 * One window: "shift 06:00-14:00 Mon-Fri" or "maintenance 08:00-14:30 on 2026-12-09" (kind, time
 * range, then days or one date; kind defaults to shift, no days: every day).
 */
export function parseWindow(text: string): Parse<Window> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  let kind: AvailabilityKind = 'shift';
  const first = words[0]?.toLowerCase();
  if (first && KIND_WORDS.has(first)) {
    kind = KIND_WORDS.get(first)!;
    words.shift();
  }
  const range = words.shift() ?? '';
  const match = /^(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$/.exec(range);
  const start = match ? readClock(match[1]!) : null;
  const end = match ? readClock(match[2]!) : null;
  if (!start || !end) return { ok: false, error: `“${text.trim()}”: write the time as HH:MM-HH:MM, e.g. shift 06:00-14:00 Mon-Fri.` };
  const date = readDate(words);
  if (!date.ok) return { ok: false, error: `“${text.trim()}”: ${date.error}.` };
  const days = date.value ? { ok: true as const, value: undefined } : readDays(words);
  if (!days.ok) return days;
  const window: Window = { kind, start, end, ...(days.value ? { days: days.value } : {}), ...(date.value ? { date: date.value } : {}) };
  const parsed = AvailabilityWindow.safeParse(window);
  if (!parsed.success) return { ok: false, error: `“${text.trim()}”: ${parsed.error.issues[0]?.message ?? 'not a window'}.` };
  return { ok: true, value: parsed.data };
}

/** Windows separated by semicolons or line breaks (commas separate days). */
export function parseAvailability(text: string): Parse<Window[]> {
  const windows: Window[] = [];
  for (const item of text.split(/[;\n\r]+/).map((part) => part.trim()).filter(Boolean)) {
    const window = parseWindow(item);
    if (!window.ok) return window;
    windows.push(window.value);
  }
  return { ok: true, value: windows };
}

/** Day numbers back to the shortest words: [1,2,3,4,5] -> "Mon-Fri", [0,6] -> "Sun,Sat". */
export function formatDays(days: readonly number[] | undefined): string {
  if (!days || days.length === 0 || days.length === 7) return '';
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const runs: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(j - i >= 2 ? `${DAY_NAMES[sorted[i]!]}-${DAY_NAMES[sorted[j]!]}` : sorted.slice(i, j + 1).map((d) => DAY_NAMES[d]).join(','));
    i = j + 1;
  }
  return runs.join(',');
}

export function formatWindow(window: Window): string {
  if (window.date) return `${window.kind} ${window.start}-${window.end} on ${window.date}`;
  const days = formatDays(window.days);
  return `${window.kind} ${window.start}-${window.end}${days ? ` ${days}` : ''}`;
}

/** The form parseAvailability reads back. */
export function formatAvailability(windows: readonly Window[]): string {
  return windows.map(formatWindow).join('; ');
}

export interface CertificationValue {
  name: string;
  expiresAt: number | null;
}

/** "2027-03-31" -> the end of that day, local time. */
function readExpiry(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999);
  if (date.getMonth() !== Number(match[2]) - 1) return null;
  return date.getTime();
}

function formatExpiry(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "forklift until 2027-03-31; first-aid" (no date: does not expire). */
export function parseCertifications(text: string): Parse<CertificationValue[]> {
  const out: CertificationValue[] = [];
  for (const item of parseList(text)) {
    const match = /^(.*?)\s+(?:until|expires)\s+(\S+)$/i.exec(item);
    const name = (match ? match[1]! : item).trim();
    if (!name) return { ok: false, error: `“${item}”: name the certification.` };
    if (name.length > 64) return { ok: false, error: `“${name.slice(0, 20)}…”: at most 64 characters.` };
    let expiresAt: number | null = null;
    if (match) {
      expiresAt = readExpiry(match[2]!);
      if (expiresAt === null) return { ok: false, error: `“${item}”: write the expiry as YYYY-MM-DD.` };
    }
    if (out.some((c) => c.name.toLowerCase() === name.toLowerCase())) return { ok: false, error: `“${name}” is listed twice.` };
    out.push({ name, expiresAt });
  }
  return { ok: true, value: out };
}

export function formatCertification(certification: CertificationValue): string {
  return certification.expiresAt === null ? certification.name : `${certification.name} until ${formatExpiry(certification.expiresAt)}`;
}

export function formatCertifications(certifications: readonly CertificationValue[]): string {
  return certifications.map(formatCertification).join('; ');
}

export const AVAILABILITY_KIND_LABELS: Record<AvailabilityKind, string> = { shift: 'Shift', break: 'Break', maintenance: 'Maintenance' };

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "YYYY-MM-DD" of `now` on the site's clock (the renderer's own zone when the site's is unknown). */
export function siteToday(now: number, timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  }
}

function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** A dated window that is over by `today` (one running past midnight into today is not). */
export function isPastWindow(window: Window, today: string): boolean {
  if (!window.date) return false;
  const crosses = window.end <= window.start;
  return (crosses ? shiftDate(window.date, 1) : window.date) < today;
}

/**
 * For people: "Maintenance on Wed 9 Dec 08:00–14:30" (the year only when not `today`'s),
 * "Shift 06:00–14:00 Mon-Fri", "Break 10:00–10:15 every day".
 */
export function describeWindow(window: Window, today?: string): string {
  const label = AVAILABILITY_KIND_LABELS[window.kind];
  const time = `${window.start}–${window.end}`;
  if (!window.date) return `${label} ${time} ${formatDays(window.days) || 'every day'}`;
  const [y, m, d] = window.date.split('-').map(Number) as [number, number, number];
  const weekday = DAY_NAMES[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!;
  const year = today && today.slice(0, 4) === window.date.slice(0, 4) ? '' : ` ${y}`;
  return `${label} on ${weekday} ${d} ${MONTH_NAMES[m - 1]}${year} ${time}`;
}

/** One row of the agent dialog's availability editor, as typed (times as the time input gives them). */
export interface WindowRow {
  kind: AvailabilityKind;
  start: string;
  end: string;
  repeats: 'weekly' | 'date';
  /** "Mon-Fri"; '' for every day. */
  days: string;
  /** "YYYY-MM-DD" as the date input gives it; '' until picked. */
  date: string;
}

export function windowRow(window: Window): WindowRow {
  return { kind: window.kind, start: window.start, end: window.end, repeats: window.date ? 'date' : 'weekly', days: formatDays(window.days), date: window.date ?? '' };
}

/** The row as the text parseWindow reads, so the dialog's field keeps one format. */
export function rowText(row: WindowRow): string {
  const tail = row.repeats === 'date' ? ` on ${row.date.trim()}` : row.days.trim() ? ` ${row.days.trim()}` : '';
  return `${row.kind} ${row.start.trim()}-${row.end.trim()}${tail}`.trim();
}

/** The row's window, or what to fix in words for the row (no text echoed back). */
export function readRow(row: WindowRow): Parse<Window> {
  if (!row.start.trim() || !row.end.trim()) return { ok: false, error: 'Enter a start and an end time.' };
  if (row.repeats === 'date' && !row.date.trim()) return { ok: false, error: 'Pick the date.' };
  if (row.repeats === 'weekly' && row.days.split(/[\s,]+/).some((word) => word.toLowerCase() === 'on' || DATE_TEXT.test(word))) {
    return { ok: false, error: 'For one date, choose “on one date”.' };
  }
  const parsed = parseWindow(rowText(row));
  if (parsed.ok) return parsed;
  return { ok: false, error: parsed.error.replace(/^“[^”]*”: /, '').replace(/^./, (c) => c.toUpperCase()).replace(/([^.])$/, '$1.') };
}
