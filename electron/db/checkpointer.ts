// WAL checkpoints on a thread of their own. By default SQLite checkpoints inside the commit that
// pushes the WAL past 1,000 pages: that commit then also copies the frames into the database and
// fsyncs both files, a few milliseconds on the main thread, in the middle of the queue's group
// commits. Here a worker thread with its own connection (checkpoint-worker.ts) runs PASSIVE
// checkpoints whenever the WAL file has grown past `walBytes` (checked every `intervalMs`), and
// the main connection's own auto-checkpoint moves out to `fallbackPages`, a safety net should
// the thread fall behind. If the thread fails, the main connection goes back to SQLite's
// default and the failure is logged: nothing is lost either way, a checkpoint only moves
// committed frames.
import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from '../../native/sqlite';
import { closeWorker, spawnWorkerScript } from '../core/worker-script';

export interface CheckpointerLog {
  warn(details: object, message: string): void;
}

export interface CheckpointerOptions {
  /** How often the WAL's size is looked at (default 100 ms). */
  intervalMs?: number;
  /** Checkpoint once the WAL file is at least this big (default 4 MiB, about SQLite's 1,000 pages). */
  walBytes?: number;
  /** The main connection's own wal_autocheckpoint meanwhile (default 16,384 pages, 64 MiB). */
  fallbackPages?: number;
  log?: CheckpointerLog;
  /** Starts the thread (tests give one that fails). */
  spawn?: (file: string) => Worker;
}

type Reply = { ok: true; busy: number; log: number; checkpointed: number } | { ok: false; error: string };

const SQLITE_DEFAULT_PAGES = 1000;

export class Checkpointer {
  private worker: Worker | null;
  private readonly timer: NodeJS.Timeout;
  private inFlight = false;
  private closed = false;
  private readonly walFile: string;
  private readonly walBytes: number;
  /** Checkpoints done and frames copied so far (metrics, tests). */
  readonly stats = { checkpoints: 0, framesCopied: 0, failures: 0 };

  constructor(
    file: string,
    private readonly sqlite: SqliteDatabase,
    private readonly options: CheckpointerOptions = {},
  ) {
    this.walFile = `${file}-wal`;
    this.walBytes = options.walBytes ?? 4 * 1024 * 1024;
    const spawn = options.spawn ?? ((f: string) => spawnWorkerScript('checkpoint-worker', __dirname, { workerData: { file: f } }));
    try {
      this.worker = spawn(file);
    } catch (error) {
      // E.g. the worker script is missing from a broken install: SQLite keeps checkpointing itself.
      this.worker = null;
      this.stats.failures++;
      options.log?.warn({ err: error }, 'the checkpoint thread could not start; SQLite checkpoints in the commits');
    }
    if (this.worker) {
      sqlite.pragma(`wal_autocheckpoint = ${options.fallbackPages ?? 16_384}`);
      this.worker.unref();
      this.worker.on('message', (reply: Reply) => this.answered(reply));
      this.worker.on('error', (error) => this.failed(error));
      this.worker.on('exit', (code) => {
        if (!this.closed && this.worker) this.failed(new Error(`the checkpoint thread exited with code ${code}`));
      });
    }
    this.timer = setInterval(() => this.look(), options.intervalMs ?? 100);
    this.timer.unref();
  }

  /** True while the thread does the checkpoints (false: SQLite's own, in the commits). */
  get running(): boolean {
    return this.worker !== null;
  }

  private look(): void {
    if (this.inFlight || !this.worker) return;
    let size: number;
    try {
      size = statSync(this.walFile).size;
    } catch {
      return; // no WAL file right now (e.g. between close and reopen): nothing to copy
    }
    if (size < this.walBytes) return;
    this.inFlight = true;
    this.worker.postMessage('checkpoint');
  }

  private answered(reply: Reply): void {
    this.inFlight = false;
    if (reply.ok) {
      this.stats.checkpoints++;
      this.stats.framesCopied += Math.max(0, reply.checkpointed);
    } else {
      this.stats.failures++;
      this.options.log?.warn({ error: reply.error }, 'a background WAL checkpoint failed; the next one will try again');
    }
  }

  private failed(error: unknown): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.inFlight = false;
    this.stats.failures++;
    if (this.sqlite.open) this.sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
    this.options.log?.warn({ err: error }, 'the checkpoint thread failed; SQLite checkpoints in the commits again');
    void worker.terminate();
  }

  /** Ends the thread (its connection closed first) and hands checkpoints back to SQLite. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const worker = this.worker;
    this.worker = null;
    if (this.sqlite.open) this.sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
    if (!worker) return;
    await closeWorker(worker);
  }
}
