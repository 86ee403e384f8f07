// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { AvailabilityWindow } from '../../preload/contract';
import { checkFeasibility } from '../delegation/feasibility';
import type { DelegationAgent, DelegationTask } from '../delegation/types';
import { isValidTimeZone, layOut, zonedToUtc } from './availability';

const H = 3_600_000;
const DAY = 24 * H;

describe('availability windows', () => {
  it('turns a wall-clock time in a zone into UTC, across daylight-saving changes', () => {
    expect(zonedToUtc(2026, 1, 15, 8, 0, 'UTC')).toBe(Date.UTC(2026, 0, 15, 8, 0));
    expect(zonedToUtc(2026, 1, 15, 8, 0, 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 15, 7, 0)); // CET
    expect(zonedToUtc(2026, 7, 15, 8, 0, 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 15, 6, 0)); // CEST
    expect(zonedToUtc(2026, 7, 15, 8, 30, 'America/New_York')).toBe(Date.UTC(2026, 6, 15, 12, 30));
  });

  it('lays out daily shifts, breaks and maintenance over a range, sorted', () => {
    const from = Date.UTC(2026, 2, 2, 0, 0); // Monday
    const laid = layOut(
      [
        { kind: 'shift', start: '06:00', end: '14:00' },
        { kind: 'break', start: '10:00', end: '10:30' },
        { kind: 'maintenance', start: '02:00', end: '03:00', days: [0] },
      ],
      from,
      from + 7 * 24 * H,
      'UTC',
    );
    expect(laid.shifts).toHaveLength(7);
    expect(laid.shifts[0]).toEqual({ start: from + 6 * H, end: from + 14 * H, label: 'shift' });
    expect(laid.breaks[0]).toEqual({ start: from + 10 * H, end: from + 10.5 * H, label: 'break' });
    // Sunday only: the one Sunday in the week.
    expect(laid.maintenance).toEqual([{ start: from + 6 * 24 * H + 2 * H, end: from + 6 * 24 * H + 3 * H, label: 'maintenance' }]);
  });

  it('runs a window that ends before it starts past midnight, and keeps yesterday evening\'s night shift open', () => {
    const monday = Date.UTC(2026, 2, 2, 0, 0);
    const laid = layOut([{ kind: 'shift', start: '22:00', end: '06:00', days: [0] }], monday + 1 * H, monday + 2 * H, 'UTC');
    // Started Sunday 22:00, ends Monday 06:00.
    expect(laid.shifts).toEqual([{ start: monday - 2 * H, end: monday + 6 * H, label: 'shift' }]);
  });

  it('names time zones Intl knows', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('dated availability windows', () => {
  const berlin = 'Europe/Berlin';

  it('keeps stored weekly windows valid and refuses a date with weekdays, a date not in the calendar or a malformed one', () => {
    expect(AvailabilityWindow.safeParse({ kind: 'shift', start: '06:00', end: '14:00', days: [1, 2] }).success).toBe(true);
    expect(AvailabilityWindow.safeParse({ kind: 'maintenance', start: '08:00', end: '14:30', date: '2026-12-09' }).success).toBe(true);
    expect(AvailabilityWindow.safeParse({ kind: 'shift', start: '06:00', end: '14:00', date: '2028-02-29' }).success).toBe(true);
    const both = AvailabilityWindow.safeParse({ kind: 'shift', start: '06:00', end: '14:00', date: '2026-12-09', days: [3] });
    expect(both.error?.issues[0]).toMatchObject({ message: 'a window on a date takes no weekdays', path: ['days'] });
    for (const date of ['2026-02-29', '2026-04-31', '2026-13-01', '26-12-09', '2026-12-9', '1999-12-09']) {
      expect(AvailabilityWindow.safeParse({ kind: 'shift', start: '06:00', end: '14:00', date }).success, date).toBe(false);
    }
  });

  it('lays out a dated window on that day only, in the site time zone, beside the weekly ones', () => {
    const from = Date.UTC(2026, 11, 1);
    const laid = layOut(
      [
        { kind: 'maintenance', start: '08:00', end: '14:30', date: '2026-12-09' },
        { kind: 'maintenance', start: '08:00', end: '09:00', date: '2027-01-20' },
        { kind: 'shift', start: '06:00', end: '14:00', days: [1] },
      ],
      from,
      from + 14 * DAY,
      berlin,
    );
    // CET (UTC+1): 08:00-14:30 local is 07:00-13:30 UTC; the January one is outside the range.
    expect(laid.maintenance).toEqual([{ start: Date.UTC(2026, 11, 9, 7), end: Date.UTC(2026, 11, 9, 13, 30), label: 'maintenance' }]);
    expect(laid.shifts.map((w) => new Date(w.start).toISOString())).toEqual(['2026-12-07T05:00:00.000Z', '2026-12-14T05:00:00.000Z']);
  });

  it('runs a dated window that ends before it starts into the next day, still open just after midnight', () => {
    const window = { kind: 'shift', start: '22:00', end: '06:00', date: '2026-12-11' } as const;
    const laid = layOut([window], Date.UTC(2026, 11, 12, 2), Date.UTC(2026, 11, 12, 3), berlin);
    expect(laid.shifts).toEqual([{ start: Date.UTC(2026, 11, 11, 21), end: Date.UTC(2026, 11, 12, 5), label: 'shift' }]);
    expect(layOut([window], Date.UTC(2026, 11, 12, 5), Date.UTC(2026, 11, 13), berlin).shifts).toEqual([]);
  });

  it('counts wall-clock time on daylight-saving days: 5 h short in spring, 7 h long in autumn', () => {
    const span = (date: string, start: string, end: string) => {
      const [w] = layOut([{ kind: 'maintenance', start, end, date }], Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1), berlin).maintenance;
      return w && { start: new Date(w.start).toISOString(), hours: (w.end - w.start) / H };
    };
    expect(span('2026-03-29', '00:00', '06:00')).toEqual({ start: '2026-03-28T23:00:00.000Z', hours: 5 });
    expect(span('2026-10-25', '00:00', '06:00')).toEqual({ start: '2026-10-24T22:00:00.000Z', hours: 7 });
    // Across midnight into the change.
    expect(span('2026-03-28', '22:00', '06:00')).toEqual({ start: '2026-03-28T21:00:00.000Z', hours: 7 });
    expect(span('2026-10-24', '22:00', '06:00')).toEqual({ start: '2026-10-24T20:00:00.000Z', hours: 9 });
    // 02:00-03:00 does not exist on the spring day: a time in the gap moves on with the clocks
    // (02:15 -> 03:15 CEST); a window whose end then falls before its start is dropped.
    expect(span('2026-03-29', '02:15', '02:45')).toEqual({ start: '2026-03-29T01:15:00.000Z', hours: 0.5 });
    expect(span('2026-03-29', '02:30', '03:00')).toBeUndefined();
  });

  describe('feasibility with dated windows', () => {
    const task: DelegationTask = { id: 't1', type: 'weld', priority: 'normal', requires: { weld: 1 } };
    const robot = (windows: AvailabilityWindow[], now: number): DelegationAgent => {
      const laid = layOut(windows, now - DAY, now + 8 * DAY, berlin);
      return { id: 'r7', name: 'R7', kind: 'robot', status: 'available', skills: { weld: 2 }, capacity: 1, load: 0, shifts: laid.shifts, maintenance: laid.maintenance };
    };

    it('closes the agent during a one-off maintenance and opens it after', () => {
      const windows: AvailabilityWindow[] = [{ kind: 'maintenance', start: '08:00', end: '14:30', date: '2026-12-09' }];
      const during = Date.UTC(2026, 11, 9, 9); // 10:00 in Berlin
      expect(checkFeasibility(task, robot(windows, during), during, { timeZone: berlin })).toEqual({
        feasible: false,
        rules: [{ rule: 'maintenance', reason: 'In maintenance until 14:30', until: Date.UTC(2026, 11, 9, 13, 30) }],
      });
      const after = Date.UTC(2026, 11, 9, 13, 30);
      expect(checkFeasibility(task, robot(windows, after), after, { timeZone: berlin }).feasible).toBe(true);
      // The same clock time on the day before and the week after: open.
      for (const other of [during - DAY, during + 7 * DAY]) expect(checkFeasibility(task, robot(windows, other), other, { timeZone: berlin }).feasible).toBe(true);
    });

    it('names the date in "Why not" when the maintenance or the next (one-off) shift is on another day', () => {
      const night = Date.UTC(2026, 11, 9, 21); // 22:00 in Berlin
      const overnight = robot([{ kind: 'maintenance', start: '20:00', end: '02:00', date: '2026-12-09' }], night);
      expect(checkFeasibility(task, overnight, night, { timeZone: berlin }).rules).toEqual([
        { rule: 'maintenance', reason: 'In maintenance until 2026-12-10 02:00', until: Date.UTC(2026, 11, 10, 1) },
      ]);
      const extra = robot([{ kind: 'shift', start: '06:00', end: '12:00', date: '2026-12-12' }], night);
      expect(checkFeasibility(task, extra, night, { timeZone: berlin }).rules).toEqual([
        { rule: 'shift', reason: 'Off shift until 2026-12-12 06:00', until: Date.UTC(2026, 11, 12, 5) },
      ]);
    });
  });
});
