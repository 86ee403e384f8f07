// Availability windows ("HH:MM" in the site's time zone, weekly on some weekdays or once on a
// date) laid out as absolute [start, end) windows in ms UTC, which the engine's feasibility rules
// and the simulator take. Pure; daylight-saving changes are handled by asking Intl for the zone's offset.
import type { AvailabilityWindow } from '../../preload/contract';
import type { TimeWindow } from '../delegation/types';

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of `ms` in the zone. */
function localParts(ms: number, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year!, m: parts.month!, d: parts.day!, h: parts.hour! % 24, min: parts.minute!, s: parts.second! };
}

/** Local time minus UTC at `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(ms / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time in the zone: the later one when a DST change repeats it,
 * moved on by the gap when the spring change skips it (02:30 reads as 03:30 in Berlin).
 */
export function zonedToUtc(y: number, m: number, d: number, h: number, min: number, timeZone: string): number {
  const guess = Date.UTC(y, m - 1, d, h, min);
  const first = guess - offsetAt(guess, timeZone);
  return guess - offsetAt(first, timeZone);
}

function clock(text: string): [number, number] {
  const [h, m] = text.split(':');
  return [Number(h), Number(m)];
}

export interface LaidOut {
  shifts: TimeWindow[];
  breaks: TimeWindow[];
  maintenance: TimeWindow[];
}

/** [start, end) in ms UTC of a window starting on the local day y-m-d; end <= start: ends the next day. */
function place(w: AvailabilityWindow, y: number, m: number, d: number, timeZone: string): TimeWindow {
  const [sh, sm] = clock(w.start);
  const [eh, em] = clock(w.end);
  const crosses = eh * 60 + em <= sh * 60 + sm;
  const next = new Date(Date.UTC(y, m - 1, d + (crosses ? 1 : 0)));
  return {
    start: zonedToUtc(y, m, d, sh, sm, timeZone),
    end: zonedToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), eh, em, timeZone),
    label: w.kind,
  };
}

/**
 * The windows that overlap [from, to), in ms UTC. A window whose end is not after its start
 * runs past midnight into the next day; `days` names the weekday the window starts on, `date`
 * the one day a dated window starts on.
 */
export function layOut(windows: readonly AvailabilityWindow[], from: number, to: number, timeZone: string): LaidOut {
  const out: LaidOut = { shifts: [], breaks: [], maintenance: [] };
  if (windows.length === 0) return out;
  const add = (w: AvailabilityWindow, window: TimeWindow) => {
    // end <= start only when the spring gap swallows the window: 02:30-03:00 (02:30 reads as 03:30).
    if (window.end <= window.start || window.end <= from || window.start >= to) return;
    if (w.kind === 'shift') out.shifts.push(window);
    else if (w.kind === 'break') out.breaks.push(window);
    else out.maintenance.push(window);
  };
  const weekly: AvailabilityWindow[] = [];
  for (const w of windows) {
    if (w.date === undefined) weekly.push(w);
    else {
      const [y, m, d] = w.date.split('-').map(Number) as [number, number, number];
      add(w, place(w, y, m, d, timeZone));
    }
  }
  if (weekly.length > 0) {
    // One day before `from`: a window that started yesterday evening may still be open.
    const first = localParts(from - DAY, timeZone);
    const days = Math.ceil((to - from) / DAY) + 2;
    for (let i = 0; i < days; i++) {
      const date = new Date(Date.UTC(first.y, first.m - 1, first.d + i));
      const weekday = date.getUTCDay();
      for (const w of weekly) {
        if (w.days && !w.days.includes(weekday)) continue;
        add(w, place(w, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), timeZone));
      }
    }
  }
  for (const list of [out.shifts, out.breaks, out.maintenance]) list.sort((a, b) => a.start - b.start);
  return out;
}
