// DelegateAgent: join a Delegate site as a software agent. It claims work (HTTP long poll, or
// pushed over the /v1/agent WebSocket), runs your handler with an AbortSignal, renews the lease
// with heartbeats while the handler runs, aborts it when someone cancels the task, reports
// complete / fail (with retryable), and stops gracefully: no new claims, in-flight work finishes.
//
// Delivery is at-least-once: a task may come again after a crash or a lost lease. Each task
// carries its attempt number and idempotency key (task.idempotencyKey, else task.id): make the
// handler's effects idempotent by that key. The gateway never records a completion twice.
import WebSocket from 'ws';
import {
  DelegateClient,
  GatewayRequestError,
  STATUS_OF_CODE,
  type ClientOptions,
  type JsonValue,
  type ReportResult,
  type TaskDto,
  type TaskProgress,
  type TaskState,
} from './client';

/** Throw it from a handler to choose how the failure is recorded. */
export class TaskFailure extends Error {
  override readonly name = 'TaskFailure';
  readonly retryable: boolean;
  readonly code: string | undefined;
  readonly details: JsonValue | undefined;
  constructor(message: string, options: { retryable?: boolean; code?: string; details?: JsonValue } = {}) {
    super(message);
    this.retryable = options.retryable ?? true;
    this.code = options.code;
    this.details = options.details;
  }
}

export interface TaskContext {
  /** Aborted when the task is cancelled, its lease is lost, or the agent stops past its grace. */
  signal: AbortSignal;
  attempt: number;
  /** The key to make effects idempotent by: the task's idempotency key, or its id. */
  effectKey: string;
  /** Reports progress now (a heartbeat with progress). */
  progress(progress: TaskProgress): Promise<void>;
}

export type TaskHandler = (task: TaskDto, ctx: TaskContext) => Promise<JsonValue | undefined | void> | JsonValue | undefined | void;

export type AgentEvent =
  | { type: 'connected'; transport: 'poll' | 'websocket' }
  | { type: 'disconnected'; reason: string }
  | { type: 'claimed'; task: TaskDto }
  | { type: 'completed'; task: TaskDto; state: TaskState }
  | { type: 'failed'; task: TaskDto; message: string; retryable: boolean; state: TaskState }
  | { type: 'cancelled'; task: TaskDto; state: TaskState | null }
  /** The report was refused: the attempt is stale (lease lost, re-claimed) or already recorded. */
  | { type: 'superseded'; task: TaskDto; reason: string }
  | { type: 'error'; error: Error };

export interface AgentOptions extends ClientOptions {
  /** Tasks run at once (default 1). The agent's capacity in Delegate limits it too. */
  concurrency?: number;
  /** `poll` (default): HTTP long poll. `websocket`: assignments and cancels pushed over /v1/agent. */
  transport?: 'poll' | 'websocket';
  /** Long-poll wait per claim (default 20 s). */
  waitMs?: number;
  /** Heartbeat period; default a third of the lease (at most 10 s). */
  heartbeatMs?: number;
  /** Reconnect backoff (default 200 ms doubling to 5 s, with jitter). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long a complete/fail keeps being retried while the gateway is unreachable (default 5 min). */
  reportTimeoutMs?: number;
  /** Send completions that finish in the same moment as one request (default: when concurrency > 1). */
  batchReports?: boolean;
  onEvent?: (event: AgentEvent) => void;
  /** Uniform [0, 1) for jitter (injected for tests). */
  random?: () => number;
}

interface Running {
  task: TaskDto;
  controller: AbortController;
  cancelled: boolean;
  lost: string | null;
  done: Promise<void>;
}

class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

export class DelegateAgent {
  readonly client: DelegateClient;
  private readonly options: Required<Pick<AgentOptions, 'concurrency' | 'transport' | 'waitMs' | 'retryBaseMs' | 'retryMaxMs' | 'reportTimeoutMs'>> &
    AgentOptions;
  private readonly random: () => number;
  private handler: TaskHandler | null = null;
  private running = false;
  private readonly stopController = new AbortController();
  private readonly inflight = new Map<string, Running>();
  private slotWaiter: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private socket: WebSocket | null = null;
  private leaseMs: number | null = null;
  private readonly batchReports: boolean;
  private completions: { id: string; attempt: number; result: JsonValue | undefined; resolve(r: ReportResult): void; reject(e: unknown): void }[] = [];
  private completionsFlush: NodeJS.Immediate | null = null;

