// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { DelegationSettings, DelegationWeights } from '../../../preload/contract';
import {
  changedWeights,
  errorField,
  fieldsToFixText,
  invalidFields,
  isKnownTimeZone,
  parseDefaultWeights,
  parseTiming,
  parseTypeWeights,
  previewWeights,
  pullRuleText,
  readWeight,
  rememberWeight,
  timingDraft,
  typeWeightsDraft,
  visibleErrors,
  weightDraft,
  weightShares,
  addZoneDistanceRow,
  parseZoneDistances,
  zoneDistanceOptions,
  zoneDistanceRows,
  zoneNameWarnings,
  zonePointsText,
  zoneSuggestions,
} from './delegation-settings';

const DEFAULTS: DelegationWeights = { capability: 0.1, success: 0.3, speed: 0.2, deadline: 0.15, load: 0.1, zone: 0.05, cost: 0.05, fairness: 0.05 };
const SETTINGS: DelegationSettings = {
  weights: { default: DEFAULTS, byType: { weld: { success: 0.5 } } },
  explorationRate: 0.05,
  timeZone: 'UTC',
  humanOfferMinutes: 10,
  pullMargin: 0.05,
  pullHoldSeconds: 15,
};
const ZERO: DelegationWeights = { capability: 0, success: 0, speed: 0, deadline: 0, load: 0, zone: 0, cost: 0, fairness: 0 };

describe('default weights', () => {
  it('reads weights from 0 to 1, with a dot or a comma, and refuses the rest', () => {
    expect(readWeight('0.25')).toBe(0.25);
    expect(readWeight(' 0,5 ')).toBe(0.5);
    expect(readWeight('.3')).toBe(0.3);
    expect(readWeight('1')).toBe(1);
    for (const bad of ['', '1.5', '-0.1', 'abc', '0.2.1', '1e-1']) expect(readWeight(bad)).toBeNull();
  });

  it('round-trips the settings through the form and sends only what changed', () => {
    const draft = weightDraft(DEFAULTS);
    expect(draft.success).toBe('0.3');
    const { weights, errors } = parseDefaultWeights({ ...draft, cost: '0.4' });
    expect(errors).toEqual({});
    expect(changedWeights(weights!, DEFAULTS)).toEqual({ cost: 0.4 });
  });

  it('names every bad component and refuses all zeros as a whole', () => {
    const bad = parseDefaultWeights({ ...weightDraft(DEFAULTS), speed: '2', zone: '' });
    expect(bad.weights).toBeNull();
    expect(bad.errors).toEqual({ speed: 'Enter a number from 0 to 1, e.g. 0.25.', zone: 'Enter a number from 0 to 1, e.g. 0.25.' });
    const zeros = parseDefaultWeights(weightDraft(ZERO));
    expect(zeros.weights).toBeNull();
    expect(zeros.errors.form).toMatch(/At least one weight must be above 0/);
  });

  it('gives each component its share of the score, and nothing when all are 0', () => {
    const shares = weightShares(DEFAULTS);
    expect(shares.success).toBeCloseTo(0.3);
    expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(weightShares({ ...ZERO, cost: 0.5 })).toMatchObject({ cost: 1, success: 0 });
    expect(Object.values(weightShares(ZERO))).toEqual(Array(8).fill(0));
  });
});

