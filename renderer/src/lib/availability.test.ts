// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  describeWindow,
  formatAvailability,
  formatCertifications,
  formatDays,
  isPastWindow,
  parseAvailability,
  parseCertifications,
  parseWindow,
  readRow,
  rowText,
  siteToday,
  windowRow,
  type WindowRow,
} from './availability';

describe('availability windows', () => {
  it('reads kind, time range and days', () => {
    expect(parseWindow('shift 06:00-14:00 Mon-Fri')).toEqual({ ok: true, value: { kind: 'shift', start: '06:00', end: '14:00', days: [1, 2, 3, 4, 5] } });
    expect(parseWindow('break 10:00-10:15')).toEqual({ ok: true, value: { kind: 'break', start: '10:00', end: '10:15' } });
    expect(parseWindow('maintenance 22:00-23:30 Sun')).toEqual({ ok: true, value: { kind: 'maintenance', start: '22:00', end: '23:30', days: [0] } });
  });

  it('defaults to a shift, pads hours, reads day lists, wrapping ranges and "daily"', () => {
    expect(parseWindow('6:00-14:00')).toEqual({ ok: true, value: { kind: 'shift', start: '06:00', end: '14:00' } });
    expect(parseWindow('shift 22:00-06:00 Fri-Mon')).toMatchObject({ ok: true, value: { days: [0, 1, 5, 6] } });
    expect(parseWindow('shift 08:00-12:00 Mon,Wed,Fri')).toMatchObject({ ok: true, value: { days: [1, 3, 5] } });
    expect(parseWindow('shift 08:00-12:00 daily')).toEqual({ ok: true, value: { kind: 'shift', start: '08:00', end: '12:00' } });
  });

  it('refuses bad times and days with a message naming the item', () => {
    expect(parseWindow('shift 25:00-14:00')).toMatchObject({ ok: false, error: expect.stringContaining('HH:MM-HH:MM') });
    expect(parseWindow('shift 08:00')).toMatchObject({ ok: false });
    expect(parseWindow('shift 08:00-12:00 Funday')).toEqual({ ok: false, error: '“Funday” is not a day (Mon, Tue, … Sun).' });
  });

  it('reads several windows and formats them back the same way', () => {
    const text = 'shift 06:00-14:00 Mon-Fri; break 10:00-10:15; maintenance 22:00-23:00 Sun,Sat';
    const parsed = parseAvailability(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(formatAvailability(parsed.value)).toBe(text);
    expect(parseAvailability('  ')).toEqual({ ok: true, value: [] });
  });

  it('formats day runs shortly', () => {
    expect(formatDays([1, 2, 3, 4, 5])).toBe('Mon-Fri');
    expect(formatDays([1, 2])).toBe('Mon,Tue');
    expect(formatDays([0, 1, 2, 3, 4, 5, 6])).toBe('');
    expect(formatDays(undefined)).toBe('');
  });
});

describe('windows on one date', () => {
  it('reads "on YYYY-MM-DD" or a bare date instead of days, and formats it back', () => {
    const value = { kind: 'maintenance', start: '08:00', end: '14:30', date: '2026-12-09' };
    expect(parseWindow('maintenance 08:00-14:30 on 2026-12-09')).toEqual({ ok: true, value });
    expect(parseWindow('maint 8:00-14:30 2026-12-09')).toEqual({ ok: true, value });
    const text = 'shift 06:00-14:00 Mon-Fri; maintenance 08:00-14:30 on 2026-12-09; shift 22:00-06:00 on 2026-12-31';
    const parsed = parseAvailability(text);
    expect(parsed.ok && formatAvailability(parsed.value)).toBe(text);
  });

  it('refuses a date that is not in the calendar, a missing date and a date with weekdays', () => {
    expect(parseWindow('maintenance 08:00-14:30 on 2026-02-30')).toEqual({ ok: false, error: '“maintenance 08:00-14:30 on 2026-02-30”: not a day in the calendar.' });
    expect(parseWindow('maintenance 08:00-14:30 on')).toMatchObject({ ok: false, error: expect.stringContaining('YYYY-MM-DD') });
    expect(parseWindow('maintenance 08:00-14:30 on 9.12.2026')).toMatchObject({ ok: false, error: expect.stringContaining('YYYY-MM-DD') });
    expect(parseWindow('shift 08:00-12:00 Mon on 2026-12-09')).toMatchObject({ ok: false, error: expect.stringContaining('takes no weekdays') });
  });

  it('describes windows in plain words, with the year only when it is not this one', () => {
    const maintenance = { kind: 'maintenance', start: '08:00', end: '14:30', date: '2026-12-09' } as const;
    expect(describeWindow(maintenance, '2026-11-20')).toBe('Maintenance on Wed 9 Dec 08:00–14:30');
    expect(describeWindow(maintenance, '2027-01-02')).toBe('Maintenance on Wed 9 Dec 2026 08:00–14:30');
    expect(describeWindow({ kind: 'shift', start: '06:00', end: '14:00', days: [1, 2, 3, 4, 5] })).toBe('Shift 06:00–14:00 Mon-Fri');
    expect(describeWindow({ kind: 'break', start: '10:00', end: '10:15' })).toBe('Break 10:00–10:15 every day');
  });

  it('calls a dated window past once its day (and a night past midnight) is over on the site clock', () => {
    expect(isPastWindow({ kind: 'maintenance', start: '08:00', end: '14:30', date: '2026-12-09' }, '2026-12-09')).toBe(false);
    expect(isPastWindow({ kind: 'maintenance', start: '08:00', end: '14:30', date: '2026-12-09' }, '2026-12-10')).toBe(true);
    expect(isPastWindow({ kind: 'shift', start: '22:00', end: '06:00', date: '2026-12-09' }, '2026-12-10')).toBe(false);
    expect(isPastWindow({ kind: 'shift', start: '22:00', end: '06:00', date: '2026-12-09' }, '2026-12-11')).toBe(true);
    expect(isPastWindow({ kind: 'shift', start: '06:00', end: '14:00' }, '2099-01-01')).toBe(false);
    // 23:30 UTC on 9 Dec is already 10 Dec in Berlin.
    expect(siteToday(Date.UTC(2026, 11, 9, 23, 30), 'Europe/Berlin')).toBe('2026-12-10');
    expect(siteToday(Date.UTC(2026, 11, 9, 23, 30), 'UTC')).toBe('2026-12-09');
  });

  it('turns editor rows into windows with one short message per row', () => {
    const row: WindowRow = { kind: 'maintenance', start: '08:00', end: '14:30', repeats: 'date', days: '', date: '2026-12-09' };
    expect(rowText(row)).toBe('maintenance 08:00-14:30 on 2026-12-09');
    expect(readRow(row)).toEqual({ ok: true, value: { kind: 'maintenance', start: '08:00', end: '14:30', date: '2026-12-09' } });
    expect(windowRow({ kind: 'maintenance', start: '08:00', end: '14:30', date: '2026-12-09' })).toEqual(row);
    expect(readRow({ ...row, date: '' })).toEqual({ ok: false, error: 'Pick the date.' });
    expect(readRow({ ...row, end: '' })).toEqual({ ok: false, error: 'Enter a start and an end time.' });
    expect(readRow({ ...row, date: '2026-02-30' })).toEqual({ ok: false, error: 'Not a day in the calendar.' });
    expect(readRow({ ...row, repeats: 'weekly', days: 'Mon-Fri' })).toEqual({ ok: true, value: { kind: 'maintenance', start: '08:00', end: '14:30', days: [1, 2, 3, 4, 5] } });
    expect(readRow({ ...row, repeats: 'weekly', days: '' })).toEqual({ ok: true, value: { kind: 'maintenance', start: '08:00', end: '14:30' } });
    expect(readRow({ ...row, repeats: 'weekly', days: '2026-12-09' })).toEqual({ ok: false, error: 'For one date, choose “on one date”.' });
    expect(readRow({ ...row, repeats: 'weekly', days: 'Funday' })).toEqual({ ok: false, error: '“Funday” is not a day (Mon, Tue, … Sun).' });
  });
});

describe('certifications', () => {
  it('reads names with an optional expiry date (end of that day, local time)', () => {
    const parsed = parseCertifications('forklift until 2027-03-31; first-aid');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value[1]).toEqual({ name: 'first-aid', expiresAt: null });
    const expiry = new Date(parsed.value[0]!.expiresAt!);
    expect([expiry.getFullYear(), expiry.getMonth(), expiry.getDate(), expiry.getHours()]).toEqual([2027, 2, 31, 23]);
    expect(formatCertifications(parsed.value)).toBe('forklift until 2027-03-31; first-aid');
  });

  it('refuses bad dates and duplicates', () => {
    expect(parseCertifications('forklift until 31.03.2027')).toEqual({ ok: false, error: '“forklift until 31.03.2027”: write the expiry as YYYY-MM-DD.' });
    expect(parseCertifications('forklift until 2027-02-30')).toMatchObject({ ok: false });
    expect(parseCertifications('forklift, Forklift')).toEqual({ ok: false, error: '“Forklift” is listed twice.' });
  });
});
