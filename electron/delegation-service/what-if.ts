// The What if page's engine: builds the digital double's input from the roster and the queue (or
// a CSV), runs the base ("Current policy") and each scenario with the same seed and the learned
// models as the world, and reports per row. Runs in slices of a few ms with an await between, so
// the host keeps answering while 10,000 tasks are simulated; stops when the host closes. Tells how
// far it is (row, tasks settled in it) at most every 100 ms, for the page's progress bar.
// A run may start later than now (tomorrow's shift): everything is laid out from its start, and
// the roster is the planned one, not this moment's (see plannedStatus).
import { performance } from 'node:perf_hooks';
import {
  SIM_START_AHEAD_MAX_MS,
  SIM_START_GRACE_MS,
  SIM_STATUS_COUNTS_MS,
  SIM_TASKS_MAX,
  type AgentStatus,
  type AvailabilityWindow,
  type CallParsedInput,
  type SimRowDto,
  type SimulationDto,
  type SimulationProgress,
} from '../../preload/contract';
import type { SqliteDatabase } from '../../native/sqlite';
import type { AgentRow } from '../agents/registry';
import { AppError, invalidInput } from '../core/errors';
import type { DelegationEngine } from '../delegation/engine';
import { runSliced } from '../delegation/joint';
import { enginePolicy } from '../delegation/policies';
import { SeededRandom } from '../delegation/rng';
import type { Weights } from '../delegation/scoring';
import { learnedWorld, simulationSteps, type SimHooks, type SimInput, type SimResult, type SimTask, type SimWorld } from '../delegation/simulator';
import type { DelegationAgent, DelegationTask } from '../delegation/types';
import { priorityOf } from '../tasks/model';
import { layOut } from './availability';
import { parseSimCsv } from './sim-csv';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Attempts per task unless the task says (queued tasks say: what they have left). */
const SIM_MAX_ATTEMPTS = 3;
/** Progress reports are at least this far apart. */
export const PROGRESS_EVERY_MS = 100;

export type WhatIfInput = CallParsedInput<'delegation.simulate'>;
/** What a run tells about itself while it runs (the caller adds its runId). */
export type WhatIfProgress = Omit<SimulationProgress, 'runId'>;

export interface WhatIfDeps {
  sqlite: SqliteDatabase;
  /** The live engine: cloned per run, never changed. */
  engine: DelegationEngine;
  now: number;
  agentRows(): AgentRow[];
  agentFromRow(row: AgentRow, now: number, from: number, to: number): DelegationAgent;
  /** Robots and software agents the host cannot reach now (id -> why): offline for a start within the hour. */
  unreachable?: () => ReadonlyMap<string, string>;
  timeZone: string;
  taskExtra(id: string): Partial<DelegationTask> | undefined;
  /** True once the host is closing: the run stops. */
  aborted?: () => boolean;
  /** Told how far the run is: at once, then at most every PROGRESS_EVERY_MS. */
  onProgress?: (progress: WhatIfProgress) => void;
  /** Monotonic milliseconds for spacing the progress reports (default performance.now). */
  monotonic?: () => number;
}

/** Passes reports on at most every `everyMs` of `now()`; the first one at once. */
export function progressThrottle<T>(everyMs: number, now: () => number, report: (value: T) => void): (value: () => T) => void {
  let last = -Infinity;
  return (value) => {
    const t = now();
    if (t - last < everyMs) return;
    last = t;
    report(value());
  };
}

interface QueueRow {
  id: string;
  type: string;
  title: string;
  priority: number;
  requires: string | null;
  deadline: number | null;
  state: string;
  run_at: number | null;
  max_attempts: number;
  failures: number;
}

