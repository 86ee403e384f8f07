// Wakes long-polling claims and WebSocket agents when work may have appeared for them: a task
// became ready (everyone), a task was offered (assigned) to an agent or one of its tasks ended,
// freeing capacity (that agent), or an agent changed (status, capacity: that agent). A version
// counter closes the gap between an empty claim and the start of the wait: a waiter that saw
// version v returns at once if anything happened since. Wake-ups are coalesced per event-loop
// turn, so a batch of 1,000 new tasks wakes each waiter once.
import type { TaskSummary } from '../../preload/contract';
import type { EventBus } from '../core/events';

interface Waiter {
  agentId: string;
  resolve(): void;
}

const FREES_CAPACITY = new Set(['succeeded', 'failed', 'timed_out', 'cancelled', 'dead', 'ready']);

export class WorkSignal {
  private seen = 0;
  private readonly perAgent = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Map<() => void, string>();
  private everyone = false;
  private readonly agentsToWake = new Set<string>();
  private scheduled: NodeJS.Immediate | null = null;
  private readonly off: () => void;
  private disposed = false;

  constructor(bus: EventBus) {
    this.off = bus.onDidEmit(({ name, payload }) => {
      if (name === 'agent.changed') return this.bump((payload as { id: string }).id);
      if (name !== 'task.created' && name !== 'task.updated') return;
      const t = payload as Pick<TaskSummary, 'state' | 'assignedAgentId'>;
      if (t.state === 'ready') this.bump(null);
      if (t.assignedAgentId && (t.state === 'assigned' || FREES_CAPACITY.has(t.state))) this.bump(t.assignedAgentId);
    });
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
    this.off();
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    for (const w of [...this.waiters]) w.resolve();
    this.listeners.clear();
  }
}
