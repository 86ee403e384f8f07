// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ID_A, ID_B } from '../testing/fakes';
import {
  buildSimulateInput,
  EMPTY_WHAT_IF,
  localDateTimeText,
  newChange,
  newScenario,
  readLocalDateTime,
  suggestedName,
  tomorrowShiftStart,
  type ScenarioChange,
  type WhatIfDraft,
} from './scenario';

function draft(patch: Partial<WhatIfDraft> = {}): WhatIfDraft {
  return { ...EMPTY_WHAT_IF, ...patch };
}

function scenario(name: string, ...changes: ScenarioChange[]) {
  return { ...newScenario(1), name, changes };
}

describe('buildSimulateInput', () => {
  it('maps the base alone: the current queue, horizon and seed', () => {
    expect(buildSimulateInput(draft({ seed: '42', horizonHours: '8' }))).toEqual({ input: { source: 'queue', horizonHours: 8, seed: 42, scenarios: [] }, errors: {} });
  });

  it('maps each kind of change onto its scenario', () => {
    const add = { ...newChange('add'), name: 'Welder R9', agentKind: 'robot' as const, skills: 'weld:4', capacity: '2' };
    const like = { ...newChange('add'), name: 'Ann 2', agentKind: 'human' as const, likeAgentId: ID_A, capacity: '' };
    const remove = { ...newChange('remove'), agentId: ID_B };
    const shift = { ...newChange('shift'), agentId: ID_A, availability: 'shift 14:00-22:00 Mon-Fri; break 18:00-18:30' };
    const weights = newChange('weights', { weights: { success: 0.4 } });
    weights.weights.speed = '0.6';
    const { input, errors } = buildSimulateInput(draft({ scenarios: [scenario('More welders', add, like), scenario('Late shift', remove, shift), scenario('Speed first', weights)] }));
    expect(errors).toEqual({});
    expect(input!.scenarios).toEqual([
      {
        name: 'More welders',
        addAgents: [
          { name: 'Welder R9', kind: 'robot', skills: { weld: 4 }, capacity: 2 },
          { name: 'Ann 2', kind: 'human', likeAgentId: ID_A },
        ],
      },
      {
        name: 'Late shift',
        removeAgentIds: [ID_B],
        shifts: [
          {
            agentId: ID_A,
            availability: [
              { kind: 'shift', start: '14:00', end: '22:00', days: [1, 2, 3, 4, 5] },
              { kind: 'break', start: '18:00', end: '18:30' },
            ],
          },
        ],
      },
      { name: 'Speed first', weights: { success: 0.4, speed: 0.6 } },
    ]);
  });

  it('sends the CSV text for a CSV source and asks for one', () => {
    expect(buildSimulateInput(draft({ source: 'csv' })).errors).toEqual({ csv: 'Choose a CSV file of tasks.' });
    const { input } = buildSimulateInput(draft({ source: 'csv', csv: 'type\nweld.seam\n', csvName: 'orders.csv' }));
    expect(input).toMatchObject({ source: 'csv', csv: 'type\nweld.seam\n' });
  });

  it('names every field that needs fixing, by its path', () => {
    const add = { ...newChange('add'), name: ' ', skills: 'weld:9', capacity: '0' };
    const remove = newChange('remove');
    const weights = newChange('weights');
    weights.weights.cost = '2';
    const { input, errors } = buildSimulateInput(
      draft({ seed: '-1', horizonHours: '0', scenarios: [scenario('A', add, remove), scenario('a', weights), scenario('Empty')] }),
    );
    expect(input).toBeNull();
    expect(errors).toMatchObject({
      seed: expect.any(String),
      horizonHours: 'From 1 to 336 hours.',
      'scenarios.0.changes.0.name': 'Name the new agent.',
      'scenarios.0.changes.0.skills': '“weld:9”: the level must be a whole number from 1 to 5.',
      'scenarios.0.changes.0.capacity': 'A whole number from 1 to 1000.',
      'scenarios.0.changes.1.agentId': 'Pick the agent to remove.',
      'scenarios.1.name': 'Another scenario has this name.',
      'scenarios.1.changes.0.weights.cost': 'From 0 to 1.',
      'scenarios.2.changes': 'Add at least one change.',
    });
  });

  it('asks a new agent for skills unless it copies an existing one', () => {
    const add = { ...newChange('add'), name: 'Bot' };
    expect(buildSimulateInput(draft({ scenarios: [scenario('S', add)] })).errors).toEqual({ 'scenarios.0.changes.0.skills': 'Give it skills, or copy an existing agent.' });
  });
});