function queueTasks(deps: WhatIfDeps, startAt: number, horizonMs: number, warnings: string[]): SimTask[] {
  const rows = deps.sqlite
    .prepare<[number], QueueRow>(
      `SELECT id, type, title, priority, requires, deadline, state, run_at, max_attempts, failures FROM tasks
        WHERE state IN ('ready', 'pending', 'blocked', 'assigned', 'running', 'failed', 'timed_out')
        ORDER BY order_key, id LIMIT ?`,
    )
    .all(SIM_TASKS_MAX + 1);
  if (rows.length > SIM_TASKS_MAX) {
    warnings.push(`Only the first ${SIM_TASKS_MAX} waiting tasks are simulated`);
    rows.length = SIM_TASKS_MAX;
  }
  const tasks: SimTask[] = [];
  let later = 0;
  for (const r of rows) {
    const timed = r.state === 'pending' || r.state === 'failed' || r.state === 'timed_out';
    const arrivalAt = timed ? Math.max(startAt, r.run_at ?? startAt) : startAt;
    if (arrivalAt > startAt + horizonMs) {
      later++;
      continue;
    }
    const requires = r.requires ? (JSON.parse(r.requires) as Record<string, number>) : undefined;
    tasks.push({
      ...deps.taskExtra(r.id),
      id: r.id,
      type: r.type,
      title: r.title,
      priority: priorityOf(r.priority),
      requires,
      deadline: r.deadline,
      arrivalAt,
      maxAttempts: Math.max(1, r.max_attempts - r.failures),
    });
  }
  if (later > 0) warnings.push(`${later} tasks due after the horizon are left out`);
  return tasks;
}

/** The start of the run: now unless asked for a later one; refused when past or too far ahead. */
function startOf(input: WhatIfInput, now: number): number {
  if (input.startAt === undefined) return now;
  if (input.startAt < now - SIM_START_GRACE_MS) throw invalidInput('The simulation cannot start in the past: start now or later', { field: 'startAt' });
  if (input.startAt > now + SIM_START_AHEAD_MAX_MS) {
    throw invalidInput(`The simulation can start at most ${SIM_START_AHEAD_MAX_MS / DAY} days ahead`, { field: 'startAt' });
  }
  // A start a few seconds ago (the clock moved on while the form was filled in) is now.
  return Math.max(now, input.startAt);
}

/**
 * An agent's status in the planned roster. Busy is this moment's load (the run simulates load),
 * and a person away or on a break now is gated by their shifts and breaks instead: neither
 * counts. A fault, an e-stop, offline or paused counts only for a run that starts now.
 */
function plannedStatus(row: AgentRow, currentStatus: boolean): AgentStatus {
  return currentStatus && row.status !== 'busy' ? row.status : 'available';
}

function withWindows(agent: DelegationAgent, windows: readonly AvailabilityWindow[], from: number, to: number, timeZone: string): DelegationAgent {
  const laid = layOut(windows, from, to, timeZone);
  const next: DelegationAgent = { ...agent };
  delete next.shifts;
  delete next.breaks;
  delete next.maintenance;
  if (laid.shifts.length) next.shifts = laid.shifts;
  if (laid.breaks.length) next.breaks = laid.breaks;
  if (laid.maintenance.length) next.maintenance = laid.maintenance;
  return next;
}

/** The learned world, with added agents behaving like the agent they copy. */
function aliasedWorld(world: SimWorld, aliases: ReadonlyMap<string, string>): SimWorld {
  if (aliases.size === 0) return world;
  return {
    sample: (agent, task, startAt, noise) => {
      const like = aliases.get(agent.id);
      return world.sample(like ? { ...agent, id: like } : agent, task, startAt, noise);
    },
  };
}

/** Stops the run between steps once the host closes; calls `between` after every step. */
function* guarded<T>(steps: Generator<void, T, void>, aborted: () => boolean, between: () => void): Generator<void, T, void> {
  for (;;) {
    if (aborted()) throw new AppError('unavailable', 'The host is shutting down; the simulation was stopped');
    const r = steps.next();
    if (r.done) return r.value;
    between();
    yield;
  }
}

/**
 * Counts settled tasks (succeeded, or failed on their last attempt) through the simulator's hooks;
 * null without a progress listener, so an unobserved run pays nothing.
 */