  constructor(options: AgentOptions) {
    this.options = {
      concurrency: 1,
      transport: 'poll',
      waitMs: 20_000,
      retryBaseMs: 200,
      retryMaxMs: 5000,
      reportTimeoutMs: 300_000,
      ...options,
    };
    this.random = options.random ?? Math.random;
    this.client = new DelegateClient(options);
    this.batchReports = options.batchReports ?? this.options.concurrency > 1;
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  get isRunning(): boolean {
    return this.running;
  }

  private emit(event: AgentEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // a logging hook must not break the agent
    }
  }

  /** Starts claiming in the background. */
  start(handler: TaskHandler): void {
    if (this.handler) throw new Error('DelegateAgent.start was called twice');
    this.handler = handler;
    this.running = true;
    this.loop = this.options.transport === 'websocket' ? this.socketLoop() : this.pollLoop();
  }

  /** Starts and resolves when the agent has stopped (stop(), or a key the gateway refuses). */
  async run(handler: TaskHandler): Promise<void> {
    this.start(handler);
    await this.loop;
    await this.stop();
  }

  /**
   * Stops claiming and waits for in-flight tasks to finish and report. With graceMs, handlers
   * still running after it are aborted (and reported as retryable failures).
   */
  stop(options: { graceMs?: number } = {}): Promise<void> {
    return (this.stopping ??= (async () => {
      this.running = false;
      this.stopController.abort();
      this.slotWaiter?.();
      this.socket?.close(1000, 'agent stopping');
      let timer: NodeJS.Timeout | undefined;
      if (options.graceMs !== undefined && Number.isFinite(options.graceMs)) {
        timer = setTimeout(() => {
          for (const r of this.inflight.values()) r.controller.abort(new Error('the agent is stopping'));
        }, options.graceMs);
      }
      try {
        await this.loop;
        while (this.inflight.size > 0) await Promise.all([...this.inflight.values()].map((r) => r.done));
      } finally {
        clearTimeout(timer);
      }
    })());
  }

  // --- claiming -----------------------------------------------------------------------------

  private backoff(failures: number, floorMs = 0): Promise<void> {
    const full = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** Math.min(failures, 16));
    return this.sleep(Math.max(floorMs, full * (0.5 + this.random() / 2)));
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.stopController.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async waitForSlot(): Promise<void> {
    // Again after each wake-up: tasks that came back with a completion may have taken the slot.
    while (this.inflight.size >= this.options.concurrency && this.running) {
      await new Promise<void>((resolve) => {
        this.slotWaiter = () => {
          this.slotWaiter = null;
          resolve();
        };
      });
    }
  }

  /** The poll loop waits for a free slot: completions may bring the next tasks back with them. */
  private get claimAlong(): boolean {
    return this.options.transport === 'poll' && this.running && this.slotWaiter !== null;
  }

  /** 401/403 will not get better by retrying: stop. */
  private fatal(error: unknown): boolean {
    return error instanceof GatewayRequestError && (error.status === 401 || error.status === 403);
  }

  private async pollLoop(): Promise<void> {
    let failures = 0;
    let connected = false;
    while (this.running) {
      await this.waitForSlot();
      if (!this.running) break;
      let tasks: TaskDto[];
      try {
        tasks = await this.client.claim(
          { max: this.options.concurrency - this.inflight.size, waitMs: this.options.waitMs },
          this.stopController.signal,
        );
      } catch (error) {
        if (!this.running) break;
        this.emit({ type: 'error', error: error as Error });
        if (this.fatal(error)) {
          this.running = false;
          break;
        }
        if (connected) this.emit({ type: 'disconnected', reason: (error as Error).message });
        connected = false;
        const retryAfter = error instanceof GatewayRequestError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 0;
        await this.backoff(failures++, retryAfter);
        continue;
      }
      if (!connected) this.emit({ type: 'connected', transport: 'poll' });
      connected = true;
      failures = 0;
      for (const task of tasks) this.launch(task);
    }
  }

