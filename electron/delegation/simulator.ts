// The digital double: a discrete-event simulation of the site. Tasks arrive and wait in a queue
// (strict priority, then arrival). Whenever agents are free, the policy decides: per task (the
// first task someone free is qualified for goes to the agent the policy picks) or in a batch
// (one joint round over the waiting tasks and the free agents). Attempts succeed or fail and
// take time as the world says: the learned models (learnedWorld) for what-ifs, or a hidden truth
// in benchmarks. A failed attempt goes back to the queue with that agent excluded, up to
// maxAttempts. Availability windows (shifts, breaks, maintenance) gate new work.
//
// Deterministic for a seed: events are ordered by (time, sequence), and each attempt's luck comes
// from its own stream (seed, task, attempt), so two policies face the same luck for the same task
// (common random numbers: scenario differences are not drowned by noise).
import { isAgentOpen, isQualified } from './feasibility';
import { Heap } from './heap';
import { runSliced, runToEnd, type SliceOptions, type SliceStats } from './joint';
import type { LearnedModels } from './models';
import type { DispatchPolicy } from './policies';
import { bucketKey, ReadyIndex, type IndexedTask } from './ready-index';
import { hashSeed, SeededRandom } from './rng';
import { percentile } from './stats';
import { PRIORITY_RANK, skillMargin, type DelegationAgent, type DelegationTask, type Outcome, type TaskExclusion, type TimeWindow } from './types';

export interface SimTask extends DelegationTask {
  /** When it becomes ready, ms. */
  arrivalAt: number;
  maxAttempts?: number;
}

export interface SimInput {
  tasks: readonly SimTask[];
  /** The roster; load is the starting load (usually 0). */
  agents: readonly DelegationAgent[];
  seed: number | string;
  /** Start of the horizon; default the first arrival. */
  startAt?: number;
  /** Attempts per task unless the task says (default 3). */
  maxAttempts?: number;
  /** Batch policies see at most this many waiting tasks per round (default 200; see waitingNow). */
  window?: number;
}

/** The luck of one attempt: uniform u for success, standard normal z for duration. */
export interface AttemptNoise {
  u: number;
  z: number;
}

export interface SimWorld {
  sample(agent: DelegationAgent, task: SimTask, startAt: number, noise: AttemptNoise): { success: boolean; durationMs: number };
}

/** The world as the engine has learned it: posterior predictive success and log-normal duration. */
export function learnedWorld(models: LearnedModels): SimWorld {
  return {
    sample(agent, task, _startAt, noise) {
      const margin = skillMargin(agent, task.requires);
      const s = models.predictSuccess(agent.id, task.type, margin, agent.kind);
      const d = models.predictDuration(agent.id, task.type, margin, agent.kind);
      return { success: noise.u < s.mean, durationMs: Math.exp(d.mu + Math.sqrt(d.sigma * d.sigma + d.muVar) * noise.z) };
    },
  };
}

export interface AssignEvent {
  /** The task as queued for this attempt (exclusions of earlier failed attempts included). */
  task: SimTask;
  agentId: string;
  /** The free feasible agents the policy chose from (batch mode: every free agent). */
  free: readonly DelegationAgent[];
  /** The waiting tasks the round saw (claim order; computed when asked, so ask during the hook). */
  waiting: () => readonly SimTask[];
  /** Every agent with its load before this assignment. */
  roster: readonly DelegationAgent[];
  /** Dispatch round: one per decision in per-task mode, one per policy call in batch mode. */
  round: number;
  now: number;
  attempt: number;
  /** Decisions so far, this one included. */
  decision: number;
}

export interface SimHooks {
  onArrival?(task: SimTask, now: number, index: number): void;
  onAssign?(e: AssignEvent): void;
  onFinish?(outcome: Outcome, task: SimTask): void;
}

export interface AgentUsage {
  agentId: string;
  name: string;
  /** Busy slot-time / (capacity x available time in the horizon), 0..1. */
  utilisation: number;
  busyMs: number;
  attempts: number;
}