describe('weights while they are typed', () => {
  it('keeps the last valid value while the box holds "5" or "abc", and follows it again once valid', () => {
    let valid = rememberWeight(DEFAULTS, 'cost', '0.4');
    expect(valid.cost).toBe(0.4);
    for (const typed of ['5', 'abc', '', '-0.1']) {
      valid = rememberWeight(valid, 'cost', typed);
      expect(valid.cost).toBe(0.4);
    }
    expect(rememberWeight(valid, 'cost', '0,2').cost).toBe(0.2);
    expect(rememberWeight(valid, 'cost', '0').cost).toBe(0);
    // The others are left alone, and the input is not changed.
    expect(rememberWeight(valid, 'cost', '0.3')).toMatchObject({ success: 0.3, speed: 0.2 });
    expect(valid.cost).toBe(0.4);
  });

  it('previews a bad box at its last valid value, never at 0, so the parts of the score hold still', () => {
    const lastValid = { ...DEFAULTS, cost: 0.4 };
    const preview = previewWeights({ ...weightDraft(DEFAULTS), cost: '5', zone: 'abc', speed: '0.35' }, lastValid);
    expect(preview).toMatchObject({ cost: 0.4, zone: 0.05, speed: 0.35 });
    expect(weightShares(preview).cost).toBeGreaterThan(0);
    expect(Math.round(weightShares(preview).cost * 100)).toBe(Math.round((0.4 / 1.5) * 100));
  });

  it('shows a box’s message once it has been left, every message after a save was tried', () => {
    const { errors } = parseDefaultWeights({ ...weightDraft(DEFAULTS), cost: '5', zone: 'abc' });
    expect(visibleErrors(errors, new Set(), false)).toEqual({});
    expect(visibleErrors(errors, new Set(['cost', 'speed'] as const), false)).toEqual({ cost: 'Enter a number from 0 to 1, e.g. 0.25.' });
    expect(visibleErrors(errors, new Set(), true)).toEqual(errors);
    const zeros = parseDefaultWeights(weightDraft(ZERO)).errors;
    expect(visibleErrors(zeros, new Set(['cost'] as const), false)).toEqual({});
    expect(visibleErrors(zeros, new Set(), true).form).toMatch(/At least one weight/);
  });

  it('counts the fields to fix and names the first in page order, for focus and the message by Save', () => {
    const { errors } = parseDefaultWeights({ ...weightDraft(DEFAULTS), cost: '5', speed: 'abc' });
    expect(invalidFields(errors, ['capability', 'success', 'speed', 'deadline', 'load', 'zone', 'cost', 'fairness'])).toEqual({ count: 2, first: 'speed' });
    expect(invalidFields({ form: 'x' }, ['cost'])).toEqual({ count: 0, first: null });
    expect(fieldsToFixText(1)).toBe('Not saved: 1 field needs fixing.');
    expect(fieldsToFixText(2)).toBe('Not saved: 2 fields need fixing.');
  });
});

describe("a task type's own weights", () => {
  it('starts from its own values, the others showing the defaults unticked', () => {
    const draft = typeWeightsDraft('weld', { success: 0.5 }, DEFAULTS);
    expect(draft.own.success).toEqual({ on: true, value: '0.5' });
    expect(draft.own.cost).toEqual({ on: false, value: '0.05' });
  });

  it('replaces the type’s own weights with exactly the ticked ones', () => {
    const draft = typeWeightsDraft('weld', { success: 0.5, cost: 0.2 }, DEFAULTS);
    draft.own.cost.on = false;
    draft.own.zone = { on: true, value: '0.6' };
    expect(parseTypeWeights(draft, { defaults: DEFAULTS, existingTypes: ['weld'], isNew: false })).toEqual({
      input: { taskType: 'weld', weights: { success: 0.5, zone: 0.6 }, replace: true },
      errors: {},
    });
  });

  it('checks the type name, a type that has weights already, bad values, and that something is its own', () => {
    const context = { defaults: DEFAULTS, existingTypes: ['weld'], isNew: true };
    const empty = parseTypeWeights(typeWeightsDraft('', {}, DEFAULTS), context);
    expect(empty.input).toBeNull();
    expect(empty.errors.taskType).toBe('Required.');
    expect(empty.errors.form).toMatch(/at least one weight of its own/);
    expect(parseTypeWeights(typeWeightsDraft('weld seam!', { cost: 1 }, DEFAULTS), context).errors.taskType).toMatch(/^Letters, digits/);
    expect(parseTypeWeights(typeWeightsDraft('weld', { cost: 1 }, DEFAULTS), context).errors.taskType).toBe('weld has its own weights already: edit it in the list.');
    const draft = typeWeightsDraft('paint', { cost: 1 }, DEFAULTS);
    draft.own.cost.value = 'lots';
    expect(parseTypeWeights(draft, context).errors).toEqual({ cost: 'Enter a number from 0 to 1, e.g. 0.25.' });
  });

  it('refuses own weights that leave every component of the type at 0', () => {
    const result = parseTypeWeights(typeWeightsDraft('paint', ZERO, ZERO), { defaults: ZERO, existingTypes: [], isNew: true });
    expect(result.input).toBeNull();
    expect(result.errors.form).toMatch(/must be above 0/);
  });
});

