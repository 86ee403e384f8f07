// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ID_A, ID_B } from '../testing/fakes';
import { buildSimulateInput, EMPTY_WHAT_IF, newChange, newScenario, suggestedName, type ScenarioChange, type WhatIfDraft } from './scenario';

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

describe('suggestedName', () => {
  it('names a default-named scenario after its changes, and leaves named ones alone', () => {
    const names = (id: string) => (id === ID_B ? 'Welder R2' : 'Ann');
    const s = scenario('Scenario 2', { ...newChange('add'), name: 'Welder R9' }, { ...newChange('remove'), agentId: ID_B });
    expect(suggestedName(s, names)).toBe('+ Welder R9, − Welder R2');
    expect(suggestedName({ ...s, name: 'Mine', autoName: false }, names)).toBeNull();
    expect(suggestedName(scenario('Scenario 3'), names)).toBeNull();
  });
});
