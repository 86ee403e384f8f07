// Reads that scan a lot (counting every task by state for the dashboard and /metrics) on a thread
// of their own (read-worker.ts), so they never hold the main thread where the queue's group
// commits run: ~30 ms at 100,000 tasks, every few seconds while a dashboard is open or Prometheus
// scrapes. The thread has its own read-only connection; under WAL it reads the last committed
// state without blocking the writer. Only the named queries of read-queries.ts can be asked for.
//
// Asking for a query already on its way shares that answer (several windows and a scrape at once
// cost one scan). Should the thread fail to start or die, the queries run on the main connection
// instead (the old cost, logged once): an answer is never lost, only its thread.
import type { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from '../../native/sqlite';
import { closeWorker, spawnWorkerScript } from '../core/worker-script';
import { READ_QUERIES, type ReadQueryName, type ReadReply, type ReadRequest } from './read-queries';

export interface BackgroundReaderLog {
  warn(details: object, message: string): void;
}

export interface BackgroundReaderOptions {
  log?: BackgroundReaderLog;
  /** Starts the thread (tests give one that fails). */
  spawn?: (file: string) => Worker;
}

interface Waiting {
  name: ReadQueryName;
  resolve: (rows: unknown[]) => void;
  reject: (error: unknown) => void;
}

export class BackgroundReader {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly inFlight = new Map<ReadQueryName, Promise<unknown[]>>();
  private closed = false;
  /** Queries answered by the thread and on the main connection (tests, diagnostics). */
  readonly stats = { onThread: 0, onMain: 0, failures: 0 };

  constructor(
    file: string,
    private readonly sqlite: SqliteDatabase,
    private readonly options: BackgroundReaderOptions = {},
  ) {
    const spawn = options.spawn ?? ((f: string) => spawnWorkerScript('read-worker', __dirname, { workerData: { file: f } }));
    let worker: Worker;
    try {
      worker = spawn(file);
    } catch (error) {
      this.stats.failures++;
      options.log?.warn({ err: error }, 'the background reader thread could not start; its queries run on the main thread');
      return;
    }
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: ReadReply) => this.answered(reply));
    worker.on('error', (error) => this.failed(error));
    worker.on('exit', (code) => {
      if (!this.closed && this.worker) this.failed(new Error(`the background reader thread exited with code ${code}`));
    });
  }

  /** True while the thread answers (false: the main connection does). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** The rows of a named query, read off the main thread when the thread is there. */
  read<T>(name: ReadQueryName): Promise<T[]> {
    if (this.closed) return Promise.reject(new Error('the background reader is closed'));
    const shared = this.inFlight.get(name);
    if (shared) return shared as Promise<T[]>;
    const answer = this.worker ? this.ask(this.worker, name) : Promise.resolve().then(() => this.onMain(name));
    this.inFlight.set(name, answer);
    const done = () => {
      if (this.inFlight.get(name) === answer) this.inFlight.delete(name);
    };
    answer.then(done, done);
    return answer as Promise<T[]>;
  }

  private ask(worker: Worker, name: ReadQueryName): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { name, resolve, reject });
      if (this.waiting.size === 1) worker.ref(); // an answer is owed: keep the thread's port alive
      const request: ReadRequest = { id, name };
      worker.postMessage(request);
    });
  }

  private onMain(name: ReadQueryName): unknown[] {
    this.stats.onMain++;
    return this.sqlite.prepare(READ_QUERIES[name]).all();
  }

  private answered(reply: ReadReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (reply.ok) {
      this.stats.onThread++;
      waiting.resolve(reply.rows);
      return;
    }
    // The query itself failed on the thread (e.g. the database is busy past the timeout): the
    // main connection gets the same chance.
    this.stats.failures++;
    this.options.log?.warn({ error: reply.error, query: waiting.name }, 'a background read failed; read on the main thread instead');
    this.settleOnMain(waiting);
  }

  private settleOnMain(waiting: Waiting): void {
    try {
      if (!this.sqlite.open) throw new Error('the database is closed');
      waiting.resolve(this.onMain(waiting.name));
    } catch (error) {
      waiting.reject(error);
    }
  }

  private failed(error: unknown): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.stats.failures++;
    this.options.log?.warn({ err: error }, 'the background reader thread failed; its queries run on the main thread');
    void worker.terminate();
    const owed = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiting of owed) this.settleOnMain(waiting);
  }

  /** Ends the thread (its connection closed first); queries still owed are answered first. */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled([...this.inFlight.values()]);
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    await closeWorker(worker);
  }
}
