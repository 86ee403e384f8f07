// Group commit. With synchronous=FULL every commit waits for an fsync (about 1 ms here), so the
// queue's hot paths (claim, heartbeat, complete, fail, submit) are queued and run together in ONE
// transaction on the next turn of the event loop. Each operation runs in its own savepoint: one
// that throws (a stale attempt, say) is rolled back alone and rejects alone; the others commit.
// A promise resolves only after the commit that holds its change, so an acknowledgement is
// always durable. Events an operation emits are delivered after that commit, never for a
// rolled-back operation.
import type { SqliteDatabase } from '../../native/sqlite';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';

/** Collects what an operation wants announced; delivered only if the operation commits. */
export type Outbox = (() => void)[];

export type BatchedOp<T> = (outbox: Outbox) => T;

interface Pending {
  op: BatchedOp<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface WriteBatcherOptions {
  /** Operations per transaction; a longer queue is committed in several. */
  maxBatch?: number;
  /** Called after each commit, once its promises are settled. */
  onCommit?: () => void;
}

export class WriteBatcher {
  private pending: Pending[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private disposed = false;
  private readonly maxBatch: number;
  private readonly onCommit: (() => void) | undefined;
  private readonly savepoint: (op: BatchedOp<unknown>, outbox: Outbox) => unknown;
  /** Commits so far (for metrics and tests). */
  commits = 0;

  constructor(
    private readonly sqlite: SqliteDatabase,
    private readonly bus: EventBus,
    options: WriteBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.onCommit = options.onCommit;
    this.savepoint = sqlite.transaction((op: BatchedOp<unknown>, outbox: Outbox) => op(outbox));
  }

  /** Queues op for the next group commit; resolves with its value once committed. */
  run<T>(op: BatchedOp<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new AppError('unavailable', 'The task queue is shut down'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ op, resolve: resolve as (v: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => {
        this.scheduled = null;
        this.flush();
      });
    });
  }

  get queued(): number {
    return this.pending.length;
  }

  /** Commits everything queued now (the timer does this on its own). */
  flush(): void {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.commit(batch);
    }
  }

  private commit(batch: Pending[]): void {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.bus.afterCommit(() =>
        this.sqlite.transaction(() => {
          for (const p of batch) {
            const outbox: Outbox = [];
            try {
              const value = this.savepoint(p.op, outbox);
              for (const announce of outbox) announce();
              outcomes.push({ ok: true, value });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
          // IMMEDIATE: take the write lock up front, so a CLI write on the same file makes this
          // wait (busy_timeout) instead of failing the whole batch half-way.
        }).immediate(),
      );
      this.commits++;
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of this batch happened.
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
    this.onCommit?.();
  }

  /** Commits what is queued and refuses anything later. */
  dispose(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.flush();
    this.disposed = true;
  }
}
