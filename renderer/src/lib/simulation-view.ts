// A `delegation.simulate` answer shaped for the What-if page's table and charts: one time unit per
// chart so axes read "h" or "min", the utilisation of every agent side by side per scenario, and
// the deltas against the base in words. Pure, tested in node.
import type { SimRowDto, SimulationDto, SimulationProgress } from '../../../preload/contract';
import { formatDuration } from './format';

export type TimeUnit = { label: 'min' | 'h'; ms: number };

/** Minutes while the longest value is under three hours, else hours. */
export function timeUnit(maxMs: number): TimeUnit {
  return maxMs < 3 * 3_600_000 ? { label: 'min', ms: 60_000 } : { label: 'h', ms: 3_600_000 };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export interface ScenarioPoint {
  scenario: string;
  isBase: boolean;
  makespan: number;
  deadlineMisses: number;
  waitP50: number;
  waitP95: number;
}

export function scenarioPoints(simulation: Pick<SimulationDto, 'rows'>): { points: ScenarioPoint[]; makespanUnit: TimeUnit; waitUnit: TimeUnit } {
  const makespanUnit = timeUnit(Math.max(0, ...simulation.rows.map((r) => r.makespanMs)));
  const waitUnit = timeUnit(Math.max(0, ...simulation.rows.map((r) => r.waits.p95Ms)));
  const points = simulation.rows.map((row) => ({
    scenario: row.name,
    isBase: row.isBase,
    makespan: round1(row.makespanMs / makespanUnit.ms),
    deadlineMisses: row.deadlineMisses,
    waitP50: round1(row.waits.p50Ms / waitUnit.ms),
    waitP95: round1(row.waits.p95Ms / waitUnit.ms),
  }));
  return { points, makespanUnit, waitUnit };
}

/**
 * One entry per agent that appears in any scenario (added agents too), with its utilisation in
 * percent per scenario name; an agent absent from a scenario (removed) has no value there.
 * Busiest agents (in the base) first.
 */
export function utilisationPoints(rows: readonly SimRowDto[]): Array<Record<string, string | number>> {
  const byAgent = new Map<string, Record<string, string | number>>();
  for (const row of rows) {
    for (const usage of row.utilisation) {
      const key = usage.agentId || usage.name;
      const entry = byAgent.get(key) ?? { agent: usage.name };
      entry[row.name] = Math.round(usage.utilisation * 1000) / 10;
      byAgent.set(key, entry);
    }
  }
  const base = rows.find((r) => r.isBase)?.name ?? rows[0]?.name ?? '';
  return [...byAgent.values()].sort((a, b) => Number(b[base] ?? -1) - Number(a[base] ?? -1) || String(a.agent).localeCompare(String(b.agent)));
}

export function meanUtilisation(row: SimRowDto): number {
  return row.utilisation.length ? row.utilisation.reduce((sum, u) => sum + u.utilisation, 0) / row.utilisation.length : 0;
}

/** "−1 h 20 min (−18%)", "+5 min (+2%)", "same" against the base. */
export function makespanDelta(row: SimRowDto): string {
  if (row.isBase) return 'base';
  const ms = row.delta.makespanMs;
  if (Math.abs(ms) < 1000) return 'same';
  const pct = Math.round(row.delta.makespanPct * 100);
  return `${ms < 0 ? '−' : '+'}${formatDuration(Math.round(Math.abs(ms)), 2)} (${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct)}%)`;
}

const clockTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** When a run started, for the summary line: "today 14:05", "tomorrow 06:00", "Wed, 4 Mar, 06:00". */
export function startLabel(startAt: number, now = Date.now()): string {
  const day = (ms: number) => new Date(ms).toDateString();
  const at = new Date(startAt);
  if (day(startAt) === day(now)) return `today ${clockTime.format(at)}`;
  const next = new Date(now);
  next.setDate(next.getDate() + 1);
  if (day(startAt) === next.toDateString()) return `tomorrow ${clockTime.format(at)}`;
  return dayAndTime.format(at);
}

/** Whether a scenario finishes sooner (better), later (worse) or the same as the base. */
export function deltaTone(row: SimRowDto): 'better' | 'worse' | 'same' {
  if (row.isBase || Math.abs(row.delta.makespanMs) < 1000) return 'same';
  return row.delta.makespanMs < 0 ? 'better' : 'worse';
}

/** The best scenario by makespan, then deadline misses; null when the base is best. */
export function bestScenario(rows: readonly SimRowDto[]): SimRowDto | null {
  const base = rows.find((r) => r.isBase);
  let best: SimRowDto | null = null;
  for (const row of rows) {
    if (row.isBase || row.unfinished > (base?.unfinished ?? Infinity)) continue;
    if (!best || row.makespanMs < best.makespanMs || (row.makespanMs === best.makespanMs && row.deadlineMisses < best.deadlineMisses)) best = row;
  }
  if (!best || !base) return null;
  return best.makespanMs < base.makespanMs || best.deadlineMisses < base.deadlineMisses ? best : null;
}

export const SCENARIO_COLOURS = ['#5b7083', '#1d5c94', '#d9822b', '#2da44e', '#8250df', '#cf222e', '#0f8b8d', '#bf8700', '#e85aad'] as const;

export function scenarioColour(index: number): string {
  return SCENARIO_COLOURS[index % SCENARIO_COLOURS.length]!;
}

/** A what-if run's progress for the bar: how far overall (0..1) and in words. */
export interface RunProgressView {
  /** Rows done plus the settled share of the current row, over all rows. */
  fraction: number;
  /** "Current policy (1 of 3)". */
  row: string;
  /** "4,200 of 10,000 tasks settled". */
  tasks: string;
}

const count = new Intl.NumberFormat('en-US');

export function runProgressView(progress: Omit<SimulationProgress, 'runId'>): RunProgressView {
  const rows = Math.max(1, progress.scenarios);
  const within = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 1;
  const fraction = Math.min(1, Math.max(0, (Math.min(progress.scenarioIndex, rows - 1) + within) / rows));
  return {
    fraction,
    row: rows > 1 ? `${progress.scenario} (${progress.scenarioIndex + 1} of ${rows})` : progress.scenario,
    tasks: `${count.format(progress.done)} of ${count.format(progress.total)} ${progress.total === 1 ? 'task' : 'tasks'} settled`,
  };
}

let runSeq = 0;
/** A run id for `delegation.simulate`, so the page follows only the progress of its own run. */
export function newRunId(now = Date.now()): string {
  runSeq += 1;
  return `run-${now.toString(36)}-${runSeq}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}
