// Group commit. Every acknowledged change must be on disk (the durability of synchronous=FULL),
// and an fsync costs a millisecond or more, so the queue's hot paths (claim, heartbeat, complete,
// fail, submit) are queued and run together in ONE transaction on the next turn of the event
// loop. Each operation runs in its own savepoint: one that throws (a stale attempt, say) is
// rolled back alone and rejects alone; the others commit.
//
// The fsync runs off the main thread: a batch commits with synchronous=NORMAL (WAL frames
// written, not yet synced), then the WAL file is fsync'd on libuv's thread pool while the main
// thread goes on with the next batch. A batch's promises resolve, and the events its operations
// emitted are delivered, only once that fsync has returned — and never before an earlier
// batch's — so an acknowledgement is exactly as durable as with synchronous=FULL. A process
// crash before the fsync loses nothing (the frames are in the OS page cache); a power cut can
// lose only batches nobody was told about. SQLite fsyncs the WAL itself before a checkpoint
// copies frames into the database, so a checkpoint never outruns these fsyncs. Writes outside
// the batcher keep synchronous=FULL. An in-memory or non-WAL database commits synchronously.
//
// A savepoint costs ~1.7 µs. An operation queued as `guarded` promises that any AppError it
// throws comes before its first write (e.g. complete: one guarded UPDATE, then the timeline
// row), so it runs without one. Should a guarded operation throw anything else (an SQLite error,
// a bug), it may have written half, so the whole transaction is rolled back and every operation
// of the batch rejected: nothing of it was acknowledged.
import { closeSync, fdatasync, openSync } from 'node:fs';
import type { SqliteDatabase } from '../../native/sqlite';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';

/** Collects what an operation wants announced; delivered only if the operation commits. */
export type Outbox = (() => void)[];

export type BatchedOp<T> = (outbox: Outbox) => T;

