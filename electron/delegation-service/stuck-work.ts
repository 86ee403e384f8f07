// "Work no agent can take now", for the dashboard: the kinds of waiting (ready) work for which no
// agent is free, and not because the agents that could take it are merely busy (that is a queue,
// it flows), but because
//   nobody       no agent in the roster could ever take it: a skill level nobody has, a
//                certification no person holds, a kind of agent the site lacks, a zone nobody is in
//   unavailable  the agents that could take it are all stopped: fault, e-stop, paused, offline or
//                not connected, off shift, on a break, in maintenance (each named with why)
// A kind of work is what decides who may take it: type, required skills and the steering tags
// (cert:, kind:, zone:, zone-strict). The rows come from one count over the waiting tasks (read
// off the main thread); the roster is the live one "Why not X?" uses. Exclusions of single tasks
// (an agent kept off one task) are not looked at.
import type { StuckWorkDto, TaskPriority } from '../../preload/contract';
import { checkFeasibility, isAgentOpen, isQualified, skillLabel } from '../delegation/feasibility';
import type { DelegationAgent, DelegationTask } from '../delegation/types';
import { priorityOf } from '../tasks/model';
import { taskExtraFromTags } from './task-tags';

/** One row of read-queries' readyKinds: the waiting tasks of one kind. */
export interface ReadyKindRow {
  type: string;
  /** JSON `{ skill: level }` or null. */
  requires: string | null;
  /** JSON array of tags. */
  tags: string;
  /** The most urgent priority rank among them. */
  priority: number;
  n: number;
  /** The oldest one's creation time. */
  oldest: number;
}

/** At most this many kinds are answered, the most harmful first; `more` counts the rest. */
export const STUCK_KINDS_MAX = 12;
const AGENTS_NAMED = 5;
const KIND_PLURAL: Record<string, string> = { robot: 'robots', software: 'software agents', human: 'people' };
const STEERING = /^(cert:|kind:|zone:|zone-strict$)/;

function parse<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Why no agent could ever take a task of this kind, in plain words. */
export function nobodyReason(task: DelegationTask, agents: readonly DelegationAgent[], now: number): string {
  const missing: string[] = [];
  for (const [skill, level] of Object.entries(task.requires ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const best = agents.reduce((top, a) => Math.max(top, a.skills[skill] ?? 0), 0);
    if (best < level) missing.push(best === 0 ? `no agent has ${skillLabel(skill)} (level ${level} needed)` : `the best ${skillLabel(skill)} is level ${best}, ${level} needed`);
  }
  if (task.kinds && task.kinds.length > 0 && !agents.some((a) => task.kinds!.includes(a.kind))) {
    missing.push(`only ${task.kinds.map((k) => KIND_PLURAL[k] ?? k).join(' or ')} may take it, and there are none`);
  }
  for (const cert of task.certifications ?? []) {
    const holds = agents.some((a) => a.kind === 'human' && a.certifications?.some((c) => c.name === cert && (c.expiresAt == null || c.expiresAt > now)));
    if (!holds) missing.push(`no person holds a valid '${cert}' certification`);
  }
  if (task.zoneStrict && task.zone != null && !agents.some((a) => a.zone === task.zone)) missing.push(`no agent works in zone ${task.zone}`);
  if (missing.length === 0) return 'No single agent meets all it needs together.';
  const text = missing.join('; ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/**
 * The stuck kinds of waiting work. agents: the live roster with today's loads (agents the host
 * cannot reach count as offline); notes: the live roster's words for a status ("Not connected").
 */
export function findStuckWork(
  rows: readonly ReadyKindRow[],
  agents: readonly DelegationAgent[],
  notes: ReadonlyMap<string, string>,
  now: number,
  timeZone: string,
): StuckWorkDto {
  const kinds: StuckWorkDto['kinds'] = [];
  let waiting = 0;
  for (const row of rows) {
    waiting += row.n;
    const requires = parse<Record<string, number> | null>(row.requires, null);
    const tags = parse<string[]>(row.tags, []);
    const task: DelegationTask = { id: 'kind', type: row.type, priority: priorityOf(row.priority), ...(requires ? { requires } : {}), ...taskExtraFromTags(tags) };
    const head = {
      type: row.type,
      requires: requires ?? {},
      tags: tags.filter((t) => STEERING.test(t)),
      priority: priorityOf(row.priority) as TaskPriority,
      count: row.n,
      oldestCreatedAt: row.oldest,
    };
    const qualified = agents.filter((a) => isQualified(task, a, now));
    if (qualified.length === 0) {
      kinds.push({ ...head, reason: 'nobody', text: nobodyReason(task, agents, now), agents: [] });
      continue;
    }
    // Someone could take it now, or someone who could is only busy: it is a queue, not stuck.
    if (qualified.some((a) => isAgentOpen(a, now) || isOnlyBusy(a, now))) continue;
    const named = qualified.slice(0, AGENTS_NAMED).map((a) => {
      const rules = checkFeasibility(task, a, now, { timeZone }).rules;
      const note = notes.get(a.id);
      const reasons = rules.map((r) => (r.rule === 'status' && note ? note : r.reason));
      return { id: a.id, name: a.name ?? a.id, why: reasons.join('; ') };
    });
    const who = qualified.length === 1 ? 'The one agent that could take it is' : `All ${qualified.length} agents that could take it are`;
    kinds.push({ ...head, reason: 'unavailable', text: `${who} not taking work now.`, agents: named });
  }
  const rank = { nobody: 0, unavailable: 1 } as const;
  const order: Record<TaskPriority, number> = { critical: 0, high: 1, normal: 2, low: 3 };
  kinds.sort((a, b) => rank[a.reason] - rank[b.reason] || order[a.priority] - order[b.priority] || b.count - a.count || a.type.localeCompare(b.type));
  const stuck = kinds.reduce((n, k) => n + k.count, 0);
  return { at: now, waiting, stuck, kinds: kinds.slice(0, STUCK_KINDS_MAX), more: Math.max(0, kinds.length - STUCK_KINDS_MAX) };
}

/** Working (every slot taken, or its status says busy) within its hours: it comes back to the queue by itself. */
function isOnlyBusy(agent: DelegationAgent, now: number): boolean {
  const busy = agent.status === 'busy' || (agent.status === 'available' && agent.load >= agent.capacity);
  return busy && isAgentOpen({ ...agent, status: 'available', load: 0, capacity: Math.max(1, agent.capacity) }, now);
}