  private async socketLoop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const opened = await this.openSocket();
      if (!this.running) break;
      if (opened === 'fatal') {
        this.running = false;
        break;
      }
      if (opened === 'ok') failures = 0;
      await this.backoff(failures++);
    }
  }

  /** One socket's life: resolves when it closes. */
  private openSocket(): Promise<'ok' | 'failed' | 'fatal'> {
    return new Promise((resolve) => {
      const url = `${this.client.baseUrl.replace(/^http/, 'ws')}/v1/agent`;
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${this.options.key}` } });
      this.socket = ws;
      let opened = false;
      let outcome: 'ok' | 'failed' | 'fatal' = 'failed';
      ws.on('unexpected-response', (_req, res) => {
        if (res.statusCode === 401 || res.statusCode === 403) outcome = 'fatal';
        this.emit({ type: 'error', error: new GatewayRequestError(res.statusCode ?? 0, 'unexpected_response', `The agent socket was refused with HTTP ${res.statusCode}`) });
        res.resume();
        ws.terminate();
      });
      ws.on('open', () => {
        opened = true;
        outcome = 'ok';
        this.emit({ type: 'connected', transport: 'websocket' });
        this.sendCredit(this.options.concurrency - this.inflight.size);
      });
      ws.on('message', (data) => this.onSocketMessage(data.toString()));
      ws.on('error', (error) => {
        if (!opened && outcome !== 'fatal') this.emit({ type: 'error', error });
      });
      ws.on('close', (code, reason) => {
        if (this.socket === ws) this.socket = null;
        if (opened) this.emit({ type: 'disconnected', reason: `${code} ${reason.toString()}`.trim() });
        resolve(outcome);
      });
    });
  }

  private sendCredit(credit: number): void {
    const ws = this.socket;
    if (credit > 0 && this.running && ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ready', credit }));
  }

  private onSocketMessage(text: string): void {
    let msg: { type?: string; tasks?: TaskDto[]; taskId?: string; attempt?: number; leaseMs?: number; error?: { message?: string } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg.type === 'welcome' && typeof msg.leaseMs === 'number') this.leaseMs = msg.leaseMs;
    else if (msg.type === 'assigned' && Array.isArray(msg.tasks)) for (const task of msg.tasks) this.launch(task);
    else if (msg.type === 'cancel' && typeof msg.taskId === 'string') {
      const r = this.inflight.get(msg.taskId);
      if (r && r.task.attempt === msg.attempt) this.cancel(r);
    } else if (msg.type === 'error') this.emit({ type: 'error', error: new Error(msg.error?.message ?? 'gateway error') });
  }

  // --- running a task -----------------------------------------------------------------------

  private cancel(r: Running): void {
    if (r.cancelled) return;
    r.cancelled = true;
    r.controller.abort(new Cancelled('the task was cancelled'));
  }

  private launch(task: TaskDto): void {
    if (this.inflight.has(task.id)) return;
    const r: Running = { task, controller: new AbortController(), cancelled: false, lost: null, done: Promise.resolve() };
    this.inflight.set(task.id, r);
    this.emit({ type: 'claimed', task });
    r.done = this.execute(r).finally(() => {
      this.inflight.delete(task.id);
      this.slotWaiter?.();
      this.sendCredit(1);
    });
  }

  private heartbeatEvery(task: TaskDto): number {
    if (this.options.heartbeatMs) return this.options.heartbeatMs;
    const lease = task.leaseExpiresAt !== null && task.startedAt !== null ? task.leaseExpiresAt - task.startedAt : (this.leaseMs ?? 30_000);
    return Math.max(100, Math.min(10_000, Math.floor(lease / 3)));
  }

  private async beat(r: Running, progress?: TaskProgress): Promise<void> {
    try {
      const answer = await this.client.heartbeat(r.task.id, r.task.attempt, progress);
      if (answer.cancelRequested) this.cancel(r);
    } catch (error) {
      if (error instanceof GatewayRequestError && (error.status === 409 || error.status === 404)) {
        // Somebody else holds this task now (our lease ran out): stop working on it.
        r.lost ??= error.message;
        r.controller.abort(new Error(`lease lost: ${error.message}`));
      }
      // Transient trouble (host restarting): the next beat tries again.
    }
  }

  private async execute(r: Running): Promise<void> {
    const { task } = r;
    let beating = false;
    const timer = setInterval(() => {
      if (beating) return;
      beating = true;
      void this.beat(r).finally(() => (beating = false));
    }, this.heartbeatEvery(task));
    const ctx: TaskContext = {
      signal: r.controller.signal,
      attempt: task.attempt,
      effectKey: task.idempotencyKey ?? task.id,
      progress: (p) => this.beat(r, p),
    };
    let outcome: { ok: true; value: JsonValue | undefined } | { ok: false; error: unknown };
    try {
      const value = await this.handler!(task, ctx);
      outcome = { ok: true, value: value ?? undefined };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      clearInterval(timer);
    }
    if (r.lost) {
      this.emit({ type: 'superseded', task, reason: r.lost });
      return;
    }
    if (outcome.ok) {
      const answer = await this.report(r, () => this.completeSoon(task.id, task.attempt, outcome.value));
      if (answer) this.emit({ type: 'completed', task, state: answer.state });
      return;
    }
    if (r.cancelled) {
      const answer = await this.report(r, () => this.client.fail(task.id, task.attempt, { message: 'stopped: the task was cancelled', code: 'cancelled' }, false));
      if (answer) this.emit({ type: 'cancelled', task, state: answer.state });
      return;
    }
    const error = outcome.error;
    const failure =
      error instanceof TaskFailure
        ? { message: error.message, code: error.code, details: error.details, retryable: error.retryable }
        : { message: error instanceof Error ? error.message : String(error), code: undefined, details: undefined, retryable: true };
    const answer = await this.report(r, () =>
      this.client.fail(
        task.id,
        task.attempt,
        {
          message: failure.message.slice(0, 2000) || 'failed',
          ...(failure.code ? { code: failure.code.slice(0, 64) } : {}),
          ...(failure.details !== undefined ? { details: failure.details } : {}),
        },
        failure.retryable,
      ),
    );
    if (answer) this.emit({ type: 'failed', task, message: failure.message, retryable: failure.retryable, state: answer.state });
  }

  /**
   * complete(), coalesced with other completions of the same moment into one request; while the
   * poll loop waits for a slot, that request also takes as many next tasks as it frees slots
   * (POST /v1/complete with claim): one round trip instead of two.
   */
  private completeSoon(id: string, attempt: number, result: JsonValue | undefined): Promise<ReportResult> {
    if (!this.batchReports && !this.claimAlong) return this.client.complete(id, attempt, result);
    return new Promise((resolve, reject) => {
      this.completions.push({ id, attempt, result, resolve, reject });
      if (this.completions.length >= 200 || !this.batchReports) this.flushCompletions();
      else this.completionsFlush ??= setImmediate(() => this.flushCompletions());
    });
  }

  private flushCompletions(): void {
    if (this.completionsFlush) clearImmediate(this.completionsFlush);
    this.completionsFlush = null;
    const batch = this.completions;
    this.completions = [];
    if (batch.length === 0) return;
    const claimNext = this.claimAlong ? batch.length : 0;
    if (batch.length === 1 && claimNext === 0) {
      const [one] = batch;
      this.client.complete(one!.id, one!.attempt, one!.result).then(one!.resolve, one!.reject);
      return;
    }
    const reports = batch.map(({ id, attempt, result }) => (result === undefined ? { id, attempt } : { id, attempt, result }));
    const sent =
      claimNext > 0 ? this.client.completeAndClaim(reports, claimNext) : this.client.completeMany(reports).then((results) => ({ results, tasks: [] as TaskDto[] }));
    sent.then(
      ({ results, tasks }) => {
        // The next tasks start before the finished ones free their slots, so the poll loop counts them.
        for (const task of tasks) this.launch(task);
        batch.forEach((b, i) => {
          const r = results[i];
          if (!r || r.id !== b.id) b.reject(new GatewayRequestError(500, 'internal', 'The gateway answered a batch out of order'));
          else if ('error' in r) b.reject(new GatewayRequestError(STATUS_OF_CODE[r.error.code] ?? 500, r.error.code, r.error.message, r.error.details));
          else b.resolve(r);
        });
      },
      (error: unknown) => batch.forEach((b) => b.reject(error)),
    );
  }

  /** Retries a report through restarts of the host; null when it was refused for good. */
  private async report<T>(r: Running, send: () => Promise<T>): Promise<T | null> {
    const deadline = Date.now() + this.options.reportTimeoutMs;
    for (let failures = 0; ; failures++) {
      try {
        return await send();
      } catch (error) {
        if (error instanceof GatewayRequestError && (error.status === 409 || error.status === 404)) {
          // Already recorded (an earlier try committed but its answer was lost) or superseded.
          this.emit({ type: 'superseded', task: r.task, reason: error.message });
          return null;
        }
        const transient = error instanceof GatewayRequestError ? error.transient : true;
        if (!transient || Date.now() >= deadline) {
          this.emit({ type: 'error', error: error as Error });
          return null;
        }
        const full = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** Math.min(failures, 16));
        const retryAfter = error instanceof GatewayRequestError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 0;
        // Not this.sleep: a stopping agent still finishes its reports.
        await new Promise((resolve) => setTimeout(resolve, Math.max(retryAfter, full * (0.5 + this.random() / 2))));
      }
    }
  }
}