interface Pending {
  op: BatchedOp<unknown>;
  guarded: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** An operation joining a batch already running (BatchHooks.joining). */
export type JoiningOp = Pending;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** For state an operation builds up in memory and writes at the end of the transaction. */
export interface BatchHooks {
  /** Before each operation; what it returns is handed to opFailed if the operation is rolled back. */
  opStarting(): number;
  opFailed(mark: number): void;
  /**
   * Inside the transaction, after the queued operations: one more operation to join this same
   * transaction now (a claim parked until work appears, seeing what the others just wrote), or
   * null. Asked again after each such operation has run, until null. Each is settled with the
   * batch, like those queued with run().
   */
  joining?(): JoiningOp | null;
  /** Inside the transaction, after the last operation. */
  beforeCommit(): void;
  /** The whole transaction was rolled back. */
  aborted(): void;
}

export interface WriteBatcherOptions {
  /** Operations per transaction; a longer queue is committed in several. */
  maxBatch?: number;
  /** Called after each commit, once its promises are settled. */
  onSettled?: () => void;
  /** fsync the WAL off the main thread (default: when the database is a WAL file). */
  asyncSync?: boolean;
  hooks?: BatchHooks;
}

export class WriteBatcher {
  private pending: Pending[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private disposed = false;
  private readonly maxBatch: number;
  private readonly onSettled: (() => void) | undefined;
  private readonly hooks: BatchHooks | undefined;
  private inBatch = false;
  private readonly savepoint: (op: BatchedOp<unknown>, outbox: Outbox) => unknown;
  /** Rows changed by this connection so far: a batch that changed none has nothing to sync. */
  private readonly totalChanges: () => number;
  /** The WAL file, opened for fsync; null: commits are synchronous (synchronous=FULL). */
  private walFd: number | null = null;
  /** Settles when every committed batch has been synced and acknowledged, in order. */
  private tail: Promise<void> = Promise.resolve();
  /** Commits so far (for metrics and tests). */
  commits = 0;
  /** fsyncs of the WAL so far: a batch that changed no row needs none. */
  syncs = 0;

  constructor(
    private readonly sqlite: SqliteDatabase,
    private readonly bus: EventBus,
    options: WriteBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.onSettled = options.onSettled;
    this.hooks = options.hooks;
    this.savepoint = sqlite.transaction((op: BatchedOp<unknown>, outbox: Outbox) => op(outbox));
    const changes = sqlite.prepare<[], number>('SELECT total_changes()').pluck();
    this.totalChanges = () => changes.get()!;
    const wal = !sqlite.memory && String(sqlite.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
    if ((options.asyncSync ?? true) && wal) {
      // The -wal file exists while a connection is open in WAL mode (this one, now).
      this.walFd = openSync(`${sqlite.name}-wal`, 'r');
    }
  }

  /**
   * Queues op for the next group commit; resolves with its value once committed and on disk.
   * guarded: op throws AppErrors only before it writes anything (see above): no savepoint.
   */
  run<T>(op: BatchedOp<T>, guarded = false): Promise<T> {
    if (this.disposed) return Promise.reject(new AppError('unavailable', 'The task queue is shut down'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ op, guarded, resolve: resolve as (v: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => {
        this.scheduled = null;
        this.flush();
      });
    });
  }

  /** True while a batch's transaction runs (an operation is executing now). */
  get active(): boolean {
    return this.inBatch;
  }

  get queued(): number {
    return this.pending.length;
  }

  /** Commits everything queued now (the timer does this on its own); see settled(). */
  flush(): void {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.commit(batch);
    }
  }

  /** Resolves once every batch committed so far is on disk and its promises are settled. */
  settled(): Promise<void> {
    return this.tail;
  }

  private commit(batch: Pending[]): void {
    const outcomes: Outcome[] = [];
    let release: () => void;
    // Inside a caller's transaction (a flush() from within one) the batch is only a savepoint: no
    // pragma there, and the caller's commit syncs it.
    const relaxed = this.walFd !== null && !this.sqlite.inTransaction;
    const changesBefore = this.totalChanges();
    try {
      if (relaxed) this.sqlite.pragma('synchronous = NORMAL');
      const hooks = this.hooks;
      this.inBatch = true;
      try {
        release = this.bus.hold(() =>
          this.sqlite.transaction(() => {
            const runOne = (p: Pending) => {
              const outbox: Outbox = [];
              const mark = hooks?.opStarting() ?? 0;
              try {
                const value = p.guarded ? p.op(outbox) : this.savepoint(p.op, outbox);
                for (const announce of outbox) announce();
                outcomes.push({ ok: true, value });
              } catch (error) {
                hooks?.opFailed(mark);
                // A guarded op that failed other than by refusing may have written half: abort all.
                if (p.guarded && !(error instanceof AppError)) throw error;
                outcomes.push({ ok: false, error });
              }
            };
            for (const p of batch) runOne(p);
            for (let p = hooks?.joining?.() ?? null; p; p = hooks?.joining?.() ?? null) {
              batch.push(p);
              runOne(p);
            }
            hooks?.beforeCommit();
            // IMMEDIATE: take the write lock up front, so a CLI write on the same file makes this
            // wait (busy_timeout) instead of failing the whole batch half-way.
          }).immediate(),
        ).release;
      } catch (error) {
        hooks?.aborted();
        throw error;
      } finally {
        this.inBatch = false;
        if (relaxed) this.sqlite.pragma('synchronous = FULL');
      }
      this.commits++;
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of this batch happened.
      for (const p of batch) p.reject(error);
      return;
    }
    const settle = (syncError: unknown) => {
      // The change is committed either way, so its events go out; a failed fsync means we cannot
      // promise it survives a power cut, so nobody is told it succeeded.
      release();
      batch.forEach((p, i) => {
        const o = outcomes[i]!;
        if (syncError !== null) p.reject(new AppError('unavailable', `The change could not be made durable: ${String(syncError)}`));
        else if (o.ok) p.resolve(o.value);
        else p.reject(o.error);
      });
      this.onSettled?.();
    };
    const fd = this.walFd;
    if (fd === null) {
      settle(null);
      return;
    }
    // Nothing written (claims that found no work): nothing to make durable, so no fsync of its
    // own; still answered in order, after the batches before it. Otherwise fdatasync: the frames
    // and the file's new size (all a reader after a crash needs), not its times.
    const wrote = !relaxed || this.totalChanges() !== changesBefore;
    if (wrote) this.syncs++;
    const synced = wrote ? new Promise<unknown>((resolve) => fdatasync(fd, (error) => resolve(error ?? null))) : null;
    this.tail = Promise.all([this.tail, synced])
      .then(([, error]) => settle(error))
      // Only onSettled can throw here (a bug): keep later batches' acknowledgements flowing.
      .catch((error: unknown) => process.emitWarning(`write batcher: ${String(error)}`));
  }

  /** Commits what is queued and refuses anything later; await settled() before closing the database. */
  dispose(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.flush();
    this.disposed = true;
    const fd = this.walFd;
    if (fd !== null) {
      this.walFd = null;
      void this.tail.then(() => closeSync(fd));
    }
  }
}
