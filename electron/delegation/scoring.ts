// Scores feasible candidates for a task from components each in [0, 1], combined with the site's
// weights for the task type (a weighted mean, so the total is in [0, 1] too), and records the
// explanation the UI renders as "Why this agent?" / "Why not X?" (see explain.ts).
//
// Components:
//   capability  1 - wasted skill: levels above the requirement, weighted up when few agents hold
//               that level (so the only level-5 welder is not spent on a level-1 job)
//   success     predicted success probability (the posterior mean, or a Thompson draw)
//   speed       fastest expected duration among qualified agents / this one's wait + duration
//   deadline    P(finish by the deadline) from the log-normal duration; 1 without a deadline
//   load        1 - load / capacity
//   zone        1 in the task's zone, else 1 - distance (0..1, site supplied)
//   cost        cheapest expected cost / this one's; 1 when cost is unknown or zero
//   fairness    people only: least recent work 1 .. most 0; robots and software 1
import type { ExclusionRule } from './feasibility';
import { normalCdf } from './stats';
import type { DelegationAgent, DelegationTask, TaskPriority } from './types';

export const COMPONENTS = ['capability', 'success', 'speed', 'deadline', 'load', 'zone', 'cost', 'fairness'] as const;
export type ComponentName = (typeof COMPONENTS)[number];
export type Components = Record<ComponentName, number>;
export type Weights = Record<ComponentName, number>;

export interface WeightConfig {
  default: Weights;
  /** Per task type, overriding some of the defaults. */
  byType?: Readonly<Record<string, Partial<Weights>>>;
}

export const DEFAULT_WEIGHTS: Weights = {
  capability: 0.1,
  success: 0.3,
  speed: 0.2,
  deadline: 0.15,
  load: 0.1,
  zone: 0.05,
  cost: 0.05,
  fairness: 0.05,
};

export function weightsFor(config: WeightConfig, type: string): Weights {
  const over = config.byType?.[type];
  return over ? { ...config.default, ...over } : config.default;
}

/** What the models predict for one candidate, as the score uses it. */
export interface CandidatePrediction {
  /** Success probability used (mean, or a Thompson draw when exploring). */
  success: number;
  /** Expected duration used, ms. */
  durationMs: number;
  /** ln-median and spread of the duration, for P(on time). */
  logMu: number;
  logSigma: number;
  /** Before it can start, ms. */
  waitMs: number;
  /** Decayed observations behind the estimate (confidence). */
  ess: number;
}

export interface Candidate {
  agent: DelegationAgent;
  prediction: CandidatePrediction;
  /** Recent work (ms) for fairness among people. */
  recentWorkMs: number;
}

/** Facts about the whole field of qualified agents that relative components need. */
export interface ScoringReference {
  /** Fastest expected duration among qualified agents (any status), ms. */
  fastestMs: number;
  /** Lowest known expected cost among candidates; 0: none known. */
  cheapestCost: number;
  /** Range of recent work among people candidates. */
  workMin: number;
  workMax: number;
  /** skill -> holders[level] = qualified agents holding the skill at >= level (index 1..5). */
  holders: Readonly<Record<string, readonly number[]>>;
}

export interface ScoringOptions {
  /** Distance between zones in [0, 1]; default 0 for the same zone, 1 otherwise, 0.5 when unknown. */
  zoneDistance?: (agentZone: string | null, taskZone: string) => number;
}

export interface ScoredCandidate {
  agentId: string;
  total: number;
  components: Components;
}

export function expectedCost(agent: DelegationAgent, durationMs: number): number | null {
  return agent.costPerHour != null && agent.costPerHour > 0 ? (agent.costPerHour * durationMs) / 3_600_000 : null;
}

/** Counts, per required skill, how many of `agents` hold it at each level or more. */
export function skillHolders(requires: Readonly<Record<string, number>> | undefined, agents: Iterable<DelegationAgent>): Record<string, number[]> {
  const holders: Record<string, number[]> = {};
  if (!requires) return holders;
  const skills = Object.keys(requires);
  for (const s of skills) holders[s] = [0, 0, 0, 0, 0, 0];
  for (const a of agents) {
    for (const s of skills) {
      const level = Math.min(5, Math.floor(a.skills[s] ?? 0));
      if (level > 0) holders[s]![level]!++;
    }
  }
  for (const s of skills) {
    const h = holders[s]!;
    for (let l = 4; l >= 1; l--) h[l]! += h[l + 1]!;
  }
  return holders;
}

function defaultZoneDistance(agentZone: string | null, taskZone: string): number {
  if (agentZone === null) return 0.5;
  return agentZone === taskZone ? 0 : 1;
}

