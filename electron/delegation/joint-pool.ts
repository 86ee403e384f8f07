// Large joint rounds off the main thread: a pool of one worker thread (joint-worker.ts), started
// at the first large round and terminated by close(). Small rounds are solved at once on the
// calling thread. The worker holds a replica of the engine's models, kept in step by replaying the
// observations it missed (a full snapshot only when it has none or lags too far), so a round
// costs the main thread only the job's structured clone and rebuilding the answer from typed
// arrays. Nothing is lost when the worker fails: a crash, an error, a timeout or a job that cannot
// be cloned sends the round to the engine's sliced main-thread path (same coin, same seed, so the
// same picks), and the failure is logged. After a few failures in a row the worker rests a while.
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { spawnWorkerScript } from '../core/worker-script';
import type { DelegationEngine, JointDecision, JointJob, JointOptions, ModelMark } from './engine';
import { isAgentOpen } from './feasibility';
import { decodeJoint, type RosterMessage, type RoundReply, type RoundRequest } from './joint-wire';
import type { DelegationAgent, DelegationTask } from './types';

/** The part of a pino logger the pool uses. */
export interface JointPoolLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface JointPoolOptions {
  /** Rounds of at most this many task x free-agent pairs are solved at once on the calling thread (default 20,000). */
  syncPairs?: number;
  /** Work per slice of the main-thread fallback, ms (default 8). */
  sliceMs?: number;
  /** A round the worker has not answered by then goes back to the main thread and the worker is restarted (default 20 s). */
  timeoutMs?: number;
  /** After this many failures in a row the worker is not started again for restMs (default 3, 60 s). */
  maxFailures?: number;
  restMs?: number;
  /** Starts the worker (default spawnJointWorker; tests give one that crashes). */
  spawn?: () => Worker;
  log?: JointPoolLog;
}

interface Pending {
  worker: Worker;
  job: JointJob;
  resolve: (decision: JointDecision) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  started: number;
  /** The longer of the main thread's two stretches preparing the round (job and roster; model update and the rest). */
  prepMs: number;
}

/**
 * The worker's young generation, MB. A round allocates its candidates and predictions (tens of
 * thousands of small objects) and keeps them until it ends; with V8's default (16 MB semi-spaces)
 * they were copied by several scavenges per round and promoted, and garbage collection took ~15%
 * of a 2,000-task round. 192 MB (64 MB semi-spaces) lets most rounds finish between scavenges:
 * on bench:assign's rounds the worker's time fell by ~15%.
 */
const YOUNG_GENERATION_MB = 192;

