// The delegation engine's own view of agents, tasks and outcomes: plain data, no rows, no JSON
// text. The integrator maps AgentDto / task rows (and the extra fields the registry grows later:
// certifications, zone, shifts, cost) onto these; every field beyond the contract's is optional.
import type { AgentKind, AgentStatus, TaskPriority } from '../../preload/contract';

export type { AgentKind, AgentStatus, TaskPriority };

/** critical first. The same order as the contract's TASK_PRIORITIES and the queue's ranks. */
export const PRIORITIES: readonly TaskPriority[] = ['critical', 'high', 'normal', 'low'];
export const PRIORITY_RANK: Readonly<Record<TaskPriority, number>> = { critical: 0, high: 1, normal: 2, low: 3 };

export function priorityFromRank(rank: number): TaskPriority {
  return PRIORITIES[Math.max(0, Math.min(3, Math.round(rank)))] ?? 'normal';
}

/** [start, end) in ms UTC. */
export interface TimeWindow {
  start: number;
  end: number;
  label?: string;
}

export interface Certification {
  name: string;
  /** ms UTC; null or absent: does not expire. */
  expiresAt?: number | null;
}

export interface DelegationAgent {
  id: string;
  name?: string;
  kind: AgentKind;
  /** Only `available` agents are given new work. */
  status: AgentStatus;
  /** { skill: level 1-5 } */
  skills: Readonly<Record<string, number>>;
  /** Tasks it may hold at once. */
  capacity: number;
  /** Tasks it holds now (assigned + running). */
  load: number;
  /** People: certifications with expiry. */
  certifications?: readonly Certification[];
  zone?: string | null;
  station?: string | null;
  /** People: when any are listed, new work only inside one of them. */
  shifts?: readonly TimeWindow[];
  /** People: no new work during a break. */
  breaks?: readonly TimeWindow[];
  /** Robots (or anyone): no new work during maintenance. */
  maintenance?: readonly TimeWindow[];
  costPerHour?: number;
  /** Expected ms until it can start one more task (work queued ahead of it); 0 or absent: at once. */
  busyForMs?: number;
  /** Work done recently (ms), for fairness among people; absent: the engine's own ledger. */
  recentWorkMs?: number;
}

export interface TaskExclusion {
  agentId: string;
  /** Plain words, e.g. 'failed this task before' or 'excluded by a supervisor'. */
  reason?: string;
}

export interface DelegationTask {
  id: string;
  type: string;
  priority: TaskPriority;
  /** { skill: lowest level that will do } */
  requires?: Readonly<Record<string, number>>;
  /** Certifications a person must hold, valid at decision time. */
  certifications?: readonly string[];
  zone?: string | null;
  /** true: the agent must be in `zone`; otherwise zone only scores. */
  zoneStrict?: boolean;
  /** Only these kinds may take it (e.g. ['human'] for a sign-off). */
  kinds?: readonly string[];
  excluded?: readonly TaskExclusion[];
  deadline?: number | null;
  title?: string;
}

/** What the queue reports when an attempt ends. */
export interface Outcome {
  agentId: string;
  taskType: string;
  success: boolean;
  durationMs: number;
  /** When it ended, ms UTC. */
  at: number;
  /**
   * skillMargin(agent, task.requires), for the priors. Absent: the margin the engine saw when it
   * last chose this agent for this type, else none.
   */
  margin?: number | null;
  /** The agent's kind (its group in the models). Absent: as the engine last saw it. */
  group?: string | null;
}

/**
 * How far the agent's levels exceed the task's requirements, averaged over the required skills
 * (0: exactly at the required levels). null when the task requires no skill. The models' priors
 * use it: an agent well above the bar is expected to succeed more often and work a bit faster.
 */
export function skillMargin(agent: Pick<DelegationAgent, 'skills'>, requires: Readonly<Record<string, number>> | undefined): number | null {
  if (!requires) return null;
  let sum = 0;
  let n = 0;
  for (const skill in requires) {
    sum += Math.max(0, (agent.skills[skill] ?? 0) - requires[skill]!);
    n++;
  }
  return n === 0 ? null : sum / n;
}

/** Canonical text of a requirement map (sorted keys), for bucketing tasks that need the same. */
export function requiresKey(requires: Readonly<Record<string, number>> | undefined): string {
  if (!requires) return '';
  const keys = Object.keys(requires);
  if (keys.length === 0) return '';
  keys.sort();
  let out = '';
  for (const k of keys) out += `${k}=${requires[k]};`;
  return out;
}