/** One row of a site's zone distance table: 0 (the same place) .. 1 (far), either way round. */
export interface ZonePair {
  a: string;
  b: string;
  distance: number;
}

/**
 * The site's table as a zone distance: a listed pair its distance (either order), the same zone
 * 0, another zone not listed 1, an agent without a zone 0.5 (as the default). Looked up without
 * allocating: joint rounds call it for every task x agent pair.
 */
export function zoneDistanceTable(pairs: readonly ZonePair[]): NonNullable<ScoringOptions['zoneDistance']> {
  const table = new Map<string, Map<string, number>>();
  const put = (from: string, to: string, d: number) => {
    let row = table.get(from);
    if (!row) table.set(from, (row = new Map()));
    row.set(to, Math.min(1, Math.max(0, d)));
  };
  for (const p of pairs) {
    if (p.a === p.b) continue;
    put(p.a, p.b, p.distance);
    put(p.b, p.a, p.distance);
  }
  return (agentZone, taskZone) => {
    if (agentZone === null) return 0.5;
    if (agentZone === taskZone) return 0;
    return table.get(taskZone)?.get(agentZone) ?? 1;
  };
}

export function capabilityFit(task: DelegationTask, agent: DelegationAgent, holders: ScoringReference['holders']): number {
  const requires = task.requires;
  if (!requires) return 1;
  let waste = 0;
  let n = 0;
  for (const skill in requires) {
    const need = requires[skill]!;
    const have = agent.skills[skill] ?? 0;
    const excess = Math.max(0, have - need) / 4;
    const count = holders[skill]?.[Math.min(5, Math.max(1, Math.floor(have)))] ?? 1;
    waste += excess * (0.5 + 0.5 / Math.max(1, count));
    n++;
  }
  return n === 0 ? 1 : 1 - waste / n;
}

/** P(wait + duration <= deadline - now) under the log-normal; 1 without a deadline. */
export function onTimeProbability(task: DelegationTask, p: CandidatePrediction, now: number): number {
  if (task.deadline == null) return 1;
  const room = task.deadline - now - p.waitMs;
  if (room <= 0) return 0;
  if (p.logSigma <= 0) return Math.log(room) >= p.logMu ? 1 : 0;
  return normalCdf((Math.log(room) - p.logMu) / p.logSigma);
}

/** Components that depend on the task's own deadline and zone (not on its bucket). */
export function taskComponents(task: DelegationTask, c: Candidate, now: number, options: ScoringOptions = {}): { deadline: number; zone: number } {
  let zone = 1;
  if (task.zone != null) {
    const dist = (options.zoneDistance ?? defaultZoneDistance)(c.agent.zone ?? null, task.zone);
    zone = 1 - Math.min(1, Math.max(0, dist));
  }
  return { deadline: onTimeProbability(task, c.prediction, now), zone };
}

/**
 * The components in COMPONENTS order into `out` (no allocation: joint rounds score many pairs).
 * capability, success, speed, deadline, load, zone, cost, fairness.
 */
export function componentValues(
  task: DelegationTask,
  c: Candidate,
  ref: ScoringReference,
  now: number,
  options: ScoringOptions,
  out: Float64Array,
): void {
  const a = c.agent;
  const p = c.prediction;
  const finish = p.waitMs + p.durationMs;
  const cost = expectedCost(a, p.durationMs);
  let zone = 1;
  if (task.zone != null) zone = 1 - Math.min(1, Math.max(0, (options.zoneDistance ?? defaultZoneDistance)(a.zone ?? null, task.zone)));
  out[0] = capabilityFit(task, a, ref.holders);
  out[1] = Math.min(1, Math.max(0, p.success));
  out[2] = finish > 0 ? Math.min(1, ref.fastestMs / finish) : 1;
  out[3] = onTimeProbability(task, p, now);
  out[4] = a.capacity > 0 ? Math.max(0, 1 - a.load / a.capacity) : 0;
  out[5] = zone;
  out[6] = cost === null || ref.cheapestCost <= 0 ? 1 : Math.min(1, ref.cheapestCost / cost);
  out[7] = a.kind !== 'human' || ref.workMax <= ref.workMin ? 1 : 1 - (c.recentWorkMs - ref.workMin) / (ref.workMax - ref.workMin);
}

const scratch = new Float64Array(COMPONENTS.length);

export function componentsOf(
  task: DelegationTask,
  c: Candidate,
  ref: ScoringReference,
  now: number,
  options: ScoringOptions = {},
): Components {
  componentValues(task, c, ref, now, options, scratch);
  return {
    capability: scratch[0]!,
    success: scratch[1]!,
    speed: scratch[2]!,
    deadline: scratch[3]!,
    load: scratch[4]!,
    zone: scratch[5]!,
    cost: scratch[6]!,
    fairness: scratch[7]!,
  };
}