describe('exploration and timing', () => {
  it('shows the rate as a percentage and sends only the fields that changed', () => {
    const draft = timingDraft(SETTINGS);
    expect(draft).toEqual({ explorationPercent: '5', timeZone: 'UTC', humanOfferMinutes: '10', pullMarginPoints: '5', pullHoldSeconds: '15' });
    expect(parseTiming(draft, SETTINGS)).toEqual({ input: {}, errors: {} });
    expect(parseTiming({ ...draft, explorationPercent: '12.5', timeZone: 'Europe/Berlin' }, SETTINGS).input).toEqual({
      explorationRate: 0.125,
      timeZone: 'Europe/Berlin',
    });
  });

  it('shows the pull margin as points of 100 and sends the margin and hold time that changed', () => {
    const draft = timingDraft({ ...SETTINGS, pullMargin: 0.025, pullHoldSeconds: 0 });
    expect(draft).toMatchObject({ pullMarginPoints: '2.5', pullHoldSeconds: '0' });
    expect(parseTiming({ ...timingDraft(SETTINGS), pullMarginPoints: ' 12,5 ', pullHoldSeconds: '0' }, SETTINGS)).toEqual({
      input: { pullMargin: 0.125, pullHoldSeconds: 0 },
      errors: {},
    });
    expect(parseTiming({ ...timingDraft(SETTINGS), pullMarginPoints: '0', pullHoldSeconds: '600' }, SETTINGS).input).toEqual({ pullMargin: 0, pullHoldSeconds: 600 });
    expect(parseTiming({ ...timingDraft(SETTINGS), pullMarginPoints: '50' }, SETTINGS).input).toEqual({ pullMargin: 0.5 });
  });

  it('refuses a pull margin or hold time out of range, and sends nothing', () => {
    for (const bad of ['', '-1', '50.5', '60', '2.55', 'five', '1e1']) {
      const { input, errors } = parseTiming({ ...timingDraft(SETTINGS), pullMarginPoints: bad, pullHoldSeconds: '30' }, SETTINGS);
      expect(input).toBeNull();
      expect(errors).toEqual({ pullMarginPoints: 'Enter points from 0 to 50, at most one decimal, e.g. 5.' });
    }
    for (const bad of ['', '-1', '601', '1.5', 'soon']) {
      const { input, errors } = parseTiming({ ...timingDraft(SETTINGS), pullMarginPoints: '10', pullHoldSeconds: bad }, SETTINGS);
      expect(input).toBeNull();
      expect(errors).toEqual({ pullHoldSeconds: 'Enter whole seconds from 0 to 600.' });
    }
  });

  it('says the pull rule in plain words with the values given', () => {
    expect(pullRuleText(0.05, 15)).toBe(
      'When an agent asks for work, it takes a task unless a free agent fits it better by more than 5 points of 100; then the task waits for that agent at most 15 s.',
    );
    expect(pullRuleText(0, 120)).toBe('When an agent asks for work, it takes a task unless a free agent fits it better at all; then the task waits for that agent at most 120 s.');
    expect(pullRuleText(0.2, 0)).toBe('When an agent asks for work, it takes every task it qualifies for at once: tasks never wait for a better-fitting agent.');
  });

  it('explains each bad field', () => {
    const base = timingDraft(SETTINGS);
    const { input, errors } = parseTiming({ ...base, explorationPercent: '60', timeZone: 'Mars/Olympus', humanOfferMinutes: '2.5' }, SETTINGS);
    expect(input).toBeNull();
    expect(errors.explorationPercent).toBe('Enter a percentage from 0 to 50, e.g. 5.');
    expect(errors.timeZone).toMatch(/“Mars\/Olympus” is not a time zone this computer knows/);
    expect(errors.humanOfferMinutes).toBe('Enter whole minutes from 1 to 1440.');
    expect(parseTiming({ ...base, explorationPercent: '5', timeZone: ' ', humanOfferMinutes: '0' }, SETTINGS).errors).toEqual({
      timeZone: 'Enter the site’s time zone, e.g. Europe/Berlin.',
      humanOfferMinutes: 'Enter whole minutes from 1 to 1440.',
    });
  });

  it('knows IANA time zones and UTC, not made-up ones', () => {
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('UTC')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
    expect(isKnownTimeZone('')).toBe(false);
  });
});

