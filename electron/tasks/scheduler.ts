// Drives the queue's time-driven work in a running host: tick() every tickMs and the retention
// job every maintenanceMs. Timers are unref'd (they never keep a process alive) and dispose()
// stops them. Tests do not use this: they call tick() and prune() with a FakeClock.
// Each tick first re-announces what other connections (the CLI) committed: external-changes.ts.
import type { Logger } from '../log';
import type { ExternalChanges } from './external-changes';
import type { TaskQueue } from './queue';
import type { TaskRetention } from './retention';

export interface QueueSchedulerOptions {
  tickMs: number;
  maintenanceMs: number;
}

export class QueueScheduler {
  private tickTimer: NodeJS.Timeout | null = null;
  private maintenanceTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly queue: TaskQueue,
    private readonly retention: TaskRetention,
    private readonly log: Logger,
    private readonly options: QueueSchedulerOptions,
    private readonly external?: ExternalChanges,
  ) {}

  start(): void {
    if (this.tickTimer || this.options.tickMs <= 0) return;
    this.tickTimer = setInterval(() => this.runTick(), this.options.tickMs);
    this.tickTimer.unref();
    if (this.options.maintenanceMs > 0) {
      this.maintenanceTimer = setInterval(() => this.runMaintenance(), this.options.maintenanceMs);
      this.maintenanceTimer.unref();
    }
  }

  runTick(): void {
    try {
      this.external?.check();
    } catch (error) {
      this.log.error({ err: error }, 'checking for changes by other connections failed');
    }
    try {
      const report = this.queue.tick();
      if (report.leaseExpired || report.timedOut) this.log.warn({ report }, 'task attempts lost their lease or timed out');
    } catch (error) {
      this.log.error({ err: error }, 'task queue tick failed');
    }
  }

  runMaintenance(): void {
    try {
      const { pruned } = this.retention.prune();
      if (pruned) this.log.info({ pruned }, 'pruned finished tasks into daily aggregates');
    } catch (error) {
      this.log.error({ err: error }, 'task retention failed');
    }
  }

  dispose(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    this.tickTimer = null;
    this.maintenanceTimer = null;
  }
}
