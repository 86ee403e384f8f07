// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { isValidTimeZone, layOut, zonedToUtc } from './availability';

const H = 3_600_000;

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
