// The dashboard's floor at a glance, from `tasks.overview` and `agents.list`: work grouped the way
// a supervisor reads it (waiting, running, offered, waiting for a retry, blocked, starting later,
// finished), the last hour as chart points, the fleet by status. Pure: tested in node.
import {
  AGENT_KINDS,
  AGENT_STATUSES,
  TASK_PRIORITIES,
  type AgentDto,
  type AgentKind,
  type AgentStatus,
  type CallOutput,
  type TaskPriority,
  type TaskState,
} from '../../../preload/contract';
import { isUnheard } from './agent-live';

export type TaskOverview = CallOutput<'tasks.overview'>;

/** One tile of "Work now": a group of states, how many tasks, and the Tasks page filter for them. */
export interface WorkGroup {
  key: 'ready' | 'running' | 'assigned' | 'retry' | 'blocked' | 'pending';
  label: string;
  hint: string;
  states: TaskState[];
  count: number;
}

const GROUPS: ReadonlyArray<Omit<WorkGroup, 'count'>> = [
  { key: 'ready', label: 'Waiting for an agent', hint: 'Ready to start: the next free agent that fits takes it', states: ['ready'] },
  { key: 'running', label: 'Running', hint: 'An agent is working on it', states: ['running'] },
  { key: 'assigned', label: 'Offered', hint: 'Offered to one agent, not started yet', states: ['assigned'] },
  { key: 'retry', label: 'Waiting for a retry', hint: 'The last attempt failed or ran too long; it goes again after its backoff', states: ['failed', 'timed_out'] },
  { key: 'blocked', label: 'Blocked', hint: 'Waits for tasks it depends on', states: ['blocked'] },
  { key: 'pending', label: 'Starts later', hint: 'Waits for its start time', states: ['pending'] },
];

export interface WorkNow {
  groups: WorkGroup[];
  /** Ready tasks by priority, most urgent first. */
  readyByPriority: { priority: TaskPriority; count: number }[];
  finished: { succeeded: number; dead: number; cancelled: number };
  /** Tasks not finished. */
  open: number;
}

export function workNow(overview: TaskOverview): WorkNow {
  const byState = new Map<TaskState, number>();
  const ready = new Map<TaskPriority, number>();
  for (const d of overview.depth) {
    byState.set(d.state, (byState.get(d.state) ?? 0) + d.count);
    if (d.state === 'ready') ready.set(d.priority, (ready.get(d.priority) ?? 0) + d.count);
  }
  const n = (state: TaskState) => byState.get(state) ?? 0;
  const groups = GROUPS.map((g) => ({ ...g, states: [...g.states], count: g.states.reduce((sum, s) => sum + n(s), 0) }));
  return {
    groups,
    readyByPriority: TASK_PRIORITIES.map((priority) => ({ priority, count: ready.get(priority) ?? 0 })),
    finished: { succeeded: n('succeeded'), dead: n('dead'), cancelled: n('cancelled') },
    open: groups.reduce((sum, g) => sum + g.count, 0),
  };
}

/** One minute of the chart; the counts are null for minutes before the host started counting. */
export interface MinutePoint {
  at: number;
  /** "2:05 PM" in the viewer's locale. */
  label: string;
  succeeded: number | null;
  /** Attempts that failed and go again (failed attempts that did not end the task). */
  retried: number | null;
  dead: number | null;
  cancelled: number | null;
  created: number | null;
}

export interface LastHour {
  /** 60 minutes, oldest first, the current one (still counting) last. */
  points: MinutePoint[];
  totals: { created: number; claimed: number; succeeded: number; failed: number; timedOut: number; leaseExpired: number; dead: number; cancelled: number };
  /** Null when the counts cover the whole hour; else when they start (the host started within it). */
  countingSince: number | null;
  /** Tasks finished per minute over the time counted. */
  perMinute: number;
}

const MINUTE = 60_000;
export const HOUR_MINUTES = 60;

export function lastHour(overview: TaskOverview, formatTime: (ms: number) => string): LastHour {
  const totals = { created: 0, claimed: 0, succeeded: 0, failed: 0, timedOut: 0, leaseExpired: 0, dead: 0, cancelled: 0 };
  const byStart = new Map(overview.minutes.map((m) => [m.at, m]));
  const current = overview.at - (overview.at % MINUTE);
  const points: MinutePoint[] = [];
  for (let i = HOUR_MINUTES - 1; i >= 0; i--) {
    const at = current - i * MINUTE;
    const m = byStart.get(at);
    if (!m) {
      points.push({ at, label: formatTime(at), succeeded: null, retried: null, dead: null, cancelled: null, created: null });
      continue;
    }
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += m[key];
    points.push({
      at,
      label: formatTime(at),
      succeeded: m.succeeded,
      // A failed or timed-out attempt either goes again or ends the task dead (counted there).
      retried: Math.max(0, m.failed + m.timedOut - m.dead),
      dead: m.dead,
      cancelled: m.cancelled,
      created: m.created,
    });
  }
  const hourAgo = overview.at - HOUR_MINUTES * MINUTE;
  const countingSince = overview.countingSince > hourAgo ? overview.countingSince : null;
  const counted = Math.max(1, (overview.at - Math.max(hourAgo, overview.countingSince)) / MINUTE);
  return { points, totals, countingSince, perMinute: (totals.succeeded + totals.dead + totals.cancelled) / counted };
}

export interface FleetNow {
  total: number;
  /** By status; `available` counts only those heard from lately (the others are `unheard`). */
  byStatus: { status: AgentStatus; count: number }[];
  /** Available by their status, but not heard from lately: not connected. */
  unheard: number;
  byKind: { kind: AgentKind; count: number }[];
  /** Tasks held against the slots of agents that can work now (available or busy, and heard from). */
  slots: { used: number; capacity: number };
  /**
   * Agents not taking work, worst first: fault, e-stopped, offline, paused, then those whose
   * status says available but that have not been heard from lately (agent-live.ts; `lastSeenAt`
   * null = never connected).
   */
  stopped: { agent: AgentDto; unheard: boolean }[];
}

const STOPPED: readonly AgentStatus[] = ['fault', 'estopped', 'offline', 'paused'];

export function fleetNow(agents: readonly AgentDto[], now: number): FleetNow {
  const unheard = (a: AgentDto) => isUnheard(a, now);
  const slots = { used: 0, capacity: 0 };
  for (const a of agents) {
    if ((a.status !== 'available' && a.status !== 'busy') || unheard(a)) continue;
    slots.used += a.load;
    slots.capacity += a.capacity;
  }
  const rank = (a: AgentDto) => (STOPPED.includes(a.status) ? STOPPED.indexOf(a.status) : STOPPED.length);
  return {
    total: agents.length,
    byStatus: AGENT_STATUSES.map((status) => ({ status, count: agents.filter((a) => a.status === status && !unheard(a)).length })),
    unheard: agents.filter(unheard).length,
    byKind: AGENT_KINDS.map((kind) => ({ kind, count: agents.filter((a) => a.kind === kind).length })),
    slots,
    // Worst first: a fault or an e-stop needs someone before an agent that is only paused.
    stopped: agents
      .filter((a) => STOPPED.includes(a.status) || unheard(a))
      .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
      .map((agent) => ({ agent, unheard: !STOPPED.includes(agent.status) })),
  };
}
