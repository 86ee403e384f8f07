// "Why this agent?" and "Why not X?" for the task drawer, from a recorded decision
// (`delegation.explain`). The host writes the sentences; this turns the numbers behind them into
// rows people can compare (winner vs runner-up per score component) and one list of who else was
// considered or kept out, and why. Pure, so it is tested in node.
import { DELEGATION_COMPONENTS, type CandidateDto, type DecisionDto, type DelegationComponent, type TaskDelegationDto, type WhyNotNowDto } from '../../../preload/contract';

export const COMPONENT_LABELS: Record<DelegationComponent, string> = {
  capability: 'Skill fit',
  success: 'Predicted success',
  speed: 'Expected finish',
  deadline: 'Deadline',
  load: 'Current load',
  zone: 'Way to the work',
  cost: 'Cost',
  fairness: 'Fair share',
};

export const COMPONENT_HINTS: Record<DelegationComponent, string> = {
  capability: 'A close skill match keeps scarce higher-level agents free for the work only they can do.',
  success: 'How likely the agent is to get this type of task done, learned from its outcomes.',
  speed: 'How soon it is expected to finish: the wait for a free slot plus the typical duration.',
  deadline: 'The chance of finishing before the deadline.',
  load: 'How much of its capacity is free.',
  zone: 'How near it works to where the task is.',
  cost: 'Expected cost of the work at its hourly rate.',
  fairness: 'Among people: less recent work scores higher.',
};

/** 0.873 -> "87%". */
export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return `${Math.round(Math.max(0, Math.min(1, value)) * 100)}%`;
}

/** A total or component score, two decimals. */
export function formatScore(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '—';
}

export interface ComponentRow {
  component: DelegationComponent;
  label: string;
  hint: string;
  /** The weight this task type gives the component (0..1). */
  weight: number;
  winner: number;
  runnerUp: number | null;
  /** weight x (winner - runner-up) as a share of all weight: what this component did for the win. */
  edge: number | null;
}

/**
 * One row per component that counts for this task type (weight above 0), the ones that decided
 * most first (largest weighted gap between winner and runner-up; by weight alone without a runner-up).
 */
export function componentRows(decision: Pick<DecisionDto, 'weights' | 'winner' | 'runnerUp'>): ComponentRow[] {
  const { winner, runnerUp, weights } = decision;
  if (!winner) return [];
  const weightSum = DELEGATION_COMPONENTS.reduce((sum, name) => sum + Math.max(0, weights[name]), 0);
  const rows = DELEGATION_COMPONENTS.filter((name) => weights[name] > 0).map((name): ComponentRow => {
    const weight = weights[name];
    const edge = runnerUp && weightSum > 0 ? (weight * (winner.components[name] - runnerUp.components[name])) / weightSum : null;
    return {
      component: name,
      label: COMPONENT_LABELS[name],
      hint: COMPONENT_HINTS[name],
      weight,
      winner: clamp01(winner.components[name]),
      runnerUp: runnerUp ? clamp01(runnerUp.components[name]) : null,
      edge,
    };
  });
  return rows.sort((a, b) => (b.edge !== null && a.edge !== null ? Math.abs(b.edge) - Math.abs(a.edge) : 0) || b.weight - a.weight);
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(1, value)) : 0;
}

/** Who decided, in words: "Chosen by the engine", "Asked for work", "Pinned by sam", "Re-assigned by sam". */
export function decisionSource(decision: Pick<DecisionDto, 'source' | 'actor' | 'explored' | 'agentId'>): string {
  if (decision.agentId === null) return 'No agent could take it';
  switch (decision.source) {
    case 'pin':
      return decision.actor ? `Pinned by ${decision.actor}` : 'Pinned by a supervisor';
    case 'reassign':
      return decision.actor ? `Re-assigned by ${decision.actor}` : 'Re-assigned by a supervisor';
    case 'pull':
      // The agent asked and the engine weighed it against the agents free to take the task.
      return 'Asked for work';
    default:
      return decision.explored ? 'Chosen by the engine (exploring)' : 'Chosen by the engine';
  }
}

/** The winner's predictions in a few words: "87% likely to succeed · expected done in 12 min · from 14 recent outcomes". */
export function predictionSummary(candidate: CandidateDto, formatDuration: (ms: number) => string): string {
  const p = candidate.predicted;
  const finish = Math.max(0, p.waitMs + p.durationMs);
  // "About" a time: whole seconds are plenty.
  const parts = [`${formatPercent(p.success)} likely to succeed`, `done in about ${formatDuration(finish >= 1000 ? Math.round(finish / 1000) * 1000 : Math.round(finish))}`];
  if (p.onTime !== null) parts.push(`${formatPercent(p.onTime)} on time`);
  parts.push(evidenceWords(p.evidence));
  return parts.join(' · ');
}