/** The joint-round worker: out/main/joint-worker.js when built, else joint-worker.ts through tsx (core/worker-script.ts). */
export function spawnJointWorker(): Worker {
  return spawnWorkerScript('joint-worker', __dirname, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
}

export class JointWorkerPool {
  private worker: Worker | null = null;
  /** Where the worker's models stand (null: it has none, send a full snapshot). */
  private mark: ModelMark | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failures = 0;
  private restUntil = -Infinity;
  private closed = false;
  private readonly options: Required<Omit<JointPoolOptions, 'log'>> & { log: JointPoolLog | undefined };

  constructor(
    private readonly engine: DelegationEngine,
    options: JointPoolOptions = {},
  ) {
    this.options = {
      syncPairs: options.syncPairs ?? 20_000,
      sliceMs: options.sliceMs ?? 8,
      timeoutMs: options.timeoutMs ?? 20_000,
      maxFailures: options.maxFailures ?? 3,
      restMs: options.restMs ?? 60_000,
      spawn: options.spawn ?? spawnJointWorker,
      log: options.log,
    };
  }

  /** The running worker's thread id, null when none runs (started lazily, ended by close()). */
  get threadId(): number | null {
    return this.worker ? this.worker.threadId : null;
  }

  /**
   * The engine's joint round: at once on this thread when small (task x free-agent pairs up to
   * syncPairs), else in the worker (a Promise). The answer is what engine.decideJointSync would
   * give for the same round; stats.solvedIn says where it ran.
   */
  decide(
    tasks: readonly DelegationTask[],
    agents: readonly DelegationAgent[],
    now: number,
    options: Pick<JointOptions, 'topK' | 'explore'> = {},
  ): JointDecision | Promise<JointDecision> {
    let free = 0;
    for (const a of agents) if (isAgentOpen(a, now)) free++;
    if (tasks.length * free <= this.options.syncPairs) return this.engine.decideJointSync(tasks, agents, now, options);
    const started = performance.now();
    const job = this.engine.jointJob(tasks, agents, now, options);
    if (this.closed || !this.engine.portable || started < this.restUntil) return this.onMainThread(job);
    return this.inWorker(job, started);
  }

  /**
   * Sends the round in two messages with a turn of the event loop between (the roster, then the
   * rest), so cloning it holds the main thread in two shorter stretches; prepMs is the longer.
   */
  private async inWorker(job: JointJob, started: number): Promise<JointDecision> {
    let worker: Worker;
    try {
      worker = this.ensureWorker();
      const roster: RosterMessage = { type: 'roster', id: this.nextId, agents: job.agents };
      worker.postMessage(roster);
    } catch (error) {
      // The worker could not start, or the roster cannot be cloned (a function in an agent record).
      this.failed(error, 'a joint round could not be sent to the worker; solving it on the main thread');
      return this.onMainThread(job);
    }
    const id = this.nextId++;
    const firstMs = performance.now() - started;
    await new Promise<void>((resolve) => setImmediate(resolve));
    // The worker may have stopped meanwhile (its exit sent nothing pending: this round is not yet).
    if (this.worker !== worker) return this.onMainThread(job);
    const secondStart = performance.now();
    const model = this.engine.modelUpdate(this.mark);
    const { agents: _sent, ...rest } = job;
    const request: RoundRequest = { type: 'round', id, config: this.engine.config, model, job: rest };
    try {
      worker.postMessage(request);
    } catch (error) {
      // The update did not arrive either: the worker gets a full snapshot next time.
      this.mark = null;
      this.failed(error, 'a joint round could not be sent to the worker; solving it on the main thread');
      return this.onMainThread(job);
    }
    this.mark = model.mark;
    worker.ref();
    const prepMs = Math.max(firstMs, performance.now() - secondStart);
    return new Promise<JointDecision>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.options.log?.warn({ timeoutMs: this.options.timeoutMs }, 'the joint-round worker did not answer in time; restarting it');
        void worker.terminate();
      }, this.options.timeoutMs);
      timer.unref();
      this.pending.set(id, { worker, job, resolve, reject, timer, started, prepMs });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.options.spawn();
    worker.on('message', (reply: RoundReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.options.log?.error({ err: error }, 'the joint-round worker crashed'));
    worker.on('exit', (code) => this.onExit(worker, code));
    // Idle, it does not keep the process alive; a round in flight does (ref in inWorker).
    worker.unref();
    this.worker = worker;
    this.mark = null;
    return worker;
  }

  private onReply(worker: Worker, reply: RoundReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.settle(reply.id, p);
    if (this.worker === worker && !this.busy(worker)) worker.unref();
    if (reply.type === 'failed') {
      // The replica may be half-updated: it gets a full snapshot next time.
      this.mark = null;
      this.failed(new Error(reply.message), 'the joint-round worker failed a round; solving it on the main thread');
      this.onMainThread(p.job).then(p.resolve, p.reject);
      return;
    }
    try {
      const applyStart = performance.now();
      const decoded = decodeJoint(p.job, reply.result);
      this.engine.rememberPicks(p.job.tasks, p.job.agents, reply.result.picks);
      const end = performance.now();
      this.failures = 0;
      p.resolve({
        ...decoded,
        stats: {
          ...decoded.stats,
          slices: 2,
          longestSliceMs: Math.max(p.prepMs, end - applyStart),
          totalMs: end - p.started,
          solvedIn: 'worker',
          workerMs: reply.solveMs,
        },
      });
    } catch (error) {
      this.failed(error, 'the joint-round worker gave an answer that could not be read; solving the round on the main thread');
      this.onMainThread(p.job).then(p.resolve, p.reject);
    }
  }

  private onExit(worker: Worker, code: number): void {
    if (this.worker === worker) {
      this.worker = null;
      this.mark = null;
    }
    const lost = [...this.pending].filter(([, p]) => p.worker === worker);
    if (!this.closed) this.failed(new Error(`exit code ${code}`), 'the joint-round worker stopped; its rounds go to the main thread');
    for (const [id, p] of lost) {
      this.settle(id, p);
      this.onMainThread(p.job).then(p.resolve, p.reject);
    }
  }

  private settle(id: number, p: Pending): void {
    clearTimeout(p.timer);
    this.pending.delete(id);
  }

  private busy(worker: Worker): boolean {
    for (const p of this.pending.values()) if (p.worker === worker) return true;
    return false;
  }

  private failed(error: unknown, message: string): void {
    this.failures++;
    const resting = this.failures >= this.options.maxFailures;
    if (resting) {
      this.restUntil = performance.now() + this.options.restMs;
      this.failures = 0;
    }
    this.options.log?.warn({ err: error, ...(resting ? { restMs: this.options.restMs } : {}) }, message);
  }

  /** The engine's sliced path on this thread, with the job's coin and seed: the same picks the worker would give. */
  private onMainThread(job: JointJob): Promise<JointDecision> {
    return this.engine.decideJoint(job.tasks, job.agents, job.now, {
      topK: job.topK,
      explore: job.explore,
      sliceMs: this.options.sliceMs,
      ...(job.seed !== null ? { seed: job.seed } : {}),
    });
  }

  /** Terminates the worker; a round still out is finished on the main thread. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.mark = null;
    await worker.terminate();
  }
}
