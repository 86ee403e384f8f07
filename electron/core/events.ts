// The in-process event bus. Services emit past-tense events only after their transaction
// committed, so a rolled-back change announces nothing.
import type { EventName, EventPayload } from '../../preload/contract';

export type SessionSignal = { kind: 'locked' | 'ended'; sessionId: string; reason: string };

export type BusListener = (event: { name: EventName; payload: EventPayload<EventName> }) => void;
export type SessionListener = (signal: SessionSignal) => void;

type Held =
  | { kind: 'event'; name: EventName; payload: EventPayload<EventName> }
  | { kind: 'session'; signal: SessionSignal }
  | { kind: 'run'; fn: () => void };

export class EventBus {
  private readonly listeners = new Set<BusListener>();
  private readonly sessionListeners = new Set<SessionListener>();
  private held: Held[] | null = null;

  /**
   * Runs fn (a transaction) holding back everything emitted inside it: delivered after fn
   * returns, dropped if it throws. This is what makes "events after commit" hold everywhere.
   */
  afterCommit<T>(fn: () => T): T {
    const { value, release } = this.hold(fn);
    release();
    return value;
  }

  /**
   * Like afterCommit, but what fn emitted is delivered only when release() is called: for a
   * commit that is acknowledged later (the write batcher's fsync off the main thread). Inside
   * another afterCommit/hold, the outer one delivers and release() does nothing.
   */
  hold<T>(fn: () => T): { value: T; release: () => void } {
    if (this.held) return { value: fn(), release: () => {} };
    this.held = [];
    let value: T;
    let held: Held[];
    try {
      value = fn();
    } finally {
      held = this.held;
      this.held = null;
    }
    return {
      value,
      release: () => {
        for (const h of held) {
          if (h.kind === 'event') this.deliver(h.name, h.payload);
          else if (h.kind === 'session') this.deliverSignal(h.signal);
          else h.fn();
        }
        held = [];
      },
    };
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    if (this.held) this.held.push({ kind: 'event', name, payload });
    else this.deliver(name, payload);
  }

  /**
   * Runs fn once the current transaction has committed (at once outside one), in order with the
   * events; dropped when it rolls back. For in-memory state that must only learn committed facts.
   */
  afterCommitRun(fn: () => void): void {
    if (this.held) this.held.push({ kind: 'run', fn });
    else fn();
  }

  private deliver(name: EventName, payload: EventPayload<EventName>): void {
    for (const listener of [...this.listeners]) listener({ name, payload });
  }

  onDidEmit(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  signalSession(signal: SessionSignal): void {
    if (this.held) this.held.push({ kind: 'session', signal });
    else this.deliverSignal(signal);
  }

  private deliverSignal(signal: SessionSignal): void {
    for (const listener of [...this.sessionListeners]) listener(signal);
  }

  onSessionSignal(listener: SessionListener): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size + this.sessionListeners.size;
  }

  dispose(): void {
    this.listeners.clear();
    this.sessionListeners.clear();
  }
}