/** How much the prediction stands on: "no record yet", "from 1 recent outcome", "from 14 recent outcomes". */
export function evidenceWords(evidence: number): string {
  const n = Math.round(evidence);
  if (n <= 0) return 'no record yet (prior from skills)';
  return `from ${n} recent outcome${n === 1 ? '' : 's'}`;
}

export type WhyNotKind = 'lower' | 'excluded' | 'by-hand';

export interface WhyNotEntry {
  agentId: string;
  name: string;
  kind: WhyNotKind;
  /** The plain sentence. */
  text: string;
  /** Lower-scored candidates: their total, to sort and show. */
  total: number | null;
  /** Kept out by rules: each reason on its own. */
  reasons: string[];
}

export const WHY_NOT_LABELS: Record<WhyNotKind, string> = {
  lower: 'Lower score',
  excluded: 'Could not take it',
  'by-hand': 'Excluded by hand',
};

/**
 * Everyone but the winner: candidates that scored lower (best first), then agents kept out by a
 * rule, then agents a person excluded after the decision. The host's "Why not" sentence wins;
 * rule reasons fill in when it has none.
 */
export function whyNotEntries(delegation: Pick<TaskDelegationDto, 'decision' | 'exclusions'>): WhyNotEntry[] {
  const decision = delegation.decision;
  const out: WhyNotEntry[] = [];
  const seen = new Set<string>();
  if (decision) {
    const texts = new Map(decision.whyNot.map((entry) => [entry.agentId, entry.text]));
    if (decision.agentId) seen.add(decision.agentId);
    for (const candidate of [...decision.candidates].sort((a, b) => b.total - a.total)) {
      if (seen.has(candidate.agentId)) continue;
      seen.add(candidate.agentId);
      out.push({
        agentId: candidate.agentId,
        name: candidate.name,
        kind: 'lower',
        text: texts.get(candidate.agentId) ?? `${candidate.name} scored ${formatScore(candidate.total)}.`,
        total: candidate.total,
        reasons: [],
      });
    }
    for (const excluded of decision.excluded) {
      if (seen.has(excluded.agentId)) continue;
      seen.add(excluded.agentId);
      const reasons = excluded.rules.map((rule) => rule.reason);
      out.push({
        agentId: excluded.agentId,
        name: excluded.name,
        kind: 'excluded',
        text: texts.get(excluded.agentId) ?? `${excluded.name} could not take this task: ${reasons.join('; ')}.`,
        total: null,
        reasons,
      });
    }
  }
  for (const exclusion of delegation.exclusions) {
    if (seen.has(exclusion.agentId)) continue;
    seen.add(exclusion.agentId);
    const name = exclusion.agentName ?? exclusion.agentId;
    out.push({
      agentId: exclusion.agentId,
      name,
      kind: 'by-hand',
      text: `${name} is kept off this task: ${exclusion.reason}`,
      total: null,
      reasons: [exclusion.reason],
    });
  }
  return out;
}

/**
 * The agents "Ask about another agent" offers: every agent the drawer does not already explain
 * (not the decision's own agent, not one under "Why not …?"), by name. A recorded decision keeps
 * only so many, so in a large fleet most agents are asked about this way.
 */
export function askableAgents<A extends { id: string; name: string }>(agents: readonly A[], delegation: Pick<TaskDelegationDto, 'decision' | 'exclusions'>): A[] {
  const listed = new Set(whyNotEntries(delegation).map((entry) => entry.agentId));
  const chosen = delegation.decision?.agentId;
  return agents.filter((agent) => agent.id !== chosen && !listed.has(agent.id)).sort((a, b) => a.name.localeCompare(b.name));
}

export const WHY_NOT_NOW_LABELS: Record<WhyNotNowDto['kind'], string> = {
  chosen: 'Would be chosen now',
  lower: 'Lower score',
  excluded: 'Could not take it',
};

/** The label on an answer worked out now, so nobody takes it for the recorded reason. */
export function asOfNowLabel(decidedAt: number | null, formatTime: (ms: number) => string): string {
  return decidedAt === null ? 'As of now (no decision has been recorded for this task)' : `As of now (the decision was made at ${formatTime(decidedAt)})`;
}

/** The short words for why an agent was kept off a task by hand or by what happened. */
export function exclusionKindLabel(kind: string): string {
  switch (kind) {
    case 'supervisor':
      return 'Excluded by a supervisor';
    case 'declined':
      return 'Declined it';
    case 'offer_timeout':
      return 'Did not take the offer in time';
    case 'failed':
      return 'Failed it before';
    default:
      return kind.replace(/_/g, ' ');
  }
}