function settledCounter(observed: boolean): { hooks: SimHooks; done(): number } | null {
  if (!observed) return null;
  const attempts = new Map<string, number>();
  let done = 0;
  return {
    hooks: {
      onAssign: (e) => void attempts.set(e.task.id, e.attempt),
      onFinish: (outcome, task) => {
        if (outcome.success || (attempts.get(task.id) ?? 1) >= (task.maxAttempts ?? SIM_MAX_ATTEMPTS)) done++;
      },
    },
    done: () => done,
  };
}

const meanUtil = (r: SimResult) => (r.perAgent.length ? r.perAgent.reduce((s, a) => s + a.utilisation, 0) / r.perAgent.length : 0);

function toRow(name: string, isBase: boolean, r: SimResult, base: SimResult | null): SimRowDto {
  const b = base ?? r;
  return {
    name,
    isBase,
    makespanMs: r.makespanMs,
    completed: r.completed,
    failed: r.failed,
    unfinished: r.unfinished,
    waits: { p50Ms: r.waits.p50Ms, p95Ms: r.waits.p95Ms, meanMs: r.waits.meanMs },
    deadlineMisses: r.deadlineMisses,
    utilisation: r.perAgent.map((a) => ({ agentId: a.agentId, name: a.name, utilisation: a.utilisation, busyMs: a.busyMs, attempts: a.attempts })),
    bottleneck: {
      agentId: r.bottleneck.agent?.agentId ?? null,
      agentName: r.bottleneck.agent?.name ?? null,
      skill: r.bottleneck.skill?.skill ?? null,
      summary: r.bottleneck.summary,
    },
    delta: {
      makespanMs: r.makespanMs - b.makespanMs,
      makespanPct: b.makespanMs > 0 ? (r.makespanMs - b.makespanMs) / b.makespanMs : 0,
      p95WaitMs: r.waits.p95Ms - b.waits.p95Ms,
      deadlineMisses: r.deadlineMisses - b.deadlineMisses,
      meanUtilisation: meanUtil(r) - meanUtil(b),
    },
  };
}

