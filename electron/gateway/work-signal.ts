// Wakes long-polling claims and WebSocket agents when work may have appeared for them: a task
// became ready (everyone), a task was offered (assigned) to an agent or one of its tasks ended,
// freeing capacity (that agent), or an agent changed (status, capacity: that agent). Task news
// comes from the queue right after its commit (TaskQueue.onWork, before the fsync returns: the
// woken claim's own acknowledgement waits for an fsync that covers it), agent news from the bus.
// A version counter closes the gap between an empty claim and the start of the wait: a waiter
// that saw version v returns at once if anything happened since. Wake-ups are coalesced per
// event-loop turn, so a batch of 1,000 new tasks wakes each waiter once.
import type { EventBus } from '../core/events';
import type { WorkNews } from '../tasks/timeline-buffer';

interface Waiter {
  agentId: string;
  resolve(): void;
}

/** Where task news comes from (TaskQueue). */
export interface WorkSource {
  onWork(listener: (news: WorkNews) => void): () => void;
}

export class WorkSignal {
  private seen = 0;
  private readonly perAgent = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Map<() => void, string>();
  private everyone = false;
  private readonly agentsToWake = new Set<string>();
  private scheduled: NodeJS.Immediate | null = null;
  private readonly offs: (() => void)[];
  private disposed = false;

  constructor(bus: EventBus, tasks: WorkSource) {
    this.offs = [
      bus.onDidEmit(({ name, payload }) => {
        if (name === 'agent.changed') this.bump((payload as { id: string }).id);
      }),
      tasks.onWork((news) => {
        if (news.ready) this.bump(null);
        for (const agentId of news.agents) this.bump(agentId);
      }),
    ];
  }

  /** Changes that concern `agentId` so far; pass it to wait(). */
  versionFor(agentId: string): number {
    return this.seen + (this.perAgent.get(agentId) ?? 0);
  }

  get waiting(): number {
    return this.waiters.size;
  }

  private bump(agentId: string | null): void {
    if (agentId === null) {
      this.seen++;
      this.everyone = true;
    } else {
      this.perAgent.set(agentId, (this.perAgent.get(agentId) ?? 0) + 1);
      this.agentsToWake.add(agentId);
    }
    if (this.scheduled || this.disposed || (this.waiters.size === 0 && this.listeners.size === 0)) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      this.wake();
    });
  }

  private wake(): void {
    const all = this.everyone;
    const some = new Set(this.agentsToWake);
    this.everyone = false;
    this.agentsToWake.clear();
    for (const w of [...this.waiters]) if (all || some.has(w.agentId)) w.resolve();
    for (const [fn, agentId] of [...this.listeners]) if (all || some.has(agentId)) fn();
  }

  /**
   * Resolves when something for `agentId` changed after `since`, after `ms`, when `signal`
   * aborts, or at dispose. Never rejects: the caller simply claims again (or gives up).
   */
  wait(agentId: string, since: number, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.disposed || this.versionFor(agentId) !== since || ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        agentId,
        resolve: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', waiter.resolve);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.resolve, ms);
      signal?.addEventListener('abort', waiter.resolve, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Calls fn on every coalesced wake-up that concerns `agentId` (WebSocket agents); returns the unsubscribe. */
  onWake(agentId: string, fn: () => void): () => void {
    this.listeners.set(fn, agentId);
    return () => this.listeners.delete(fn);
  }

  /** Ends every wait now (shutdown) without disposing. */
  releaseAll(): void {
    for (const w of [...this.waiters]) w.resolve();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const off of this.offs) off();
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    for (const w of [...this.waiters]) w.resolve();
    this.listeners.clear();
  }
}
