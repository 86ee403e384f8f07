// GET /metrics: Prometheus text. Queue depth by state and priority is read from SQLite at scrape
// time (in the host by the background reader's thread, at most 2 s old); throughput and lease expiries come from the queue's counters (since this process
// started); latencies are histograms the gateway observes. One registry per gateway: no globals.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TASK_PRIORITIES, TASK_STATES, type TaskDto, type TaskPriority, type TaskState } from '../../preload/contract';
import type { QueueCounters, TaskQueue } from '../tasks/queue';

export type TaskDepthRow = { state: TaskState; priority: TaskPriority; count: number };

const COUNTERS: { key: keyof QueueCounters; name: string; help: string }[] = [
  { key: 'created', name: 'delegate_tasks_created_total', help: 'Tasks created' },
  { key: 'claimed', name: 'delegate_tasks_claimed_total', help: 'Attempts started (claims)' },
  { key: 'succeeded', name: 'delegate_tasks_succeeded_total', help: 'Tasks that succeeded' },
  { key: 'failed', name: 'delegate_tasks_failed_total', help: 'Attempts that failed (lost leases included)' },
  { key: 'timedOut', name: 'delegate_tasks_timed_out_total', help: 'Attempts that ran past their timeout' },
  { key: 'leaseExpired', name: 'delegate_task_lease_expirations_total', help: 'Attempts whose lease ran out (agent or app gone)' },
  { key: 'cancelled', name: 'delegate_tasks_cancelled_total', help: 'Tasks cancelled' },
  { key: 'dead', name: 'delegate_tasks_dead_total', help: 'Tasks that used up their attempts or failed for good' },
];

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly duration: Histogram<'route' | 'method'>;
  private readonly wait: Histogram;
  private readonly run: Histogram;
  readonly rateLimited: Counter;
  readonly socketsOpen: Gauge;
  readonly longPolls: Gauge;

  constructor(queue: TaskQueue, depth: () => Promise<TaskDepthRow[]>, longPolls: () => number) {
    const registers = [this.registry];
    new Gauge({
      name: 'delegate_tasks',
      help: 'Tasks by state and priority (finished ones until retention prunes them)',
      labelNames: ['state', 'priority'],
      registers,
      async collect() {
        const rows = await depth();
        this.reset();
        // Every state x priority is present, zero or not, so a series never vanishes.
        for (const state of TASK_STATES) for (const priority of TASK_PRIORITIES) this.set({ state, priority }, 0);
        for (const d of rows) this.set({ state: d.state, priority: d.priority }, d.count);
      },
    });
    for (const c of COUNTERS) {
      new Counter({
        name: c.name,
        help: `${c.help} since the host started`,
        registers,
        collect() {
          this.reset();
          this.inc(queue.counters[c.key]);
        },
      });
    }
    this.requests = new Counter({
      name: 'delegate_gateway_requests_total',
      help: 'Gateway requests by route, method and HTTP status',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'delegate_gateway_request_duration_seconds',
      help: 'Gateway request latency (long polls included)',
      labelNames: ['route', 'method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60],
      registers,
    });
    this.wait = new Histogram({
      name: 'delegate_task_wait_seconds',
      help: 'From ready (created or run-at) to the start of the first attempt',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 1800],
      registers,
    });
    this.run = new Histogram({
      name: 'delegate_task_run_seconds',
      help: 'From the start of an attempt to its report (complete or fail), for attempts handed out by this gateway',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 1800],
      registers,
    });
    this.rateLimited = new Counter({ name: 'delegate_gateway_rate_limited_total', help: 'Requests refused with 429', registers });
    this.socketsOpen = new Gauge({ name: 'delegate_gateway_agent_sockets', help: 'Agents connected over WebSocket', registers });
    this.longPolls = new Gauge({
      name: 'delegate_gateway_long_polls',
      help: 'Claims waiting for work',
      registers,
      collect() {
        this.set(longPolls());
      },
    });
  }

  request(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.duration.observe({ route, method }, seconds);
  }

  /** Attempt start times (task#attempt -> ms), so a completion can observe its run time. */
  private readonly starts = new Map<string, number>();

  claimed(tasks: readonly TaskDto[]): void {
    for (const t of tasks) {
      if (t.startedAt !== null) {
        if (this.starts.size >= 100_000) this.starts.delete(this.starts.keys().next().value!);
        this.starts.set(`${t.id}#${t.attempt}`, t.startedAt);
      }
      if (t.attempt !== 1 || t.startedAt === null) continue;
      const readyAt = Math.max(t.createdAt, t.runAt ?? 0);
      this.wait.observe(Math.max(0, t.startedAt - readyAt) / 1000);
    }
  }

  /** An attempt this gateway handed out ended (complete or fail) at `now`. */
  ended(taskId: string, attempt: number, now: number): void {
    const key = `${taskId}#${attempt}`;
    const started = this.starts.get(key);
    if (started === undefined) return;
    this.starts.delete(key);
    this.run.observe(Math.max(0, now - started) / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