export interface SkillWait {
  skill: string;
  tasks: number;
  meanWaitMs: number;
  p95WaitMs: number;
  /** Mean utilisation of the agents holding the skill. */
  holderUtilisation: number;
}

export interface SimResult {
  policy: string;
  seed: number | string;
  /** First arrival (or startAt) to last finish. */
  makespanMs: number;
  completed: number;
  /** Out of attempts. */
  failed: number;
  /** Never started: nobody qualified was ever free. */
  stranded: number;
  /** Still waiting at the end (stranded, or a retry nobody qualified could take). */
  unfinished: number;
  attempts: number;
  decisions: number;
  /** Arrival to first start, over started tasks. */
  waits: { p50Ms: number; p95Ms: number; meanMs: number };
  deadlineMisses: number;
  perAgent: AgentUsage[];
  perSkill: SkillWait[];
  bottleneck: {
    agent: { agentId: string; name: string; utilisation: number } | null;
    skill: { skill: string; meanWaitMs: number; holderUtilisation: number } | null;
    summary: string;
  };
}

interface Queued extends SimTask, IndexedTask {
  index: number;
  attempt: number;
}

type SimEvent =
  | { at: number; seq: number; kind: 'arrive'; index: number }
  | { at: number; seq: number; kind: 'finish'; index: number; agent: number; attempt: number; success: boolean; durationMs: number; startAt: number }
  | { at: number; seq: number; kind: 'wake' };

const STEP = 2 ** 42;

function overlap(windows: readonly TimeWindow[] | undefined, from: number, to: number): number {
  let sum = 0;
  for (const w of windows ?? []) sum += Math.max(0, Math.min(w.end, to) - Math.max(w.start, from));
  return sum;
}

/** Runs the simulation at once. */
export function simulate(input: SimInput, policy: DispatchPolicy, world: SimWorld, hooks: SimHooks = {}): SimResult {
  return runToEnd(simulationSteps(input, policy, world, hooks));
}

/** Runs it in slices, awaiting between them (10,000 tasks take a few hundred ms of CPU). */
export async function simulateAsync(
  input: SimInput,
  policy: DispatchPolicy,
  world: SimWorld,
  hooks: SimHooks = {},
  slicing: SliceOptions = {},
): Promise<{ result: SimResult; stats: SliceStats }> {
  const { value, stats } = await runSliced(simulationSteps(input, policy, world, hooks), slicing);
  return { result: value, stats };
}