describe('errorField', () => {
  it('finds the field a refusal is about, from the service or the first zod issue', () => {
    expect(errorField({ field: 'timeZone' })).toBe('timeZone');
    expect(errorField({ issues: [{ path: 'weights.cost', message: 'Too big' }] })).toBe('weights');
    expect(errorField({ issues: [{ path: '', message: 'x' }] })).toBeNull();
    expect(errorField(undefined)).toBeNull();
  });
});

describe('zone distances', () => {
  const TABLE = [
    { a: 'Cell A', b: 'Cell B', distance: 0.25 },
    { a: 'Cell A', b: 'Warehouse', distance: 1 },
  ];

  it('round-trips the table through the form and sees when nothing changed', () => {
    const rows = zoneDistanceRows(TABLE);
    expect(rows).toEqual([
      { key: 1, a: 'Cell A', b: 'Cell B', distance: '0.25' },
      { key: 2, a: 'Cell A', b: 'Warehouse', distance: '1' },
    ]);
    expect(parseZoneDistances(rows, TABLE)).toEqual({ pairs: TABLE, changed: false, errors: { rows: {} } });
    expect(zoneDistanceRows(undefined)).toEqual([]);
  });

  it('adds a near row with a fresh key, trims the zones and sends the whole table', () => {
    const rows = addZoneDistanceRow(zoneDistanceRows(TABLE).filter((r) => r.key !== 1));
    expect(rows[1]).toEqual({ key: 3, a: '', b: '', distance: '0.25' });
    rows[1] = { ...rows[1]!, a: ' Paint shop ', b: 'Cell B', distance: '0.5' };
    expect(parseZoneDistances(rows, TABLE)).toEqual({
      pairs: [
        { a: 'Cell A', b: 'Warehouse', distance: 1 },
        { a: 'Paint shop', b: 'Cell B', distance: 0.5 },
      ],
      changed: true,
      errors: { rows: {} },
    });
    expect(parseZoneDistances([], TABLE)).toMatchObject({ pairs: [], changed: true });
  });

  it('names what is wrong in each row: a missing zone, a zone with itself, a pair listed twice either way round, a bad distance', () => {
    const rows = [
      { key: 1, a: 'Cell A', b: 'Cell B', distance: '0.25' },
      { key: 2, a: '', b: 'Cell B', distance: '0.5' },
      { key: 3, a: 'Cell C', b: ' Cell C', distance: '0.5' },
      { key: 4, a: 'Cell B', b: 'Cell A', distance: '0.5' },
      { key: 5, a: 'Cell D', b: 'x'.repeat(65), distance: 'far' },
    ];
    const { pairs, errors } = parseZoneDistances(rows, []);
    expect(pairs).toBeNull();
    expect(errors.rows).toEqual({
      2: { a: 'Enter a zone, or remove the row.' },
      3: { b: 'Pick another zone: a zone is always at distance 0 from itself.' },
      4: { b: 'Cell B and Cell A are in row 1 already.' },
      5: { b: 'At most 64 characters.', distance: 'Choose how far apart they are.' },
    });
    expect(errors.form).toBeUndefined();
  });

  it('refuses more pairs than the site may keep, as a whole', () => {
    const many = Array.from({ length: 201 }, (_, i) => ({ key: i + 1, a: 'Hub', b: `Cell ${i}`, distance: '0.5' }));
    expect(parseZoneDistances(many, []).errors.form).toBe('At most 200 pairs of zones: remove 1.');
  });

  it('offers the levels, keeps a distance set elsewhere as its own choice, and says what each means', () => {
    expect(zoneDistanceOptions('0.25').map((o) => o.value)).toEqual(['0', '0.25', '0.5', '1']);
    expect(zoneDistanceOptions('0.9').at(-1)).toEqual({ value: '0.9', label: 'Other (0.9)' });
    expect(zonePointsText('0.25')).toBe('75 % of the zone points');
    expect(zonePointsText('0')).toMatch(/^Full zone points/);
    expect(zonePointsText('1')).toMatch(/^No zone points/);
  });

  it('warns, without refusing, about a zone that differs from another in the table only in capitals or spaces', () => {
    const rows = [
      { key: 1, a: 'Cell A', b: 'Cell B', distance: '0.25' },
      { key: 2, a: 'cell a', b: ' Warehouse ', distance: '1' },
      { key: 7, a: 'CELL B', b: 'Warehouse', distance: '0.5' },
    ];
    const rule = 'zone names must match exactly, capitals and spaces included.';
    expect(zoneNameWarnings(rows, [])).toEqual({
      2: { a: `Not the same as “Cell A” in row 1: ${rule}` },
      7: { a: `Not the same as “Cell B” in row 1: ${rule}` },
    });
    // The audit's case: one pair, the same zone in two spellings; it still saves.
    const pair = [{ key: 1, a: 'Cell A', b: 'cell a', distance: '0.25' }];
    expect(zoneNameWarnings(pair, [])).toEqual({ 1: { b: `Not the same as “Cell A” in row 1: ${rule}` } });
    expect(parseZoneDistances(pair, []).pairs).toEqual([{ a: 'Cell A', b: 'cell a', distance: 0.25 }]);
  });

  it('follows the spelling of the zones agents are in, naming who is there', () => {
    const agents = [
      { name: 'Forklift A', zone: 'Cell A' },
      { name: 'Welder 1', zone: 'Paint Shop' },
      { name: 'Welder 2', zone: 'Paint Shop' },
      { name: 'Ana', zone: null },
    ];
    const rows = [
      { key: 1, a: 'cell a', b: 'Cell A ', distance: '0.25' },
      { key: 2, a: 'paint shop', b: 'Dock', distance: '1' },
      { key: 3, a: 'dock', b: '', distance: '1' },
    ];
    const rule = 'zone names must match exactly, capitals and spaces included.';
    expect(zoneNameWarnings(rows, agents)).toEqual({
      1: { a: `Not the same as “Cell A”, the zone Forklift A is in: ${rule}` },
      2: { a: `Not the same as “Paint Shop”, the zone Welder 1 and 1 more are in: ${rule}` },
      3: { a: `Not the same as “Dock” in row 2: ${rule}` },
    });
    // Spelled as the agents have it, or as nobody else does: nothing to say.
    expect(zoneNameWarnings([{ key: 1, a: 'Cell A', b: 'Paint Shop', distance: '0.5' }], agents)).toEqual({});
    expect(zoneNameWarnings([{ key: 1, a: 'Cell A', b: 'Cell A1', distance: '0.5' }], [])).toEqual({});
  });

  it('suggests the zones agents are in and those in the table, once each, sorted', () => {
    expect(zoneSuggestions([{ zone: 'Cell B' }, { zone: null }, { zone: 'Assembly' }, { zone: 'Cell B' }], TABLE)).toEqual([
      'Assembly',
      'Cell A',
      'Cell B',
      'Warehouse',
    ]);
  });
});
