// The floor at a glance, for the dashboard: how much work is in each state now, and what the queue
// did minute by minute over the last hour (created, started, succeeded, failed, timed out, leases
// lost, cancelled, dead).
//
// The counts by state come from one whole-table count (read off the main thread by the background
// reader; the answer is at most `depthMaxAgeMs` old, shared by every window that asks). The minutes
// come from the queue's counters, sampled every few seconds: the difference since the last sample
// goes to the minute the sample was taken in (so a minute may be a few seconds off at its edges).
// They cover what this process did since it started; the overview says since when.
import type { TaskOverview, TaskState } from '../../preload/contract';
import type { Clock } from '../core/clock';
import { priorityOf } from './model';
import type { QueueCounters } from './queue';

export const FLOOR_MINUTES = 60;
const MINUTE = 60_000;

type DepthRow = { state: TaskState; priority: number; n: number };

export interface FloorDeps {
  counters: Readonly<QueueCounters>;
  /** Tasks by state and priority rank (background-reader.ts's taskDepth). */
  depth: () => Promise<DepthRow[]>;
  clock: Clock;
  /** When this process started counting (the host's start). */
  since: number;
  /** How often the counters are sampled (default 5 s). */
  sampleMs?: number;
  /** How old a count by state may be before it is read again (default 2 s). */
  depthMaxAgeMs?: number;
}

interface Minute {
  /** Start of the minute (epoch ms). */
  at: number;
  counts: QueueCounters;
}

const zero = (): QueueCounters => ({ created: 0, claimed: 0, succeeded: 0, failed: 0, timedOut: 0, leaseExpired: 0, cancelled: 0, dead: 0 });
const KEYS = Object.keys(zero()) as (keyof QueueCounters)[];

export class FloorWatch {
  private readonly minutes: Minute[] = [];
  private last: QueueCounters;
  private readonly timer: NodeJS.Timeout;
  private depthAt = -Infinity;
  private depthRows: Promise<TaskOverview['depth']> | null = null;

  constructor(private readonly deps: FloorDeps) {
    this.last = { ...deps.counters };
    this.timer = setInterval(() => this.sample(), deps.sampleMs ?? 5000);
    this.timer.unref();
  }

  /** Folds what the counters gained since the last sample into the current minute. */
  sample(): void {
    const now = this.deps.clock.now();
    const at = now - (now % MINUTE);
    let minute = this.minutes.at(-1);
    if (!minute || minute.at !== at) {
      minute = { at, counts: zero() };
      this.minutes.push(minute);
    }
    const counters = this.deps.counters;
    for (const key of KEYS) {
      minute.counts[key] += counters[key] - this.last[key];
      this.last[key] = counters[key];
    }
    while (this.minutes.length > 0 && this.minutes[0]!.at <= at - FLOOR_MINUTES * MINUTE) this.minutes.shift();
  }

  /** Tasks by state and priority, at most depthMaxAgeMs old (read off the main thread; shared). */
  depth(): Promise<TaskOverview['depth']> {
    const now = this.deps.clock.now();
    if (!this.depthRows || now - this.depthAt > (this.deps.depthMaxAgeMs ?? 2000)) {
      this.depthAt = now;
      const rows = this.deps.depth().then((all) => all.map((r) => ({ state: r.state, priority: priorityOf(r.priority), count: r.n })));
      this.depthRows = rows;
      // A failed read is not kept: the next one reads again.
      rows.catch(() => {
        if (this.depthRows === rows) this.depthRows = null;
      });
    }
    return this.depthRows;
  }

  async overview(): Promise<TaskOverview> {
    this.sample();
    const depth = await this.depth();
    const now = this.deps.clock.now();
    const current = now - (now % MINUTE);
    const first = current - (FLOOR_MINUTES - 1) * MINUTE;
    const byStart = new Map(this.minutes.map((m) => [m.at, m.counts]));
    const minutes: TaskOverview['minutes'] = [];
    // Every minute of the hour is present (zeros included) from the later of an hour ago and the start.
    const start = Math.max(first, this.deps.since - (this.deps.since % MINUTE));
    for (let at = start; at <= current; at += MINUTE) minutes.push({ at, ...(byStart.get(at) ?? zero()) });
    return {
      at: now,
      countingSince: this.deps.since,
      depth,
      minutes,
    };
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