/** A wait in words for the bottleneck line: "45 min", "25.0 h", "2.5 d". */
export function waitText(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 120) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d`;
}

/** The simulation as steps (yields every 8 events). */
export function* simulationSteps(input: SimInput, policy: DispatchPolicy, world: SimWorld, hooks: SimHooks = {}): Generator<void, SimResult, void> {
  const tasks = input.tasks;
  const agents: DelegationAgent[] = input.agents.map((a) => ({ ...a, load: a.load ?? 0 }));
  const agentIndex = new Map(agents.map((a, i) => [a.id, i]));
  const maxAttempts = input.maxAttempts ?? 3;
  const startAt = input.startAt ?? tasks.reduce((m, t) => Math.min(m, t.arrivalAt), Infinity);
  const events = new Heap<SimEvent>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  let seq = 0;
  tasks.forEach((t, index) => events.push({ at: t.arrivalAt, seq: seq++, kind: 'arrive', index }));
  for (const a of agents) {
    for (const w of [...(a.shifts ?? []), ...(a.breaks ?? []), ...(a.maintenance ?? [])]) {
      events.push({ at: w.start, seq: seq++, kind: 'wake' });
      events.push({ at: w.end, seq: seq++, kind: 'wake' });
    }
  }

  const ready = new ReadyIndex<Queued>();
  const excludedOf: (readonly TaskExclusion[] | undefined)[] = tasks.map((t) => t.excluded);
  const firstStart = new Float64Array(tasks.length).fill(NaN);
  const busyMs = new Float64Array(agents.length);
  const attemptsBy = new Int32Array(agents.length);
  let completed = 0;
  let failed = 0;
  let attempts = 0;
  let decisions = 0;
  let deadlineMisses = 0;
  let lastFinish = startAt;
  const roster: readonly DelegationAgent[] = agents;

  let round = 0;
  const window = input.window ?? 200;
  /**
   * What a round can use: from each bucket some free agent is qualified for, as many of its first
   * tasks (claim order) as those agents have free slots: no round can place more, and tasks deeper
   * in a bucket are no better. At most `window` in all, in claim order.
   */
  const waitingNow = (now: number, free: readonly DelegationAgent[]): Queued[] => {
    const out: Queued[] = [];
    for (const b of ready.buckets()) {
      let slots = 0;
      for (const a of free) if (isQualified(b.sample, a, now)) slots += a.capacity - a.load;
      if (slots > 0) out.push(...ready.head(b, slots));
    }
    out.sort((x, y) => x.orderKey - y.orderKey || x.index - y.index);
    return out.length > window ? out.slice(0, window) : out;
  };
  const start = (task: Queued, ai: number, now: number, free: readonly DelegationAgent[], waiting: () => readonly SimTask[]) => {
    const agent = agents[ai]!;
    decisions++;
    if (hooks.onAssign) hooks.onAssign({ task, agentId: agent.id, free, waiting, roster, round, now, attempt: task.attempt, decision: decisions });
    ready.remove(task.id);
    agent.load++;
    attempts++;
    attemptsBy[ai] = attemptsBy[ai]! + 1;
    if (Number.isNaN(firstStart[task.index]!)) firstStart[task.index] = now;
    const luck = new SeededRandom(hashSeed(input.seed, task.index, task.attempt));
    const u = luck.next();
    const z = luck.normal();
    const out = world.sample(agent, tasks[task.index]!, now, { u, z });
    const durationMs = Math.max(1, out.durationMs);
    events.push({ at: now + durationMs, seq: seq++, kind: 'finish', index: task.index, agent: ai, attempt: task.attempt, success: out.success, durationMs, startAt: now });
  };

  const dispatchOneByOne = (now: number) => {
    const blocked = new Set<string>();
    for (;;) {
      const free = agents.filter((a) => isAgentOpen(a, now));
      if (free.length === 0 || ready.size === 0) return;
      const [task] = ready.take(1, (b) => !blocked.has(b.key) && free.some((a) => isQualified(b.sample, a, now)));
      if (!task) return;
      const candidates = free.filter((a) => isQualified(task, a, now));
      const chosen = policy.choose(task, candidates, { now, roster });
      const ai = chosen === null ? undefined : agentIndex.get(chosen);
      if (ai === undefined || !candidates.some((a) => a.id === chosen)) {
        blocked.add(bucketKey(task));
        continue;
      }
      round++;
      let seen: readonly SimTask[] | null = null;
      start(task, ai, now, candidates, () => (seen ??= waitingNow(now, free)));
    }
  };

  const dispatchBatch = (now: number, batch: NonNullable<DispatchPolicy['dispatch']>) => {
    for (;;) {
      const free = agents.filter((a) => isAgentOpen(a, now));
      if (free.length === 0 || ready.size === 0) return;
      const waiting = waitingNow(now, free);
      if (waiting.length === 0) return;
      round++;
      const byId = new Map(waiting.map((t) => [t.id, t]));
      let started = 0;
      for (const pick of batch(waiting, free, { now, roster })) {
        const task = byId.get(pick.taskId);
        const ai = agentIndex.get(pick.agentId);
        if (!task || ai === undefined || !ready.has(task.id)) continue;
        const agent = agents[ai]!;
        if (!isAgentOpen(agent, now) || !isQualified(task, agent, now)) continue;
        start(task, ai, now, free, () => waiting);
        started++;
      }
      if (started === 0) return;
    }
  };

  const dispatch = (now: number) => {
    if (policy.dispatch) dispatchBatch(now, policy.dispatch.bind(policy));
    else dispatchOneByOne(now);
  };

  let processed = 0;
  while (events.size > 0) {
    const e = events.pop()!;
    const now = e.at;
    if (e.kind === 'arrive') {
      const t = tasks[e.index]!;
      hooks.onArrival?.(t, now, e.index);
      ready.add({ ...t, index: e.index, attempt: 1, orderKey: PRIORITY_RANK[t.priority] * STEP + t.arrivalAt });
    } else if (e.kind === 'finish') {
      const agent = agents[e.agent]!;
      agent.load--;
      busyMs[e.agent] = busyMs[e.agent]! + e.durationMs;
      if (now > lastFinish) lastFinish = now;
      const t = tasks[e.index]!;
      const outcome: Outcome = { agentId: agent.id, taskType: t.type, success: e.success, durationMs: e.durationMs, at: now, margin: skillMargin(agent, t.requires), group: agent.kind };
      policy.observe?.(outcome);
      hooks.onFinish?.(outcome, t);
      if (e.success) {
        completed++;
        if (t.deadline != null && now > t.deadline) deadlineMisses++;
      } else if (e.attempt < (t.maxAttempts ?? maxAttempts)) {
        // The retry excludes every agent that failed it so far.
        const excluded = [...(excludedOf[e.index] ?? []), { agentId: agent.id, reason: 'failed this task before' }];
        excludedOf[e.index] = excluded;
        ready.add({ ...t, excluded, index: e.index, attempt: e.attempt + 1, orderKey: PRIORITY_RANK[t.priority] * STEP + t.arrivalAt });
      } else {
        failed++;
        if (t.deadline != null) deadlineMisses++;
      }
    }
    // Dispatch once per instant, after every event at that time.
    const next = events.peek();
    if (!next || next.at > now) dispatch(now);
    // Yield often: an event can trigger a dispatch round (a joint round is a fraction of a ms).
    if ((++processed & 7) === 0) yield;
  }

  // Utilisation over the horizon, against each agent's available time.
  const endAt = Math.max(lastFinish, startAt);
  const horizon = endAt - startAt;
  const perAgent: AgentUsage[] = agents.map((a, i) => {
    let available = a.shifts && a.shifts.length > 0 ? overlap(a.shifts, startAt, endAt) : horizon;
    available -= overlap(a.breaks, startAt, endAt) + overlap(a.maintenance, startAt, endAt);
    const slotTime = Math.max(0, available) * Math.max(1, a.capacity);
    return {
      agentId: a.id,
      name: a.name ?? a.id,
      utilisation: slotTime > 0 ? Math.min(1, busyMs[i]! / slotTime) : 0,
      busyMs: busyMs[i]!,
      attempts: attemptsBy[i]!,
    };
  });

  const waits: number[] = [];
  const bySkill = new Map<string, number[]>();
  /** The lowest level any task asked of each skill: below it an agent holds the skill but cannot use it here. */
  const minLevel = new Map<string, number>();
  let stranded = 0;
  tasks.forEach((t, i) => {
    const s = firstStart[i]!;
    if (Number.isNaN(s)) {
      stranded++;
      return;
    }
    const w = s - t.arrivalAt;
    waits.push(w);
    for (const [skill, level] of Object.entries(t.requires ?? {})) {
      minLevel.set(skill, Math.min(minLevel.get(skill) ?? Infinity, level));
      let list = bySkill.get(skill);
      if (!list) bySkill.set(skill, (list = []));
      list.push(w);
    }
  });
  waits.sort((a, b) => a - b);
  const perSkill: SkillWait[] = [...bySkill].map(([skill, list]) => {
    list.sort((a, b) => a - b);
    const need = Math.max(1, minLevel.get(skill) ?? 1);
    const holders = perAgent.filter((_, i) => (agents[i]!.skills[skill] ?? 0) >= need);
    return {
      skill,
      tasks: list.length,
      meanWaitMs: list.reduce((s, x) => s + x, 0) / list.length,
      p95WaitMs: percentile(list, 95),
      holderUtilisation: holders.length ? holders.reduce((s, h) => s + h.utilisation, 0) / holders.length : 0,
    };
  });
  perSkill.sort((a, b) => b.meanWaitMs - a.meanWaitMs || (a.skill < b.skill ? -1 : 1));

  const busiest = perAgent.reduce<AgentUsage | null>((m, a) => (!m || a.utilisation > m.utilisation ? a : m), null);
  const slowSkill = perSkill[0] ?? null;
  const parts: string[] = [];
  if (slowSkill && slowSkill.meanWaitMs > 0) {
    parts.push(
      `tasks needing ${slowSkill.skill} waited longest (mean ${waitText(slowSkill.meanWaitMs)}; the agents with enough ${slowSkill.skill} were ${Math.round(slowSkill.holderUtilisation * 100)}% busy)`,
    );
  }
  if (busiest) parts.push(`the busiest agent is ${busiest.name} at ${Math.round(busiest.utilisation * 100)}%`);

  return {
    policy: policy.name,
    seed: input.seed,
    makespanMs: horizon,
    completed,
    failed,
    stranded,
    unfinished: ready.size,
    attempts,
    decisions,
    waits: {
      p50Ms: waits.length ? percentile(waits, 50) : 0,
      p95Ms: waits.length ? percentile(waits, 95) : 0,
      meanMs: waits.length ? waits.reduce((s, x) => s + x, 0) / waits.length : 0,
    },
    deadlineMisses,
    perAgent,
    perSkill,
    bottleneck: {
      agent: busiest ? { agentId: busiest.agentId, name: busiest.name, utilisation: busiest.utilisation } : null,
      skill: slowSkill ? { skill: slowSkill.skill, meanWaitMs: slowSkill.meanWaitMs, holderUtilisation: slowSkill.holderUtilisation } : null,
      summary: parts.length ? `Bottleneck: ${parts.join('; ')}.` : 'No bottleneck: nothing waited.',
    },
  };
}

// --- Scenarios ---------------------------------------------------------------------------------

export interface Scenario {
  name: string;
  input: SimInput;
  /** A fresh policy per run (learning policies must not carry state between scenarios). */
  policy: () => DispatchPolicy;
  world: SimWorld;
}

export interface ScenarioRow {
  name: string;
  result: SimResult;
  /** Against the base scenario; negative is better for all but utilisation. */
  delta: { makespanMs: number; makespanPct: number; p95WaitMs: number; deadlineMisses: number; meanUtilisation: number };
}

const meanUtil = (r: SimResult) => (r.perAgent.length ? r.perAgent.reduce((s, a) => s + a.utilisation, 0) / r.perAgent.length : 0);

/** Runs the base and each variant with the same seed; rows in input order, base first. */
export function compareScenarios(base: Scenario, variants: readonly Scenario[]): ScenarioRow[] {
  const run = (s: Scenario) => simulate(s.input, s.policy(), s.world);
  const b = run(base);
  const row = (name: string, r: SimResult): ScenarioRow => ({
    name,
    result: r,
    delta: {
      makespanMs: r.makespanMs - b.makespanMs,
      makespanPct: b.makespanMs > 0 ? (r.makespanMs - b.makespanMs) / b.makespanMs : 0,
      p95WaitMs: r.waits.p95Ms - b.waits.p95Ms,
      deadlineMisses: r.deadlineMisses - b.deadlineMisses,
      meanUtilisation: meanUtil(r) - meanUtil(b),
    },
  });
  return [row(base.name, b), ...variants.map((v) => row(v.name, run(v)))];
}

/** The input with one more agent. */
export function withAgent(input: SimInput, agent: DelegationAgent): SimInput {
  return { ...input, agents: [...input.agents, agent] };
}

/** The input without an agent. */
export function withoutAgent(input: SimInput, agentId: string): SimInput {
  return { ...input, agents: input.agents.filter((a) => a.id !== agentId) };
}

/** The input with an agent's shifts replaced (another shift pattern). */
export function withShifts(input: SimInput, agentId: string, shifts: readonly TimeWindow[]): SimInput {
  return { ...input, agents: input.agents.map((a) => (a.id === agentId ? { ...a, shifts } : a)) };
}