export async function runWhatIf(input: WhatIfInput, deps: WhatIfDeps): Promise<SimulationDto> {
  const t0 = performance.now();
  const warnings: string[] = [];
  const startAt = startOf(input, deps.now);
  const currentStatus = startAt < deps.now + SIM_STATUS_COUNTS_MS;
  const horizonMs = input.horizonHours * HOUR;
  const from = startAt - DAY;
  const to = startAt + horizonMs + 14 * DAY;
  const tz = deps.timeZone;

  const rows = deps.agentRows();
  const rowById = new Map(rows.map((r) => [r.id, r]));
  // Within the hour an agent the host cannot reach (a robot or program never connected, say)
  // takes no work, as it takes none in the queue now.
  const unreachable = currentStatus ? (deps.unreachable?.() ?? new Map<string, string>()) : new Map<string, string>();
  const roster = rows.map((r) => ({
    ...deps.agentFromRow(r, startAt, from, to),
    status: unreachable.has(r.id) ? ('offline' as const) : plannedStatus(r, currentStatus),
    load: 0,
  }));
  const closed = roster.filter((a) => a.status !== 'available');
  if (closed.length > 0) {
    const names = closed.slice(0, 10).map((a) => `${a.name} (${unreachable.has(a.id) ? 'not connected' : a.status})`);
    if (closed.length > names.length) names.push(`${closed.length - names.length} more`);
    const who = closed.length === 1 ? '1 agent takes' : `${closed.length} agents take`;
    warnings.push(`${who} no work because of their current status, which counts for a start within the hour: ${names.join(', ')}`);
  }
  let tasks: SimTask[];
  if (input.source === 'csv') {
    const parsed = parseSimCsv(input.csv ?? '', startAt, SIM_TASKS_MAX);
    tasks = parsed.tasks;
    warnings.push(...parsed.warnings);
  } else {
    tasks = queueTasks(deps, startAt, horizonMs, warnings);
  }
  if (tasks.length === 0) warnings.push('There are no tasks to simulate');
  if (roster.length === 0) warnings.push('There are no agents: every task stays unfinished');

  const world = learnedWorld(deps.engine.models);
  const aborted = deps.aborted ?? (() => false);
  const onProgress = deps.onProgress;
  const tell = onProgress ? progressThrottle(PROGRESS_EVERY_MS, deps.monotonic ?? (() => performance.now()), onProgress) : null;
  const rowCount = input.scenarios.length + 1;
  const run = async (
    row: { index: number; name: string },
    sim: SimInput,
    weights: Partial<Weights> | undefined,
    aliases: ReadonlyMap<string, string>,
  ): Promise<SimResult> => {
    // The same seed for every row: scenario differences are not drowned by luck.
    const engine = deps.engine.clone(new SeededRandom(input.seed));
    if (weights) {
      const w = engine.config.weights;
      const byType: Record<string, Partial<Weights>> = {};
      for (const [type, over] of Object.entries(w.byType ?? {})) byType[type] = { ...over, ...weights };
      engine.setWeights({ default: { ...w.default, ...weights }, byType });
    }
    const settled = settledCounter(tell !== null);
    let report = () => {};
    if (tell && settled) {
      const snapshot = (): WhatIfProgress => ({ scenario: row.name, scenarioIndex: row.index, scenarios: rowCount, done: settled.done(), total: sim.tasks.length });
      report = () => tell(snapshot);
    }
    report();
    const steps = simulationSteps(sim, enginePolicy(engine, { learn: false }), aliasedWorld(world, aliases), settled?.hooks);
    const { value } = await runSliced(guarded(steps, aborted, report), { sliceMs: 8 });
    return value;
  };

  const baseInput: SimInput = { tasks, agents: roster, seed: input.seed, startAt, maxAttempts: SIM_MAX_ATTEMPTS };
  const base = await run({ index: 0, name: 'Current policy' }, baseInput, undefined, new Map());
  const out: SimRowDto[] = [toRow('Current policy', true, base, null)];

  for (const [i, sc] of input.scenarios.entries()) {
    const aliases = new Map<string, string>();
    let agents = roster;
    if (sc.removeAgentIds?.length) {
      const gone = new Set(sc.removeAgentIds);
      for (const id of gone) if (!rowById.has(id)) warnings.push(`${sc.name}: no agent ${id} to remove`);
      agents = agents.filter((a) => !gone.has(a.id));
    }
    for (const sh of sc.shifts ?? []) {
      if (!rowById.has(sh.agentId)) warnings.push(`${sc.name}: no agent ${sh.agentId} for the shift change`);
      agents = agents.map((a) => (a.id === sh.agentId ? withWindows(a, sh.availability, from, to, tz) : a));
    }
    (sc.addAgents ?? []).forEach((add, i) => {
      const id = `sim-${i + 1}`;
      const like = add.likeAgentId ? roster.find((a) => a.id === add.likeAgentId) : undefined;
      if (add.likeAgentId && !like) warnings.push(`${sc.name}: no agent ${add.likeAgentId} to copy for ${add.name}`);
      let agent: DelegationAgent = {
        ...(like ?? { skills: {}, capacity: 1, status: 'available' as const }),
        id,
        name: add.name,
        kind: add.kind,
        status: 'available',
        load: 0,
      };
      if (add.skills) agent.skills = add.skills;
      if (add.capacity !== undefined) agent.capacity = add.capacity;
      if (add.zone !== undefined) agent.zone = add.zone;
      if (add.costPerHour !== undefined) {
        if (add.costPerHour === null) delete agent.costPerHour;
        else agent.costPerHour = add.costPerHour;
      }
      if (add.availability) agent = withWindows(agent, add.availability, from, to, tz);
      if (like) aliases.set(id, like.id);
      agents = [...agents, agent];
    });
    const result = await run({ index: i + 1, name: sc.name }, { ...baseInput, agents }, sc.weights, aliases);
    out.push(toRow(sc.name, false, result, base));
  }

  return {
    seed: input.seed,
    startAt,
    currentStatus,
    horizonMs,
    tasks: tasks.length,
    agents: roster.length,
    rows: out,
    warnings,
    elapsedMs: Math.round(performance.now() - t0),
  };
}