describe('the start', () => {
  // Monday 2 March 2026, 09:00 on this computer's clock (tests run in any zone).
  const now = new Date(2026, 2, 2, 9, 0).getTime();

  it('sends no start for Now, and a typed or tomorrow start as ms on this computer’s clock', () => {
    expect(buildSimulateInput(draft({ startAt: '2026-03-03T06:00' }), now).input).not.toHaveProperty('startAt');
    for (const start of ['tomorrow', 'at'] as const) {
      const { input, errors } = buildSimulateInput(draft({ start, startAt: '2026-03-03T06:00' }), now);
      expect(errors).toEqual({});
      expect(input!.startAt).toBe(new Date(2026, 2, 3, 6, 0).getTime());
    }
  });

  it('refuses a missing, past or too distant start, with a minute’s grace', () => {
    const at = (startAt: string) => buildSimulateInput(draft({ start: 'at', startAt }), now);
    expect(at('').errors).toEqual({ startAt: 'Pick a date and time.' });
    expect(at('2026-02-30T06:00').errors).toEqual({ startAt: 'Pick a date and time.' });
    expect(at('2026-03-02T08:58')).toEqual({ input: null, errors: { startAt: 'This time has passed. Pick a later one, or Now.' } });
    expect(at('2026-03-02T08:59:30').input!.startAt).toBe(now - 30_000);
    const fortnight = 14 * 86_400_000;
    expect(at(localDateTimeText(now + fortnight)).errors).toEqual({});
    expect(at(localDateTimeText(now + fortnight + 60_000)).errors).toEqual({ startAt: 'At most 14 days ahead.' });
  });

  it('reads and writes datetime-local text', () => {
    expect(localDateTimeText(new Date(2026, 0, 5, 7, 3).getTime())).toBe('2026-01-05T07:03');
    expect(readLocalDateTime('2026-01-05T07:03')).toBe(new Date(2026, 0, 5, 7, 3).getTime());
    for (const bad of ['2026-13-01T06:00', '2026-01-05T24:00', '2026-01-05 07:03', 'tomorrow']) expect(readLocalDateTime(bad)).toBeNull();
  });

  it('finds tomorrow’s earliest shift start on the site’s clock, 06:00 when nobody has a shift', () => {
    const mondayNoonUtc = Date.UTC(2026, 2, 2, 12, 0);
    const agents = [
      { availability: [{ kind: 'shift' as const, start: '07:00', end: '15:00' }] },
      // Tomorrow is a Tuesday (2): the Monday-only early shift does not count, nor maintenance.
      { availability: [{ kind: 'shift' as const, start: '05:00', end: '13:00', days: [1] }, { kind: 'maintenance' as const, start: '04:00', end: '05:00' }] },
      { availability: [{ kind: 'shift' as const, start: '06:30', end: '14:30', days: [2, 3] }] },
    ];
    expect(tomorrowShiftStart(agents, mondayNoonUtc, 'UTC')).toEqual({ clock: '06:30', startAt: localDateTimeText(Date.UTC(2026, 2, 3, 6, 30)) });
    expect(tomorrowShiftStart([], mondayNoonUtc, 'UTC')).toEqual({ clock: '06:00', startAt: localDateTimeText(Date.UTC(2026, 2, 3, 6, 0)) });
    // A one-off shift counts on its own date only.
    const extra = (date: string) => ({ availability: [{ kind: 'shift' as const, start: '04:30', end: '08:00', date }] });
    expect(tomorrowShiftStart([...agents, extra('2026-03-04')], mondayNoonUtc, 'UTC').clock).toBe('06:30');
    expect(tomorrowShiftStart([...agents, extra('2026-03-03')], mondayNoonUtc, 'UTC').clock).toBe('04:30');
    // 06:00 in Berlin (winter time) is 05:00 UTC; at 23:30 UTC it is already Tuesday in Berlin.
    expect(tomorrowShiftStart([], mondayNoonUtc, 'Europe/Berlin').startAt).toBe(localDateTimeText(Date.UTC(2026, 2, 3, 5, 0)));
    expect(tomorrowShiftStart([], Date.UTC(2026, 2, 2, 23, 30), 'Europe/Berlin').startAt).toBe(localDateTimeText(Date.UTC(2026, 2, 4, 5, 0)));
  });
});

describe('suggestedName', () => {
  it('names a default-named scenario after its changes, and leaves named ones alone', () => {
    const names = (id: string) => (id === ID_B ? 'Welder R2' : 'Ann');
    const s = scenario('Scenario 2', { ...newChange('add'), name: 'Welder R9' }, { ...newChange('remove'), agentId: ID_B });
    expect(suggestedName(s, names)).toBe('+ Welder R9, − Welder R2');
    expect(suggestedName({ ...s, name: 'Mine', autoName: false }, names)).toBeNull();
    expect(suggestedName(scenario('Scenario 3'), names)).toBeNull();
  });
});
