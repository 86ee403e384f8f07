// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ID_A, ID_B, sampleDecision } from '../testing/fakes';
import { asOfNowLabel, askableAgents, componentRows, decisionSource, evidenceWords, formatPercent, predictionSummary, whyNotEntries } from './explanation';

describe('componentRows', () => {
  it('lists only weighted components, the one that decided most first, with winner and runner-up values', () => {
    const rows = componentRows(sampleDecision());
    expect(rows.map((r) => r.component)).not.toContain('deadline');
    expect(rows.map((r) => r.component)).not.toContain('zone');
    expect(rows[0]).toMatchObject({ component: 'success', label: 'Predicted success', weight: 0.4, winner: 0.95, runnerUp: 0.7 });
    // 0.4 x (0.95 - 0.7) over a weight sum of 1.
    expect(rows[0]!.edge).toBeCloseTo(0.1);
    // Speed went to the runner-up: a negative edge, still listed.
    expect(rows.find((r) => r.component === 'speed')!.edge).toBeLessThan(0);
  });

  it('orders by weight when there is no runner-up, and is empty without a winner', () => {
    const rows = componentRows(sampleDecision({ runnerUp: null }));
    expect(rows[0]).toMatchObject({ component: 'success', runnerUp: null, edge: null });
    expect(rows[1]!.component).toBe('speed');
    expect(componentRows(sampleDecision({ winner: null, runnerUp: null }))).toEqual([]);
  });

  it('clamps scores outside 0..1 so bars never overflow', () => {
    const decision = sampleDecision();
    decision.winner!.components.success = 1.4;
    expect(componentRows(decision)[0]!.winner).toBe(1);
  });
});

describe('decisionSource', () => {
  it('names the engine, an exploration pick, an agent that asked for work, a pin or a re-assignment by whom, or nobody', () => {
    expect(decisionSource(sampleDecision())).toBe('Chosen by the engine');
    expect(decisionSource(sampleDecision({ explored: true }))).toBe('Chosen by the engine (exploring)');
    expect(decisionSource(sampleDecision({ source: 'pin', actor: 'sam' }))).toBe('Pinned by sam');
    expect(decisionSource(sampleDecision({ source: 'pull' }))).toBe('Asked for work');
    expect(decisionSource(sampleDecision({ source: 'reassign', actor: null }))).toBe('Re-assigned by a supervisor');
    expect(decisionSource(sampleDecision({ agentId: null }))).toBe('No agent could take it');
  });
});

describe('whyNotEntries', () => {
  it('lists lower-scored candidates (best first) with the host’s sentence, then agents kept out with their reasons', () => {
    const entries = whyNotEntries({ decision: sampleDecision(), exclusions: [] });
    expect(entries.map((e) => [e.name, e.kind])).toEqual([
      ['Welder R5', 'lower'],
      ['Painter P1', 'excluded'],
    ]);
    expect(entries[0]!.text).toMatch(/^Welder R5 scored 0.64/);
    expect(entries[1]!.reasons).toEqual(['weld level 0 < required 3']);
    expect(entries[1]!.text).toBe('Painter P1 could not take this task: weld level 0 < required 3.');
  });

  it('adds agents excluded by hand after the decision, once', () => {
    const exclusions = [
      { agentId: 'X9', agentName: 'Welder R9', reason: 'Torch being serviced', kind: 'supervisor', actor: 'sam', at: 1 },
      { agentId: ID_A, agentName: 'Welder R5', reason: 'again', kind: 'supervisor', actor: 'sam', at: 2 },
    ];
    const entries = whyNotEntries({ decision: sampleDecision(), exclusions });
    expect(entries.filter((e) => e.agentId === ID_A)).toHaveLength(1);
    expect(entries[entries.length - 1]).toMatchObject({ name: 'Welder R9', kind: 'by-hand', text: 'Welder R9 is kept off this task: Torch being serviced' });
  });

  it('never lists the winner, and works before any decision', () => {
    expect(whyNotEntries({ decision: sampleDecision(), exclusions: [] }).some((e) => e.agentId === ID_B)).toBe(false);
    expect(whyNotEntries({ decision: null, exclusions: [] })).toEqual([]);
  });
});

describe('wording', () => {
  it('formats percentages and evidence in plain words', () => {
    expect(formatPercent(0.873)).toBe('87%');
    expect(formatPercent(1.2)).toBe('100%');
    expect(formatPercent(Number.NaN)).toBe('—');
    expect(evidenceWords(0.2)).toBe('no record yet (prior from skills)');
    expect(evidenceWords(1)).toBe('from 1 recent outcome');
    expect(evidenceWords(13.6)).toBe('from 14 recent outcomes');
  });

  it('summarises the winner’s predictions', () => {
    const winner = sampleDecision().winner!;
    expect(predictionSummary(winner, (ms) => `${ms / 60_000} min`)).toBe('90% likely to succeed · done in about 10 min · from 12 recent outcomes');
    expect(predictionSummary({ ...winner, predicted: { ...winner.predicted, onTime: 0.5 } }, () => 'x')).toContain('50% on time');
  });
});

describe('askableAgents', () => {
  const agent = (id: string, name: string) => ({ id, name });
  it('offers every agent the drawer does not already explain, by name', () => {
    const agents = [agent('Z1', 'Welder R9'), agent(ID_B, 'Welder R2'), agent(ID_A, 'Welder R5'), agent('P1', 'Painter P1'), agent('X9', 'Ann Weber'), agent('K7', 'Kit')];
    const exclusions = [{ agentId: 'K7', agentName: 'Kit', reason: 'away', kind: 'supervisor', actor: 'sam', at: 1 }];
    expect(askableAgents(agents, { decision: sampleDecision(), exclusions }).map((a) => a.name)).toEqual(['Ann Weber', 'Welder R9']);
  });

  it('offers everyone before the first decision', () => {
    expect(askableAgents([agent(ID_B, 'B'), agent(ID_A, 'A')], { decision: null, exclusions: [] }).map((a) => a.id)).toEqual([ID_A, ID_B]);
  });
});

describe('asOfNowLabel', () => {
  it('says the answer is of now and when the recorded decision was made', () => {
    expect(asOfNowLabel(1_700_000_000_000, () => '14:05')).toBe('As of now (the decision was made at 14:05)');
    expect(asOfNowLabel(null, () => '14:05')).toBe('As of now (no decision has been recorded for this task)');
  });
});