/** Weights in COMPONENTS order, negative ones as 0. */
export function weightVector(weights: Weights): Float64Array {
  return Float64Array.from(COMPONENTS, (n) => Math.max(0, weights[n]));
}

export function totalOf(components: Components, weights: Weights): number {
  let sum = 0;
  let wsum = 0;
  for (const name of COMPONENTS) {
    const w = weights[name];
    if (w > 0) {
      sum += w * components[name];
      wsum += w;
    }
  }
  return wsum > 0 ? sum / wsum : 0;
}

/**
 * The reference for a field of candidates. `fastestMs` is the fastest expected duration among
 * `qualifiedDurationsMs` (every agent with the skills, busy or not), so a free slow agent is
 * scored against the best the site has, not just against the others that happen to be free.
 */
export function buildReference(
  task: DelegationTask,
  candidates: readonly Candidate[],
  qualified: Iterable<DelegationAgent>,
  qualifiedFastestMs: number,
  /** skillHolders(task.requires, qualified) when the caller has counted it already. */
  holders?: ScoringReference['holders'],
): ScoringReference {
  let cheapest = Infinity;
  let workMin = Infinity;
  let workMax = -Infinity;
  let fastest = qualifiedFastestMs;
  for (const c of candidates) {
    const cost = expectedCost(c.agent, c.prediction.durationMs);
    if (cost !== null && cost < cheapest) cheapest = cost;
    if (c.agent.kind === 'human') {
      if (c.recentWorkMs < workMin) workMin = c.recentWorkMs;
      if (c.recentWorkMs > workMax) workMax = c.recentWorkMs;
    }
    if (c.prediction.durationMs < fastest) fastest = c.prediction.durationMs;
  }
  return {
    fastestMs: Number.isFinite(fastest) ? fastest : 1,
    cheapestCost: Number.isFinite(cheapest) ? cheapest : 0,
    workMin: Number.isFinite(workMin) ? workMin : 0,
    workMax: Number.isFinite(workMax) ? workMax : 0,
    holders: holders ?? skillHolders(task.requires, qualified),
  };
}

/** Scores and sorts candidates, best first; ties go to the lower agent id (deterministic). */
export function scoreCandidates(
  task: DelegationTask,
  candidates: readonly Candidate[],
  ref: ScoringReference,
  weights: Weights,
  now: number,
  options: ScoringOptions = {},
): ScoredCandidate[] {
  const out = candidates.map((c) => {
    const components = componentsOf(task, c, ref, now, options);
    return { agentId: c.agent.id, total: totalOf(components, weights), components };
  });
  out.sort((a, b) => b.total - a.total || (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  return out;
}

// --- Explanation ------------------------------------------------------------------------------

export interface CandidateExplanation {
  agentId: string;
  name: string;
  kind: string;
  total: number;
  components: Components;
  predicted: {
    success: number;
    durationMs: number;
    waitMs: number;
    /** ms UTC. */
    finishAt: number;
    /** Only with a deadline. */
    onTime: number | null;
    cost: number | null;
    /** Observations behind the prediction (decayed). */
    evidence: number;
    load: number;
    capacity: number;
    zone: string | null;
  };
}

export interface ExcludedExplanation {
  agentId: string;
  name: string;
  rules: ExclusionRule[];
}

/** A decision, recorded: everything the UI needs to say why, with no lookups. Plain JSON. */
export interface Explanation {
  taskId: string;
  taskType: string;
  priority: TaskPriority;
  at: number;
  weights: Weights;
  /** The winner came from a Thompson draw rather than the posterior means. */
  explored: boolean;
  winner: CandidateExplanation | null;
  runnerUp: CandidateExplanation | null;
  /** Best first. */
  candidates: CandidateExplanation[];
  excluded: ExcludedExplanation[];
  /** Time zone the reasons were written in. */
  timeZone: string;
}

export function explainCandidate(task: DelegationTask, c: Candidate, scored: ScoredCandidate, now: number): CandidateExplanation {
  const p = c.prediction;
  return {
    agentId: c.agent.id,
    name: c.agent.name ?? c.agent.id,
    kind: c.agent.kind,
    total: scored.total,
    components: scored.components,
    predicted: {
      success: p.success,
      durationMs: p.durationMs,
      waitMs: p.waitMs,
      finishAt: now + p.waitMs + p.durationMs,
      onTime: task.deadline == null ? null : scored.components.deadline,
      cost: expectedCost(c.agent, p.durationMs),
      evidence: p.ess,
      load: c.agent.load,
      capacity: c.agent.capacity,
      zone: c.agent.zone ?? null,
    },
  };
}
