// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatAvailability, formatCertifications, formatDays, parseAvailability, parseCertifications, parseWindow } from './availability';

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
