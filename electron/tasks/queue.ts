// The durable task queue. Every change is one SQLite transaction that also writes the task's
// timeline row(s); events go out after commit. States (see TASK_STATES in the contract):
//
//   create -> blocked (a dependency unfinished) | pending (runAt ahead) | ready
//   blocked -> ready | pending when every dependency succeeded; -> cancelled when one ends dead/cancelled
//   pending -> ready at runAt              ready -> assigned (tick offers it to an agent that does not poll)
//   ready | assigned -> running (claim: attempt + 1, lease)     assigned -> ready (offer not taken in time)
//   running -> succeeded (complete) | cancelled (cancel acknowledged, or its grace period ran out)
//   running -> failed (fail, lost lease) | timed_out (attempt ran past timeoutMs)
//   failed | timed_out -> ready after the backoff, or -> dead when attempts are used up / not retryable
//   any waiting state -> cancelled at once; dead -> ready by retryNow (one more attempt)
//
// Agents get at-least-once delivery: every claim hands out the attempt number, and heartbeat,
// complete and fail must quote it. A report for an attempt that is no longer the running one
// (lease lost, task re-claimed, timed out) is refused with `conflict`, so a completion is never
// applied twice. The hot paths are one prepared statement (plus the timeline insert) each and are
// group-committed by the WriteBatcher: their promises resolve after an fsync'd commit.
//
// API at a glance (inputs are already parsed with the contract's zod schemas):
//   producers   create(spec, actor) / createBatch(items, actor)          sync: own transaction or ctx.commit's
//               submit(spec, actor, within?) / submitBatch(...)          async, group-committed (gateway)
//   agents      claim(agentId, max, within?, wait?) -> TaskDto[] (running, attempt, idempotencyKey;
//               with wait, parked until work appears: parked-claims.ts)
//               heartbeat(taskId, agentId, attempt, progress?, within?) -> { cancelRequested, leaseExpiresAt }
//               complete(taskId, agentId, attempt, result?, { cancelled?, within? }) -> { id, state }
//               completeMany(agentId, reports, within?) -> one answer per report (one UPDATE)
//               completeAndClaim(agentId, reports, max, within?) -> { results, tasks } (one commit)
//               fail(taskId, agentId, attempt, error, retryable = true, within?) -> TaskSummary
//               acknowledgeCancel(taskId, agentId, attempt, within?) -> { id, state }
//   supervisors cancel(id, reason, actor) / retryNow(id, actor) / setPriority(id, priority, actor)   sync
//   delegation  offerTo / release / holdOffer / startHeld / completeHeld (people's inbox, pins,
//               re-assignments; sync, inside the caller's transaction), hooks (QueueHooks)
//   reading     get / getOrThrow / details (timeline + dependencies) / list(query) / depth() / counters
//   time        tick() (due runAt and retries, offers, leases, timeouts, cancel grace; then offers)
//   lifecycle   stopClaiming(), shutdown(graceMs), flush(), runBatched(op), nudgeClaims(agentId)
//               (an agent changed: its waiting claims look again), releaseWaitingClaims()
// Refusals are AppError: not_found (task, agent), conflict (stale attempt, wrong state,
// idempotency clash; details.reason says which), invalid_input (size caps, unknown dependencies,
// cycles), unavailable (shutting down).
import type {
  TaskBatchItem,
  TaskDetails,
  TaskDto,
  TaskError,
  TaskListQuery,
  TaskPage,
  TaskPriority,
  TaskProgress,
  TaskSpec,
  TaskState,
  TaskSummary,
} from '../../preload/contract';
import { performance } from 'node:perf_hooks';
import type { SqliteDatabase } from '../../native/sqlite';
import type { AgentRegistry } from '../agents/registry';
import type { Clock, Random } from '../core/clock';
import { AppError, conflict, invalidInput, notFound } from '../core/errors';
import type { EventBus } from '../core/events';
import type { IdFactory } from '../core/ids';
import { CapabilityAssigner, type AgentCandidate, type Assigner, type BatchAssignment, type ReadyTask } from './assigner';
import { backoffDelay } from './backoff';
import {
  canonicalJson,
  DTO_COLUMNS,
  dtoFromValues,
  FINISHED,
  orderKey,
  PRIORITY_RANK,
  priorityOf,
  sha256Hex,
  STRICT_PRIORITY_STEP,
  SUMMARY_COLUMNS,
  summaryFromValues,
  toDto,
  toEventDto,
  toSummary,
  type TaskEventRow,
  type TaskRow,
} from './model';
import { TaskListQueryRunner } from './task-list';
import { MultiRowInsert } from './multi-row-insert';
import { ParkedClaims, type ClaimWait } from './parked-claims';
import { SPEC_COLUMNS, SpecCache, type SpecValues } from './spec-cache';
import { TimelineBuffer, type WorkNews } from './timeline-buffer';
import { WriteBatcher, type Outbox } from './write-batcher';

export interface QueueOptions {
  /** Largest payload (and result), as UTF-8 JSON. */
  maxPayloadBytes: number;
  /** Largest batch, all payloads together. */
  maxBatchBytes: number;
  defaultMaxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** 0..1: share of a retry delay shaved off at random. */
  backoffJitter: number;
  /** A running attempt's lease; heartbeats renew it. */
  leaseMs: number;
  /** How long an agent has to claim a task tick() offered it (state assigned). */
  offerMs: number;
  /** How long a running task may take to acknowledge a cancel request. */
  cancelGraceMs: number;
  /** Waiting work gains one priority level per agingStepMs (see model.ts orderKey). */
  aging: boolean;
  agingStepMs: number;
  /** tick() offers ready work to available agents seen within presenceMs (least-loaded first). */
  autoAssign: boolean;
  presenceMs: number;
  /** Rows tick() handles per transaction. */
  tickBatch: number;
  /** Ready tasks (best by claim order) weighed together in a joint offer round (Assigner.assignBatch). */
  jointBatch: number;
  /**
   * A joint round answered later (solved off the thread) is applied in transactions of about this
   * long (ms, wall clock), with a turn of the event loop between; 0: one pick per transaction.
   */
  lateSliceMs: number;
  /** Finished tasks older than this are rolled up and pruned (TaskRetention). */
  retentionDays: number;
  /** shutdown(): how long running work may still report before leases are released. */
  shutdownGraceMs: number;
}

export const DEFAULT_QUEUE_OPTIONS: QueueOptions = {
  maxPayloadBytes: 256 * 1024,
  maxBatchBytes: 32 * 1024 * 1024,
  defaultMaxAttempts: 3,
  backoffBaseMs: 1000,
  backoffMaxMs: 30_000,
  backoffJitter: 0.2,
  leaseMs: 30_000,
  offerMs: 15_000,
  cancelGraceMs: 30_000,
  aging: true,
  agingStepMs: 60_000,
  autoAssign: true,
  presenceMs: 30_000,
  tickBatch: 500,
  jointBatch: 2000,
  lateSliceMs: 6,
  retentionDays: 7,
  shutdownGraceMs: 5000,
};

/** Who is asking, for the timeline and the creator field. */
export interface Actor {
  /** Shown as the creator of new tasks and on timeline rows: a username or `agent:<name>`. */
  name: string | null;
}

export interface HeartbeatResult {
  cancelRequested: boolean;
  leaseExpiresAt: number;
}

/** What complete() and acknowledgeCancel() answer: the state the task ended in. */
export interface Finished {
  id: string;
  state: TaskState;
}

/** One finished attempt in TaskQueue.completeMany. */
export interface CompletionReport {
  id: string;
  attempt: number;
  result?: unknown;
}

export interface TickReport {
  ready: number;
  offersExpired: number;
  leaseExpired: number;
  timedOut: number;
  cancelled: number;
  assigned: number;
}

export interface QueueCounters {
  created: number;
  claimed: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  leaseExpired: number;
  cancelled: number;
  dead: number;
}

/**
 * Runs inside a group-committed operation's own savepoint, after it succeeded and before the
 * commit: the gateway writes its audit row here, so the change and its audit row commit
 * together. Throwing rolls the operation back (and rejects it). Announce through `out`.
 */
export type Within<T> = (value: T, out: Outbox) => void;

/** An attempt ended (after its commit): what the delegation engine learns from. */
export interface AttemptEnded {
  taskId: string;
  agentId: string;
  type: string;
  /** JSON text of the requirements, or null. */
  requires: string | null;
  success: boolean;
  how: 'succeeded' | 'failed' | 'timed_out' | 'lease_expired';
  startedAt: number | null;
  at: number;
}

/** Where the delegation service plugs into the queue without the queue knowing it. */
export interface QueueHooks {
  /** How long an offer to this agent stands, ms (default options.offerMs): people get minutes. */
  offerMs?(agentId: string): number | undefined;
  /** An offer ran out (inside tick's transaction), before the task is offered again. */
  onOfferExpired?(taskId: string, agentId: string, now: number): void;
  /** An attempt succeeded, failed, timed out or lost its lease; called after the commit. */
  onAttemptEnded?(ended: AttemptEnded): void;
  /**
   * A failed attempt (failed, timed out, lease lost) will be retried: called inside the
   * transaction that failed it, so what the hook writes (e.g. "prefer another agent") commits
   * with it.
   */
  onRetryScheduled?(taskId: string, agentId: string, how: AttemptEnded['how'], attempt: number, now: number): void;
}

export interface QueueDeps {
  sqlite: SqliteDatabase;
  bus: EventBus;
  clock: Clock;
  random: Random;
  newId: IdFactory;
  agents: AgentRegistry;
  assigner?: Assigner;
  options?: Partial<QueueOptions>;
  hooks?: QueueHooks;
}

const RUN_SET = `state = 'running', attempt = attempt + 1, assigned_agent_id = @agent, started_at = @now,
  lease_expires_at = @lease,
  attempt_deadline_at = CASE WHEN timeout_ms IS NULL THEN NULL ELSE @now + timeout_ms END,
  progress = NULL, updated_at = @now`;

/** Partial-index conditions, written exactly as in schema.ts so SQLite uses the indexes. */
const ACTIVE = "state IN ('assigned', 'running')";
// Three states as ORs, not IN (…): SQLite builds a temporary table for an IN list of three or
// more on every row it writes (old and new row), which cost ~2.5 µs per task transition.
const WAITING_FOR_TIME = "(state = 'pending' OR state = 'failed' OR state = 'timed_out')";

const TASK_COLUMNS = [
  'id', 'type', 'title', 'payload', 'priority', 'requires', 'deadline', 'run_at', 'max_attempts', 'backoff_base_ms',
  'backoff_max_ms', 'timeout_ms', 'idempotency_key', 'content_hash', 'depends_on', 'dependents', 'tags', 'creator',
  'workflow_run_id', 'workflow_step_id', 'state', 'attempt', 'failures', 'assigned_agent_id', 'lease_expires_at',
  'attempt_deadline_at', 'cancel_requested', 'cancel_reason', 'cancel_deadline_at', 'order_key',
  'started_at', 'finished_at', 'result', 'last_error', 'progress', 'created_at', 'updated_at',
] as const;

/** Where each spec value sits in a TASK_COLUMNS row (what createOne writes). */
const SPEC_IN_ROW = SPEC_COLUMNS.map((c) => TASK_COLUMNS.indexOf(c));
if (SPEC_IN_ROW.includes(-1)) throw new Error('spec cache: every spec column must be one createOne writes');

/** What a claim of a ready task RETURNs when its spec is cached: the columns a claim does not set. */
const CLAIM_LEAN = ['id', 'priority', 'run_at', 'max_attempts', 'attempt', 'failures', 'finished_at', 'last_error', 'cancel_requested', 'cancel_reason', 'result', 'order_key'] as const;
/** The columns RUN_SET sets to what the claim knows. */
const CLAIM_KNOWN = { state: 'state', assigned_agent_id: 'agent', lease_expires_at: 'lease', started_at: 'now', progress: 'null', updated_at: 'now' } as const;
/**
 * For each value of a claimed task's row (DTO_COLUMNS, then order_key): where it comes from.
 * Checked at load: every column has exactly one source.
 */
const CLAIM_PLAN: readonly (readonly ['spec' | 'lean', number] | readonly ['known', (typeof CLAIM_KNOWN)[keyof typeof CLAIM_KNOWN]])[] = [
  ...DTO_COLUMNS,
  'order_key',
].map((c) => {
  const spec = (SPEC_COLUMNS as readonly string[]).indexOf(c);
  const lean = (CLAIM_LEAN as readonly string[]).indexOf(c);
  const known = (CLAIM_KNOWN as Record<string, (typeof CLAIM_KNOWN)[keyof typeof CLAIM_KNOWN]>)[c];
  if ([spec >= 0, lean >= 0, known !== undefined].filter(Boolean).length !== 1) throw new Error(`claim plan: column ${c} needs exactly one source`);
  return spec >= 0 ? (['spec', spec] as const) : lean >= 0 ? (['lean', lean] as const) : (['known', known!] as const);
});

/** A claimed ready task's row (DTO_COLUMNS, then order_key) from its cached spec and the claim's lean RETURNING. */
function claimedRow(lean: readonly unknown[], spec: SpecValues, agentId: string, now: number, lease: number): unknown[] {
  const row = new Array<unknown>(CLAIM_PLAN.length);
  for (let i = 0; i < CLAIM_PLAN.length; i++) {
    const [from, at] = CLAIM_PLAN[i]!;
    if (from === 'spec') row[i] = spec[at];
    else if (from === 'lean') row[i] = lean[at];
    else row[i] = at === 'state' ? 'running' : at === 'agent' ? agentId : at === 'lease' ? lease : at === 'now' ? now : null;
  }
  return row;
}

const MAX_ERROR_BYTES = 16 * 1024;

function byteLength(text: string): number {
  // Cheap upper bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  return text.length * 3 <= 1024 ? text.length * 3 : Buffer.byteLength(text, 'utf8');
}

function refusedBecause(row: TaskRow, agentId: string, attempt: number): AppError {
  const details = { state: row.state, attempt: row.attempt, assignedAgentId: row.assigned_agent_id };
  if (row.attempt !== attempt) {
    return conflict(`Attempt ${attempt} of task ${row.id} is stale: the task is on attempt ${row.attempt} (${row.state})`, {
      ...details,
      reason: 'stale_attempt',
    });
  }
  if (row.assigned_agent_id !== agentId) {
    return conflict(`Task ${row.id} is not held by this agent`, { ...details, reason: 'not_holder' });
  }
  return conflict(`Task ${row.id} is ${row.state}, not running`, { ...details, reason: 'not_running' });
}

/** What createOne made (or found, for an idempotent replay). */
interface Created {
  id: string;
  hash: string | null;
  dto: TaskDto;
}

export class TaskQueue {
  readonly options: QueueOptions;
  readonly counters: QueueCounters = {
    created: 0,
    claimed: 0,
    succeeded: 0,
    failed: 0,
    timedOut: 0,
    leaseExpired: 0,
    cancelled: 0,
    dead: 0,
  };
  private readonly sqlite: SqliteDatabase;
  private readonly bus: EventBus;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly newId: IdFactory;
  private readonly agents: AgentRegistry;
  private readonly assigner: Assigner;
  private readonly hooks: QueueHooks;
  private readonly batcher: WriteBatcher;
  /** Timeline rows of the running transaction, written at its end (see timeline-buffer.ts). */
  private readonly timeline: TimelineBuffer;
  /** Rows of a batch create, written 16 at a time (multi-row-insert.ts). */
  private readonly taskRows: MultiRowInsert;
  private readonly lists: TaskListQueryRunner;
  private readonly parkedClaims: ParkedClaims;
  private readonly specs = new SpecCache();
  private readonly updateCache = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  private readonly s;
  private accepting = true;
  private closed = false;
  private drainWaiter: (() => void) | null = null;
  /** Agent -> when an offer to it last expired: it gets no offers until it is seen again. */
  private readonly ignoredOffers = new Map<string, number>();
  /** A joint offer round still being solved (sliced): tick() starts no other until it is applied. */
  private offerRound: Promise<void> | null = null;
  /** What made the last late round fail: the next tick() throws it (the scheduler logs it). */
  private offerRoundError: unknown = null;

  constructor(deps: QueueDeps) {
    this.sqlite = deps.sqlite;
    this.bus = deps.bus;
    this.clock = deps.clock;
    this.random = deps.random;
    this.newId = deps.newId;
    this.agents = deps.agents;
    this.options = { ...DEFAULT_QUEUE_OPTIONS, ...deps.options };
    this.assigner = deps.assigner ?? new CapabilityAssigner(deps.sqlite);
    this.hooks = deps.hooks ?? {};
    // After each group commit, a shutdown waiting for running work to report checks again.
    this.timeline = new TimelineBuffer(deps.sqlite);
    this.taskRows = new MultiRowInsert(deps.sqlite, 'tasks', TASK_COLUMNS, [16, 4, 1]);
    this.batcher = new WriteBatcher(deps.sqlite, deps.bus, {
      onSettled: () => this.drainWaiter?.(),
      hooks: {
        opStarting: () => this.timeline.size,
        opFailed: (mark) => this.timeline.truncate(mark),
        joining: () => this.parkedClaims.joining(() => this.timeline.waitingNews()),
        beforeCommit: () => this.timeline.flush(),
        aborted: () => {
          this.timeline.truncate(0);
          this.parkedClaims.endRound();
        },
      },
    });
    this.lists = new TaskListQueryRunner(deps.sqlite);
    this.parkedClaims = new ParkedClaims({
      claim: (agentId, max, out) => this.claimNow(agentId, max, out),
      run: (op) => this.batcher.run(op),
    });
    const db = this.sqlite;
    const dtoCols = DTO_COLUMNS.join(', ');
    const summaryCols = SUMMARY_COLUMNS.join(', ');
    this.s = {
      byId: db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE id = ?'),
      summaryById: db.prepare<[string], unknown[]>(`SELECT ${summaryCols} FROM tasks WHERE id = ?`).raw(),
      byKey: db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE idempotency_key = ?'),
      depState: db.prepare<[string], { id: string; state: TaskState }>('SELECT id, state FROM tasks WHERE id = ?'),
      insert: db.prepare<unknown[]>(`INSERT INTO tasks (${TASK_COLUMNS.join(', ')}) VALUES (${TASK_COLUMNS.map(() => '?').join(', ')})`),
      insertDep: db.prepare<[string, string]>('INSERT OR IGNORE INTO task_deps (task_id, depends_on) VALUES (?, ?)'),
      bumpDependents: db.prepare<[string]>('UPDATE tasks SET dependents = dependents + 1 WHERE id = ?'),
      timeline: db.prepare<[string], TaskEventRow>('SELECT * FROM task_events WHERE task_id = ? ORDER BY seq LIMIT 1000'),
      dependents: db.prepare<[string], TaskRow>(
        'SELECT t.* FROM task_deps d JOIN tasks t ON t.id = d.task_id WHERE d.depends_on = ? ORDER BY t.id LIMIT 500',
      ),
      blockedDependents: db.prepare<[string], TaskRow>(
        "SELECT t.* FROM task_deps d JOIN tasks t ON t.id = d.task_id WHERE d.depends_on = ? AND t.state = 'blocked'",
      ),
      unfinishedDeps: db.prepare<[string], { n: number }>(
        "SELECT count(*) AS n FROM task_deps d JOIN tasks t ON t.id = d.depends_on WHERE d.task_id = ? AND t.state != 'succeeded'",
      ),
      held: db.prepare<[string], [number, number]>(
        `SELECT count(*), coalesce(sum(state = 'running'), 0) FROM tasks INDEXED BY tasks_active WHERE assigned_agent_id = ? AND ${ACTIVE}`,
      ).raw(),
      startOffered: db.prepare<{ agent: string; now: number; lease: number; limit: number }, unknown[]>(
        `UPDATE tasks SET ${RUN_SET}
          WHERE id IN (SELECT id FROM tasks INDEXED BY tasks_active
                        WHERE assigned_agent_id = @agent AND ${ACTIVE} AND state = 'assigned' ORDER BY order_key, id LIMIT @limit)
            AND state = 'assigned'
          RETURNING ${CLAIM_LEAN.join(', ')}`,
      ).raw(),
      // The columns the claim does not set; the rest comes from the spec cache (spec-cache.ts).
      startReady: db.prepare<{ agent: string; now: number; lease: number; ids: string }, unknown[]>(
        `UPDATE tasks SET ${RUN_SET}
          WHERE id IN (SELECT value FROM json_each(@ids)) AND state = 'ready'
          RETURNING ${CLAIM_LEAN.join(', ')}`,
      ).raw(),
      dtoByIds: db.prepare<[string], unknown[]>(`SELECT ${dtoCols}, order_key FROM tasks WHERE id IN (SELECT value FROM json_each(?))`).raw(),
      heartbeat: db.prepare<
        { id: string; agent: string; attempt: number; now: number; lease: number; progress: string | null },
        [number, number]
      >(
        `UPDATE tasks SET lease_expires_at = @lease, progress = coalesce(@progress, progress), updated_at = @now
         WHERE id = @id AND state = 'running' AND assigned_agent_id = @agent AND attempt = @attempt
         RETURNING cancel_requested, lease_expires_at`,
      ).raw(),
      complete: db.prepare<
        { id: string; agent: string; attempt: number; now: number; result: string | null; cancelled: number },
        [string, TaskState, number, string, string | null, number | null]
      >(
        `UPDATE tasks SET state = CASE WHEN @cancelled THEN 'cancelled' ELSE 'succeeded' END,
           result = @result, finished_at = @now, lease_expires_at = NULL, attempt_deadline_at = NULL,
           cancel_deadline_at = NULL, updated_at = @now,
           cancel_reason = CASE WHEN @cancelled THEN coalesce(cancel_reason, 'cancelled by its agent') ELSE cancel_reason END
         WHERE id = @id AND state = 'running' AND assigned_agent_id = @agent AND attempt = @attempt
         RETURNING id, state, dependents, type, requires, started_at`,
      ).raw(),
      // completeMany: @items is a JSON array of [id, attempt, result JSON text or null].
      completeMany: db.prepare<{ agent: string; now: number; items: string }, [string, TaskState, number, string, string | null, number | null, number]>(
        `UPDATE tasks SET state = 'succeeded', result = c.result, finished_at = @now, lease_expires_at = NULL,
           attempt_deadline_at = NULL, cancel_deadline_at = NULL, updated_at = @now
           FROM (SELECT value ->> 0 AS id, value ->> 1 AS attempt, value ->> 2 AS result FROM json_each(@items)) AS c
         WHERE tasks.id = c.id AND tasks.state = 'running' AND tasks.assigned_agent_id = @agent AND tasks.attempt = c.attempt
         RETURNING tasks.id, tasks.state, tasks.dependents, tasks.type, tasks.requires, tasks.started_at, tasks.attempt`,
      ).raw(),
      dueByTime: db.prepare<[number, number], TaskRow>(
        `SELECT * FROM tasks INDEXED BY tasks_due WHERE ${WAITING_FOR_TIME} AND run_at <= ? ORDER BY run_at LIMIT ?`,
      ),
      dueHeld: db.prepare<{ now: number; limit: number }, TaskRow>(
        `SELECT * FROM tasks INDEXED BY tasks_active WHERE ${ACTIVE}
            AND (lease_expires_at <= @now OR attempt_deadline_at <= @now OR cancel_deadline_at <= @now)
          LIMIT @limit`,
      ),
      readyHead: db.prepare<[number], ReadyTask>(
        "SELECT id, type, priority, requires, order_key FROM tasks INDEXED BY tasks_ready WHERE state = 'ready' ORDER BY order_key, id LIMIT ?",
      ),
      // People who said in the app that they are available are present without polling; the
      // others (and people who never set a presence) must have been heard from lately.
      pushCandidates: db.prepare<[number], AgentCandidate & { last_seen_at: number }>(
        `SELECT a.id, a.skills, a.capacity, coalesce(a.last_seen_at, 0) AS last_seen_at,
                (SELECT count(*) FROM tasks t INDEXED BY tasks_active WHERE t.assigned_agent_id = a.id AND t.${ACTIVE}) AS load
           FROM agents a WHERE a.status = 'available'
            AND CASE WHEN a.kind = 'human' AND a.presence IS NOT NULL THEN a.presence = 'available' ELSE a.last_seen_at >= ? END`,
      ),
      // Holds without a lease (a person's accepted or started task) survive a restart.
      holding: db.prepare<[], TaskRow>(`SELECT * FROM tasks INDEXED BY tasks_active WHERE ${ACTIVE} AND lease_expires_at IS NOT NULL`),
      runningCount: db.prepare<[], { n: number }>(
        `SELECT count(*) AS n FROM tasks INDEXED BY tasks_active WHERE ${ACTIVE} AND state = 'running' AND lease_expires_at IS NOT NULL`,
      ),
      startHeld: db.prepare<{ id: string; agent: string; now: number; lease: number | null }, unknown[]>(
        `UPDATE tasks SET ${RUN_SET}
          WHERE id = @id AND state = 'assigned' AND assigned_agent_id = @agent
          RETURNING ${dtoCols}, order_key`,
      ).raw(),
      depth: db.prepare<[], { state: TaskState; priority: number; n: number }>(
        'SELECT state, priority, count(*) AS n FROM tasks GROUP BY state, priority',
      ),
    };
  }

  // ---------------------------------------------------------------------------------------
  // Plumbing
  // ---------------------------------------------------------------------------------------

  /** One transaction (or a savepoint in the caller's, e.g. ctx.commit); events after the outer commit. */
  private write<T>(fn: (out: Outbox) => T): T {
    const mark = this.timeline.size;
    const batched = this.batcher.active;
    let value: T;
    let news: WorkNews | null = null;
    try {
      value = this.bus.afterCommit(() =>
        this.sqlite.transaction(() => {
          const out: Outbox = [];
          const result = fn(out);
          // Inside a group commit the batch writes the timeline before it commits (and its
          // waiting claims join it there).
          if (!batched) {
            if (this.parkedClaims.size > 0) news = this.timeline.waitingNews();
            this.timeline.flush();
          }
          for (const announce of out) announce();
          return result;
        })(),
      );
    } catch (error) {
      this.timeline.truncate(mark);
      throw error;
    }
    // Work made outside the group commits (a tick, an offer) wakes waiting claims into the next one.
    if (news) this.parkedClaims.wake(news);
    return value;
  }

  /**
   * Queues op (and `within`, in the same savepoint) for the next group commit; resolves once
   * committed. guarded: op refuses (throws) only before its first write, so without `within` it
   * needs no savepoint (WriteBatcher).
   */
  private batched<T>(op: (out: Outbox) => T, within?: Within<T>, guarded = false): Promise<T> {
    if (!within) return this.batcher.run(op, guarded);
    return this.batcher.run((out) => {
      const value = op(out);
      within(value, out);
      return value;
    });
  }

  /**
   * Any other write, group-committed with the queue's hot paths (e.g. the gateway's audit row of
   * a refused request): one fsync for many. Resolves once committed.
   */
  runBatched<T>(op: (out: Outbox) => T): Promise<T> {
    return this.batcher.run(op);
  }

  private get agingStep(): number {
    return this.options.aging ? this.options.agingStepMs : STRICT_PRIORITY_STEP;
  }

  /** Somebody listens (a window, the gateway): only then are event DTOs worth building. */
  private get listened(): boolean {
    return this.bus.listenerCount > 0;
  }

  private announce(out: Outbox, name: 'task.created' | 'task.updated', what: TaskRow | string | (() => TaskSummary)): void {
    out.push(() => {
      if (!this.listened) return;
      const summary =
        typeof what === 'function' ? what() : typeof what === 'string' ? summaryFromValues(this.s.summaryById.get(what)!) : toSummary(what);
      this.bus.emit(name, summary);
    });
  }

  private recordEvent(
    taskId: string,
    attempt: number,
    at: number,
    from: TaskState | null,
    to: TaskState,
    extra: { kind?: string; agentId?: string | null; actor?: string | null; note?: string | null } = {},
  ): void {
    this.timeline.push(taskId, at, extra.kind ?? 'state', from, to, attempt, extra.agentId ?? null, extra.actor ?? null, extra.note ?? null);
  }

  /** UPDATE tasks SET <patch> WHERE id = row.id; returns the row as it is now. For cold paths. */
  private patch(row: TaskRow, patch: Partial<TaskRow>): TaskRow {
    const cols = Object.keys(patch).sort();
    // A task's spec never changes (claims rely on it: spec-cache.ts).
    const spec = cols.find((c) => (SPEC_COLUMNS as readonly string[]).includes(c));
    if (spec) throw new Error(`A task's ${spec} does not change after it is created`);
    const key = cols.join(',');
    let stmt = this.updateCache.get(key);
    if (!stmt) {
      stmt = this.sqlite.prepare(`UPDATE tasks SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`);
      this.updateCache.set(key, stmt);
    }
    stmt.run({ ...patch, id: row.id });
    return { ...row, ...patch };
  }

  private rowOrThrow(id: string): TaskRow {
    const row = this.s.byId.get(id);
    if (!row) throw notFound(`No task with id ${id}`);
    return row;
  }

  // ---------------------------------------------------------------------------------------
  // Creating
  // ---------------------------------------------------------------------------------------

  /**
   * Creates a task in its own transaction, or inside the caller's (the bridge's ctx.commit).
   * The same idempotencyKey with the same content returns the existing task; other content is
   * a conflict. Unknown dependencies are invalid_input.
   */
  create(spec: TaskSpec, actor: Actor = { name: null }): TaskDto {
    const payloads = this.checkSize([spec]);
    return this.write((out) => this.createOne(spec, payloads[0]!, actor, this.clock.now(), new Map(), out).dto);
  }

  /** Creates up to 1,000 tasks, all or nothing. Items may depend on other items of the batch by ref. */
  createBatch(items: readonly TaskBatchItem[], actor: Actor = { name: null }): TaskDto[] {
    const payloads = this.checkBatch(items);
    return this.write((out) => this.createMany(items, payloads, actor, out));
  }

  /** create(), group-committed with other hot-path writes: for the gateway and busy producers. */
  submit(spec: TaskSpec, actor: Actor = { name: null }, within?: Within<TaskDto>): Promise<TaskDto> {
    let payloads: string[];
    try {
      payloads = this.checkSize([spec]);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.batched((out) => this.createOne(spec, payloads[0]!, actor, this.clock.now(), new Map(), out).dto, within);
  }

  /** createBatch(), group-committed. */
  submitBatch(items: readonly TaskBatchItem[], actor: Actor = { name: null }, within?: Within<TaskDto[]>): Promise<TaskDto[]> {
    let payloads: string[];
    try {
      payloads = this.checkBatch(items);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.batched((out) => this.createMany(items, payloads, actor, out), within);
  }

  private checkBatch(items: readonly TaskBatchItem[]): string[] {
    if (items.length === 0) throw invalidInput('A batch needs at least one task');
    if (items.length > 1000) throw invalidInput('A batch holds at most 1000 tasks', { count: items.length });
    return this.checkSize(items);
  }

  /** The payloads as JSON text, after checking each and their sum against the caps. */
  private checkSize(specs: readonly TaskSpec[]): string[] {
    let total = 0;
    return specs.map((spec, i) => {
      const text = JSON.stringify(spec.payload ?? null);
      const bytes = byteLength(text);
      if (bytes > this.options.maxPayloadBytes) {
        throw invalidInput(`The payload is ${bytes} bytes; the limit is ${this.options.maxPayloadBytes}`, {
          field: specs.length > 1 ? `tasks.${i}.payload` : 'payload',
          bytes,
          limit: this.options.maxPayloadBytes,
        });
      }
      total += bytes;
      if (total > this.options.maxBatchBytes) {
        throw invalidInput(`The batch is over ${this.options.maxBatchBytes} bytes`, { limit: this.options.maxBatchBytes });
      }
      return text;
    });
  }

  private createMany(items: readonly TaskBatchItem[], payloads: readonly string[], actor: Actor, out: Outbox): TaskDto[] {
    const refs = new Map<string, number>();
    let anyRefs = false;
    items.forEach((item, i) => {
      if (item.dependsOnRefs?.length) anyRefs = true;
      if (item.ref === undefined) return;
      if (refs.has(item.ref)) throw invalidInput(`The ref "${item.ref}" is used twice in the batch`, { field: `tasks.${i}.ref` });
      refs.set(item.ref, i);
    });
    const order = anyRefs ? topologicalOrder(items, refs) : items.map((_, i) => i);
    const now = this.clock.now();
    const created = new Array<Created>(items.length);
    const seen = new Map<string, Created>();
    // The rows go in with multi-row INSERTs (taskRows), flushed before anything reads a task
    // back (dependencies) and at the end; a refused batch leaves none behind.
    try {
      for (const i of order) {
        const item = items[i]!;
        const extraDeps = (item.dependsOnRefs ?? []).map((ref) => created[refs.get(ref)!]!.id);
        try {
          created[i] = this.createOne(item, payloads[i]!, actor, now, seen, out, extraDeps, this.taskRows);
        } catch (error) {
          if (error instanceof AppError && items.length > 1) {
            const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
            throw new AppError(error.code, `Task ${i + 1} of the batch: ${error.message}`, { index: i, ...details });
          }
          throw error;
        }
      }
      this.taskRows.flush();
    } catch (error) {
      this.taskRows.truncate(0);
      throw error;
    }
    return created.map((c) => c.dto);
  }

  private createOne(
    spec: TaskSpec | TaskBatchItem,
    payloadText: string,
    actor: Actor,
    now: number,
    seen: Map<string, Created>,
    out: Outbox,
    extraDeps: readonly string[] = [],
    /** Batch creates: the row waits here for a multi-row INSERT (the caller flushes). */
    rows: MultiRowInsert | null = null,
  ): Created {
    const idempotencyKey = spec.idempotencyKey;
    let hash: string | null = null;
    if (idempotencyKey !== undefined) {
      const { idempotencyKey: _key, ...content } = spec;
      hash = sha256Hex(canonicalJson(content));
      const known = seen.get(idempotencyKey);
      const existing = known ? null : this.s.byKey.get(idempotencyKey);
      const existingHash = known ? known.hash : existing ? existing.content_hash : undefined;
      if (existingHash !== undefined) {
        const existingId = known?.id ?? existing!.id;
        if (existingHash !== hash) {
          throw conflict(`The idempotency key "${idempotencyKey}" was used for a different task (${existingId})`, {
            field: 'idempotencyKey',
            existingId,
          });
        }
        return known ?? { id: existing!.id, hash, dto: toDto(existing!) };
      }
    }
    const backoffBase = spec.backoff?.baseMs ?? this.options.backoffBaseMs;
    const backoffMax = spec.backoff?.maxMs ?? Math.max(this.options.backoffMaxMs, backoffBase);
    if (backoffBase > backoffMax) throw invalidInput('backoff.baseMs must not exceed backoff.maxMs', { field: 'backoff' });

    const depIds = spec.dependsOn?.length || extraDeps.length ? [...new Set([...(spec.dependsOn ?? []), ...extraDeps])] : [];
    // Dependencies are read back from the table: earlier rows of the batch must be in it.
    if (depIds.length) rows?.flush();
    const unknown: string[] = [];
    let unfinished = 0;
    let failedDep: { id: string; state: TaskState } | null = null;
    for (const depId of depIds) {
      const dep = this.s.depState.get(depId);
      if (!dep) unknown.push(depId);
      else if (dep.state === 'dead' || dep.state === 'cancelled') failedDep ??= dep;
      else if (dep.state !== 'succeeded') unfinished++;
    }
    if (unknown.length) throw invalidInput(`Unknown dependencies: ${unknown.join(', ')}`, { field: 'dependsOn', unknownIds: unknown });

    const rank = PRIORITY_RANK[spec.priority ?? 'normal'];
    const runAt = spec.runAt ?? null;
    let state: TaskState;
    let note: string | null = null;
    if (failedDep) {
      state = 'cancelled';
      note = `dependency ${failedDep.id} ended ${failedDep.state}`;
    } else if (unfinished > 0) {
      state = 'blocked';
      note = `waiting for ${unfinished} of ${depIds.length} dependencies`;
    } else if (runAt !== null && runAt > now) {
      state = 'pending';
    } else {
      state = 'ready';
    }
    const id = this.newId();
    const requires = spec.requires && Object.keys(spec.requires).length ? spec.requires : null;
    const tags = spec.tags ?? [];
    const dto: TaskDto = {
      id,
      type: spec.type,
      title: spec.title ?? spec.type,
      priority: priorityOf(rank),
      state,
      requires: requires ?? {},
      deadline: spec.deadline ?? null,
      runAt,
      maxAttempts: spec.maxAttempts ?? this.options.defaultMaxAttempts,
      attempt: 0,
      failures: 0,
      backoff: { baseMs: backoffBase, maxMs: backoffMax },
      timeoutMs: spec.timeoutMs ?? null,
      idempotencyKey: idempotencyKey ?? null,
      dependsOn: depIds,
      tags,
      creator: actor.name,
      workflowRunId: spec.workflowRunId ?? null,
      workflowStepId: spec.workflowStepId ?? null,
      assignedAgentId: null,
      leaseExpiresAt: null,
      startedAt: null,
      finishedAt: state === 'cancelled' ? now : null,
      lastError: null,
      progress: null,
      cancelRequested: false,
      cancelReason: state === 'cancelled' ? note : null,
      createdAt: now,
      updatedAt: now,
      payload: spec.payload ?? null,
      result: null,
    };
    // In TASK_COLUMNS order.
    const row = [
      id, dto.type, dto.title, payloadText, rank, requires ? JSON.stringify(requires) : null, dto.deadline, runAt,
      dto.maxAttempts, backoffBase, backoffMax, dto.timeoutMs, dto.idempotencyKey, hash,
      depIds.length ? JSON.stringify(depIds) : null, 0, tags.length ? JSON.stringify(tags) : '[]', actor.name,
      dto.workflowRunId, dto.workflowStepId, state, 0, 0, null, null, null, 0, dto.cancelReason, null,
      orderKey(state === 'pending' ? (runAt ?? now) : Math.min(runAt ?? now, now), rank, this.agingStep),
      null, dto.finishedAt, null, null, null, now, now,
    ];
    if (rows) rows.push(...row);
    else this.s.insert.run(row);
    this.specs.remember(id, SPEC_IN_ROW.map((i) => row[i]));
    if (depIds.length) rows?.flush();
    for (const depId of depIds) {
      this.s.insertDep.run(id, depId);
      this.s.bumpDependents.run(depId);
    }
    this.recordEvent(id, 0, now, null, state, { actor: actor.name, note: note ?? (actor.name ? `created by ${actor.name}` : 'created') });
    const made: Created = { id, hash, dto };
    if (idempotencyKey !== undefined) seen.set(idempotencyKey, made);
    this.counters.created++;
    if (state === 'cancelled') this.counters.cancelled++;
    this.announce(out, 'task.created', () => {
      const { payload: _p, result: _r, ...summary } = dto;
      return summary;
    });
    return made;
  }

  // ---------------------------------------------------------------------------------------
  // Reading
  // ---------------------------------------------------------------------------------------

  get(id: string): TaskDto | null {
    const row = this.s.byId.get(id);
    return row ? toDto(row) : null;
  }

  getOrThrow(id: string): TaskDto {
    return toDto(this.rowOrThrow(id));
  }

  /** The task with its timeline, what it depends on and what depends on it. */
  details(id: string): TaskDetails {
    const row = this.rowOrThrow(id);
    const dependencies: TaskSummary[] = [];
    const prunedDependencies: string[] = [];
    for (const depId of JSON.parse(row.depends_on ?? '[]') as string[]) {
      const dep = this.s.byId.get(depId);
      if (dep) dependencies.push(toSummary(dep));
      else prunedDependencies.push(depId);
    }
    return {
      task: toDto(row),
      timeline: this.s.timeline.all(id).map(toEventDto),
      dependencies,
      dependents: this.s.dependents.all(id).map(toSummary),
      prunedDependencies,
    };
  }

  list(query: TaskListQuery): TaskPage {
    return this.lists.run(query);
  }

  /** Task counts by state and priority (for /metrics). */
  depth(): { state: TaskState; priority: TaskPriority; count: number }[] {
    return this.s.depth.all().map((r) => ({ state: r.state, priority: priorityOf(r.priority), count: r.n }));
  }

  // ---------------------------------------------------------------------------------------
  // Agents: claim, heartbeat, complete, fail (group-committed)
  // ---------------------------------------------------------------------------------------

  /**
   * Up to `max` tasks for the agent, limited by its free capacity: first those tick() offered it,
   * then ready ones the Assigner picks. Each comes back running, with its attempt number and
   * idempotency key. An agent whose status is not `available` gets none. With `wait`, a claim
   * that finds nothing waits for work (parked-claims.ts): the group commit that makes work for it
   * claims for it in the same transaction; [] when nothing came in time.
   */
  claim(agentId: string, max = 1, within?: Within<TaskDto[]>, wait?: ClaimWait): Promise<TaskDto[]> {
    if (!this.accepting) return Promise.reject(new AppError('unavailable', 'The task queue is shutting down: no new work'));
    if (wait && wait.ms > 0) return this.parkedClaims.claim(agentId, max, within, wait);
    return this.batched((out) => this.claimNow(agentId, max, out), within);
  }

  /** Something about the agent changed (status, capacity, presence): its waiting claims look again. */
  nudgeClaims(agentId: string): void {
    this.parkedClaims.nudge(agentId);
  }

  /** Ends every waiting claim now with [] (the gateway draining). */
  releaseWaitingClaims(): void {
    this.parkedClaims.releaseAll();
  }

  /** Claims waiting for work now. */
  get waitingClaims(): number {
    return this.parkedClaims.size;
  }

  private claimNow(agentId: string, max: number, out: Outbox): TaskDto[] {
    if (!this.accepting) throw new AppError('unavailable', 'The task queue is shutting down: no new work');
    const agent = this.agents.row(agentId);
    if (!agent) throw notFound(`No agent with id ${agentId}`);
    const now = this.clock.now();
    if (agent.last_seen_at === null || now - agent.last_seen_at >= 1000) this.agents.touch(agentId, now);
    if (agent.status !== 'available') return [];
    const [held, running] = this.s.held.get(agentId)!;
    let room = Math.min(Math.max(0, Math.floor(max)), agent.capacity - running);
    if (room <= 0) return [];
    const lease = now + this.options.leaseMs;
    const started: unknown[][] = [];
    const offered = held - running;
    if (offered > 0) {
      this.startedRows(this.s.startOffered.all({ agent: agentId, now, lease, limit: room }), agentId, now, lease, started);
      room -= started.length;
    }
    const fromOffers = started.length;
    if (room > 0) {
      const ids = this.assigner.pickForAgent({ id: agentId, skills: agent.skills, capacity: agent.capacity, load: held + started.length - fromOffers }, room);
      if (ids.length) this.startedRows(this.s.startReady.all({ agent: agentId, now, lease, ids: JSON.stringify(ids) }), agentId, now, lease, started);
    }
    if (started.length === 0) return [];
    const ORDER = DTO_COLUMNS.length;
    const sorted = started.map((v, i) => ({ v, from: (i < fromOffers ? 'assigned' : 'ready') as TaskState }));
    sorted.sort((a, b) => (a.v[ORDER] as number) - (b.v[ORDER] as number) || ((a.v[0] as string) < (b.v[0] as string) ? -1 : 1));
    const tasks: TaskDto[] = [];
    for (const { v, from } of sorted) {
      const dto = dtoFromValues(v);
      this.recordEvent(dto.id, dto.attempt, now, from, 'running', { agentId });
      this.announce(out, 'task.updated', () => summaryFromValues(v));
      tasks.push(dto);
    }
    this.counters.claimed += tasks.length;
    return tasks;
  }

  /**
   * The whole rows (DTO_COLUMNS, then order_key) of tasks a claim just started, from its lean
   * RETURNING (CLAIM_LEAN) and the spec cache, appended to `into`.
   */
  private startedRows(leanRows: unknown[][], agentId: string, now: number, lease: number, into: unknown[][]): void {
    let uncached: string[] | null = null;
    for (const lean of leanRows) {
      const spec = this.specs.get(lean[0] as string);
      if (spec) into.push(claimedRow(lean, spec, agentId, now, lease));
      else (uncached ??= []).push(lean[0] as string);
    }
    // Created by another process, or long ago: read whole (as updated, in this transaction).
    if (uncached) for (const v of this.s.dtoByIds.all(JSON.stringify(uncached))) into.push(v);
  }

  /** Renews the lease (and records progress); answers whether a cancel was requested. */
  heartbeat(
    taskId: string,
    agentId: string,
    attempt: number,
    progress?: TaskProgress,
    within?: Within<HeartbeatResult>,
  ): Promise<HeartbeatResult> {
    const progressText = progress ? JSON.stringify(progress) : null;
    return this.batched((out) => {
      const now = this.clock.now();
      const lease = now + this.options.leaseMs;
      const row = this.s.heartbeat.get({ id: taskId, agent: agentId, attempt, now, lease, progress: progressText });
      if (!row) throw refusedBecause(this.rowOrThrow(taskId), agentId, attempt);
      this.agents.touch(agentId, now);
      if (progress) this.announce(out, 'task.updated', taskId);
      return { cancelRequested: row[0] === 1, leaseExpiresAt: row[1] };
    }, within, true);
  }

  /**
   * Ends the attempt: succeeded (or cancelled, when the agent stopped because of a cancel
   * request). A stale attempt is refused with conflict. A task that finishes while a cancel
   * request is pending ends succeeded: the work was done.
   */
  complete(
    taskId: string,
    agentId: string,
    attempt: number,
    result?: unknown,
    options: { cancelled?: boolean; within?: Within<Finished> } = {},
  ): Promise<Finished> {
    let resultText: string | null = null;
    if (result !== undefined) {
      resultText = JSON.stringify(result) ?? null;
      const bytes = resultText === null ? 0 : byteLength(resultText);
      if (bytes > this.options.maxPayloadBytes) {
        return Promise.reject(
          invalidInput(`The result is ${bytes} bytes; the limit is ${this.options.maxPayloadBytes}`, { field: 'result', bytes }),
        );
      }
    }
    const cancelled = options.cancelled ? 1 : 0;
    return this.batched((out) => this.completeOp(taskId, agentId, attempt, resultText, cancelled, null, out), options.within, true);
  }

  /**
   * Ends many attempts of one agent as succeeded at once (an in-process worker's batch, the
   * gateway's POST /v1/complete): one group-commit operation and one UPDATE for all of them.
   * Each report gets its own answer, in order: Finished, or the AppError that refused it alone
   * (a stale attempt, a task not held, a result over the size cap); the others still commit.
   */
  completeMany(agentId: string, reports: readonly CompletionReport[], within?: Within<(Finished | AppError)[]>): Promise<(Finished | AppError)[]> {
    const ending = this.completionsOf(reports);
    return this.batched((out) => ending(agentId, out), within, true);
  }

  /**
   * completeMany, then in the same operation a claim of up to `max` tasks for the agent (at once:
   * none when nothing is ready for it): a worker's reports and its next work in one commit and
   * one round trip, as BullMQ's moveToFinished fetches the next job. A claim the queue refuses
   * (shutting down) takes nothing and leaves the reports committed.
   */
  completeAndClaim(
    agentId: string,
    reports: readonly CompletionReport[],
    max: number,
    within?: Within<{ results: (Finished | AppError)[]; tasks: TaskDto[] }>,
  ): Promise<{ results: (Finished | AppError)[]; tasks: TaskDto[] }> {
    const ending = this.completionsOf(reports);
    return this.batched((out) => {
      const results = ending(agentId, out);
      let tasks: TaskDto[] = [];
      try {
        tasks = this.claimNow(agentId, max, out);
      } catch (error) {
        // Refused before it wrote anything (shutting down, an unknown agent): the reports stand.
        if (!(error instanceof AppError)) throw error;
      }
      return { results, tasks };
    }, within);
  }

  /** Checks the reports' sizes now; answers the operation that ends them (each answered alone). */
  private completionsOf(reports: readonly CompletionReport[]): (agentId: string, out: Outbox) => (Finished | AppError)[] {
    const answers: (Finished | AppError | null)[] = [];
    const items: [string, number, string | null][] = [];
    for (const r of reports) {
      const resultText = r.result === undefined ? null : (JSON.stringify(r.result) ?? null);
      const bytes = resultText === null ? 0 : byteLength(resultText);
      if (bytes > this.options.maxPayloadBytes) {
        answers.push(invalidInput(`The result is ${bytes} bytes; the limit is ${this.options.maxPayloadBytes}`, { field: 'result', bytes, id: r.id }));
        continue;
      }
      answers.push(null);
      items.push([r.id, r.attempt, resultText]);
    }
    return (agentId, out) => {
      const now = this.clock.now();
      const ended = new Map<string, [string, TaskState, number, string, string | null, number | null, number]>();
      if (items.length > 0) for (const row of this.s.completeMany.all({ agent: agentId, now, items: JSON.stringify(items) })) ended.set(row[0], row);
      return answers.map((answer, i) => {
        if (answer) return answer;
        const r = reports[i]!;
        const row = ended.get(r.id);
        // The same attempt reported twice: the first ended it, the second is refused.
        if (row && row[6] === r.attempt && ended.delete(r.id)) return this.completed(row, agentId, r.attempt, now, null, out);
        const current = this.s.byId.get(r.id);
        return current ? refusedBecause(current, agentId, r.attempt) : notFound(`No task with id ${r.id}`);
      });
    };
  }

  /** Guarded (see batched): the UPDATE's WHERE refuses before anything is written. */
  private completeOp(
    taskId: string,
    agentId: string,
    attempt: number,
    resultText: string | null,
    cancelled: number,
    extra: { actor?: string | null; note?: string | null } | null,
    out: Outbox,
  ): Finished {
    const now = this.clock.now();
    const row = this.s.complete.get({ id: taskId, agent: agentId, attempt, now, result: resultText, cancelled });
    if (!row) throw refusedBecause(this.rowOrThrow(taskId), agentId, attempt);
    return this.completed(row, agentId, attempt, now, extra, out);
  }

  /** After the UPDATE that ended an attempt: its timeline row, counters, events, hooks, dependents. */
  private completed(
    [taskId, state, dependents, type, requires, startedAt]: readonly [string, TaskState, number, string, string | null, number | null, ...unknown[]],
    agentId: string,
    attempt: number,
    now: number,
    extra: { actor?: string | null; note?: string | null } | null,
    out: Outbox,
  ): Finished {
    this.specs.forget(taskId);
    this.recordEvent(taskId, attempt, now, 'running', state, {
      agentId,
      actor: extra?.actor ?? null,
      note: state === 'cancelled' ? 'cancel acknowledged by the agent' : (extra?.note ?? null),
    });
    if (state === 'succeeded') this.counters.succeeded++;
    else this.counters.cancelled++;
    this.announce(out, 'task.updated', taskId);
    if (state === 'succeeded') {
      this.ended(out, { taskId, agentId, type, requires, success: true, how: 'succeeded', startedAt, at: now });
    }
    if (dependents > 0) this.settleDependents(this.rowOrThrow(taskId), now, out);
    return { id: taskId, state };
  }

  /** Tells the hook about an ended attempt once the transaction holding it has committed. */
  private ended(out: Outbox, ended: AttemptEnded): void {
    const hook = this.hooks.onAttemptEnded;
    if (hook) out.push(() => this.bus.afterCommitRun(() => hook(ended)));
  }

  /**
   * Ends the attempt as failed: back to ready after the backoff while attempts remain and the
   * error is retryable, otherwise dead. While a cancel is requested, a failure ends cancelled.
   * Answers the state the task is in now (failed: a retry waits; dead; cancelled).
   */
  fail(
    taskId: string,
    agentId: string,
    attempt: number,
    error: TaskError,
    retryable = true,
    within?: Within<TaskSummary>,
  ): Promise<TaskSummary> {
    const errorText = boundError(error);
    return this.batched((out) => {
      const row = this.rowOrThrow(taskId);
      if (row.state !== 'running' || row.assigned_agent_id !== agentId || row.attempt !== attempt) {
        throw refusedBecause(row, agentId, attempt);
      }
      const now = this.clock.now();
      if (row.cancel_requested === 1) {
        return toSummary(this.finishCancelled(row, now, row.cancel_reason ?? 'cancelled', 'cancel acknowledged by the agent', out, { agentId }));
      }
      return toSummary(this.failAttempt(row, now, 'failed', errorText, retryable, out));
    }, within);
  }

  /** The agent stopped after a cancel request: the task ends cancelled. */
  acknowledgeCancel(taskId: string, agentId: string, attempt: number, within?: Within<Finished>): Promise<Finished> {
    return this.complete(taskId, agentId, attempt, undefined, { cancelled: true, within });
  }

  /** running -> failed | timed_out, then a retry after the backoff or dead. */
  private failAttempt(
    row: TaskRow,
    now: number,
    as: 'failed' | 'timed_out',
    errorText: string,
    retryable: boolean,
    out: Outbox,
    how: AttemptEnded['how'] = as,
  ): TaskRow {
    const failures = row.failures + 1;
    if (row.assigned_agent_id) {
      this.ended(out, {
        taskId: row.id,
        agentId: row.assigned_agent_id,
        type: row.type,
        requires: row.requires,
        success: false,
        how,
        startedAt: row.started_at,
        at: now,
      });
    }
    const message = (JSON.parse(errorText) as TaskError).message.slice(0, 200);
    const base = { state: as, failures, last_error: errorText, lease_expires_at: null, attempt_deadline_at: null, updated_at: now };
    if (as === 'timed_out') this.counters.timedOut++;
    else this.counters.failed++;
    const agentId = row.assigned_agent_id;
    if (retryable && failures < row.max_attempts) {
      const policy = { baseMs: row.backoff_base_ms, maxMs: row.backoff_max_ms, jitter: this.options.backoffJitter };
      const delay = backoffDelay(failures, policy, this.random);
      const next = this.patch(row, { ...base, run_at: now + delay });
      this.recordEvent(row.id, row.attempt, now, 'running', as, {
        agentId,
        note: `${message}; retry ${failures + 1} of ${row.max_attempts} in ${delay} ms`,
      });
      if (agentId) this.hooks.onRetryScheduled?.(row.id, agentId, how, row.attempt, now);
      this.announce(out, 'task.updated', next);
      return next;
    }
    this.recordEvent(row.id, row.attempt, now, 'running', as, { agentId, note: message });
    const dead = this.patch(row, { ...base, state: 'dead', finished_at: now });
    this.recordEvent(row.id, row.attempt, now, as, 'dead', {
      agentId,
      note: retryable ? `no attempts left (${failures} of ${row.max_attempts} failed)` : 'the error is not retryable',
    });
    this.counters.dead++;
    this.announce(out, 'task.updated', dead);
    if (dead.dependents > 0) this.settleDependents(dead, now, out);
    return dead;
  }

  private finishCancelled(
    row: TaskRow,
    now: number,
    reason: string,
    note: string,
    out: Outbox,
    extra: { agentId?: string | null; actor?: string | null } = {},
  ): TaskRow {
    const next = this.patch(row, {
      state: 'cancelled',
      cancel_reason: reason,
      finished_at: now,
      lease_expires_at: null,
      attempt_deadline_at: null,
      cancel_deadline_at: null,
      updated_at: now,
    });
    this.recordEvent(row.id, row.attempt, now, row.state, 'cancelled', { agentId: row.assigned_agent_id, ...extra, note });
    this.counters.cancelled++;
    this.announce(out, 'task.updated', next);
    if (next.dependents > 0) this.settleDependents(next, now, out);
    return next;
  }

  /** A task finished: unblock dependents whose dependencies all succeeded, cancel them if it did not succeed. */
  private settleDependents(finished: TaskRow, now: number, out: Outbox): void {
    for (const dep of this.s.blockedDependents.all(finished.id)) {
      if (finished.state === 'succeeded') {
        if ((this.s.unfinishedDeps.get(dep.id)?.n ?? 0) > 0) continue;
        const waitLonger = dep.run_at !== null && dep.run_at > now;
        const next = this.patch(dep, {
          state: waitLonger ? 'pending' : 'ready',
          order_key: orderKey(waitLonger ? dep.run_at! : now, dep.priority, this.agingStep),
          updated_at: now,
        });
        this.recordEvent(dep.id, dep.attempt, now, 'blocked', next.state, { note: 'dependencies succeeded' });
        this.announce(out, 'task.updated', next);
      } else {
        const reason = `dependency ${finished.id} ended ${finished.state}`;
        this.finishCancelled(dep, now, reason, reason, out);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Supervisors: cancel, retry now, priority (synchronous, inside the caller's transaction)
  // ---------------------------------------------------------------------------------------

  /**
   * A waiting task ends cancelled at once (its dependents too). A running one gets a cancel
   * request: heartbeats answer cancelRequested, and it ends cancelled when the agent
   * acknowledges or when cancelGraceMs has passed.
   */
  cancel(id: string, reason: string, actor: Actor = { name: null }): TaskDto {
    return this.write((out) => {
      const row = this.rowOrThrow(id);
      const now = this.clock.now();
      if (FINISHED.has(row.state)) throw conflict(`Task ${id} is already ${row.state}`, { state: row.state });
      if (row.state !== 'running') return toDto(this.finishCancelled(row, now, reason, reason, out, { actor: actor.name }));
      if (row.cancel_requested === 1) return toDto(row);
      const next = this.patch(row, { cancel_requested: 1, cancel_reason: reason, cancel_deadline_at: now + this.options.cancelGraceMs, updated_at: now });
      this.recordEvent(id, row.attempt, now, 'running', 'running', {
        kind: 'cancel_requested',
        agentId: row.assigned_agent_id,
        actor: actor.name,
        note: reason,
      });
      this.announce(out, 'task.updated', next);
      return toDto(next);
    });
  }

  /** A delayed, backing-off or dead task becomes ready now (a dead one gets one more attempt). */
  retryNow(id: string, actor: Actor = { name: null }): TaskDto {
    return this.write((out) => {
      const row = this.rowOrThrow(id);
      if (!['pending', 'failed', 'timed_out', 'dead'].includes(row.state)) {
        throw conflict(`Task ${id} is ${row.state}: only delayed, failed, timed-out or dead tasks can be retried`, { state: row.state });
      }
      const now = this.clock.now();
      const next = this.patch(row, {
        state: 'ready',
        run_at: row.state === 'pending' ? now : row.run_at,
        finished_at: null,
        assigned_agent_id: null,
        max_attempts: row.state === 'dead' ? Math.max(row.max_attempts, row.failures + 1) : row.max_attempts,
        order_key: orderKey(now, row.priority, this.agingStep),
        updated_at: now,
      });
      this.recordEvent(id, row.attempt, now, row.state, 'ready', { kind: 'retry_now', actor: actor.name, note: 'retry now' });
      this.announce(out, 'task.updated', next);
      return toDto(next);
    });
  }

  setPriority(id: string, priority: TaskPriority, actor: Actor = { name: null }): TaskDto {
    return this.write((out) => {
      const row = this.rowOrThrow(id);
      if (FINISHED.has(row.state)) throw conflict(`Task ${id} is already ${row.state}`, { state: row.state });
      const rank = PRIORITY_RANK[priority];
      if (rank === row.priority) return toDto(row);
      const now = this.clock.now();
      const next = this.patch(row, { priority: rank, order_key: row.order_key + (rank - row.priority) * this.agingStep, updated_at: now });
      this.recordEvent(id, row.attempt, now, row.state, row.state, {
        kind: 'priority',
        actor: actor.name,
        note: `${priorityOf(row.priority)} -> ${priority}`,
      });
      this.announce(out, 'task.updated', next);
      return toDto(next);
    });
  }

  /**
   * Site settings changed aging. Keys of work that is ready, offered or running (they keep their
   * key when handed back) are moved to the new step (readyAt + rank x step), so old and new work
   * compare on one scale; other states get a fresh key when they become ready.
   */
  setAging(aging: boolean, agingStepMs: number): void {
    const from = this.agingStep;
    const to = aging ? agingStepMs : STRICT_PRIORITY_STEP;
    this.write(() => {
      if (to !== from) {
        this.sqlite
          .prepare("UPDATE tasks SET order_key = order_key + priority * ? WHERE state IN ('ready', 'assigned', 'running') AND priority != 0")
          .run(to - from);
      }
      // Only once the change has committed: a settings change that rolls back keeps the old step.
      this.bus.afterCommitRun(() => Object.assign(this.options, { aging, agingStepMs }));
    });
  }

  // ---------------------------------------------------------------------------------------
  // Delegation: offers by hand, people's inbox (synchronous, inside the caller's transaction)
  // ---------------------------------------------------------------------------------------

  /**
   * Offers a ready task, or one offered to someone else, to `agentId` now (a supervisor's pin or
   * re-assignment). offerMs null: the offer stands until taken or withdrawn.
   */
  offerTo(id: string, agentId: string, offerMs: number | null, actor: Actor = { name: null }, note?: string): TaskSummary {
    return this.write((out) => {
      const row = this.rowOrThrow(id);
      if (row.state !== 'ready' && row.state !== 'assigned') {
        throw conflict(`Task ${id} is ${row.state}: only a waiting or offered task can be given to an agent now`, {
          state: row.state,
          reason: 'not_offerable',
        });
      }
      if (!this.agents.row(agentId)) throw notFound(`No agent with id ${agentId}`);
      const now = this.clock.now();
      const next = this.patch(row, {
        state: 'assigned',
        assigned_agent_id: agentId,
        lease_expires_at: offerMs === null ? null : now + offerMs,
        updated_at: now,
      });
      this.recordEvent(id, row.attempt, now, row.state, 'assigned', { kind: 'offered', agentId, actor: actor.name, note: note ?? null });
      this.announce(out, 'task.updated', next);
      return toSummary(next);
    });
  }

  /**
   * An offered or running task goes back to ready without counting a failure (a person declined
   * it, a supervisor moved it). A released running attempt's later reports are refused (conflict).
   */
  release(id: string, agentId: string | null, actor: Actor = { name: null }, note = 'released'): TaskSummary {
    return this.write((out) => {
      const row = this.rowOrThrow(id);
      if ((row.state !== 'assigned' && row.state !== 'running') || (agentId !== null && row.assigned_agent_id !== agentId)) {
        throw conflict(`Task ${id} is not offered to or held by this agent`, { state: row.state, reason: 'not_holder' });
      }
      if (row.state === 'running' && row.cancel_requested === 1) {
        return toSummary(this.finishCancelled(row, this.clock.now(), row.cancel_reason ?? 'cancelled', note, out, { actor: actor.name }));
      }
      const now = this.clock.now();
      const next = this.patch(row, {
        state: 'ready',
        assigned_agent_id: null,
        lease_expires_at: null,
        attempt_deadline_at: null,
        order_key: Math.min(row.order_key, orderKey(now, row.priority, this.agingStep)),
        updated_at: now,
      });
      this.recordEvent(id, row.attempt, now, row.state, 'ready', { kind: 'released', agentId: row.assigned_agent_id, actor: actor.name, note });
      this.announce(out, 'task.updated', next);
      return toSummary(next);
    });
  }

  /** The agent accepted an offer: it no longer runs out (a person said "I'll do it"). */
  holdOffer(id: string, agentId: string, actor: Actor = { name: null }): TaskSummary {
    return this.write((out) => {
      const row = this.rowOrThrow(id);
      if (row.state !== 'assigned' || row.assigned_agent_id !== agentId) {
        throw conflict(`Task ${id} is not offered to this agent (it is ${row.state})`, { state: row.state, reason: 'not_offered' });
      }
      if (row.lease_expires_at === null) return toSummary(row);
      const now = this.clock.now();
      const next = this.patch(row, { lease_expires_at: null, updated_at: now });
      this.recordEvent(id, row.attempt, now, 'assigned', 'assigned', { kind: 'accepted', agentId, actor: actor.name, note: 'accepted' });
      this.announce(out, 'task.updated', next);
      return toSummary(next);
    });
  }

  /** Starts a task offered to the agent (attempt + 1). leaseMs null: no lease (people are not polled). */
  startHeld(id: string, agentId: string, leaseMs: number | null, actor: Actor = { name: null }): TaskDto {
    return this.write((out) => {
      if (!this.accepting) throw new AppError('unavailable', 'The task queue is shutting down: no new work');
      const now = this.clock.now();
      const v = this.s.startHeld.get({ id, agent: agentId, now, lease: leaseMs === null ? null : now + leaseMs });
      if (!v) {
        const row = this.rowOrThrow(id);
        throw conflict(`Task ${id} is not offered to this agent (it is ${row.state})`, { state: row.state, reason: 'not_offered' });
      }
      const dto = dtoFromValues(v);
      this.recordEvent(id, dto.attempt, now, 'assigned', 'running', { agentId, actor: actor.name });
      this.announce(out, 'task.updated', () => summaryFromValues(v));
      this.counters.claimed++;
      return dto;
    });
  }

  /** complete() for a running attempt, synchronously inside the caller's transaction. */
  completeHeld(id: string, agentId: string, attempt: number, result: unknown, actor: Actor = { name: null }, note?: string): Finished {
    let resultText: string | null = null;
    if (result !== undefined) {
      resultText = JSON.stringify(result) ?? null;
      const bytes = resultText === null ? 0 : byteLength(resultText);
      if (bytes > this.options.maxPayloadBytes) {
        throw invalidInput(`The result is ${bytes} bytes; the limit is ${this.options.maxPayloadBytes}`, { field: 'result', bytes });
      }
    }
    return this.write((out) => this.completeOp(id, agentId, attempt, resultText, 0, { actor: actor.name, note: note ?? null }, out));
  }

  // ---------------------------------------------------------------------------------------
  // Time-driven work
  // ---------------------------------------------------------------------------------------

  /**
   * Does what is due at clock.now(): delayed tasks and retries become ready, expired offers
   * return, lost leases and attempt timeouts count a failure, unacknowledged cancels end; then
   * (autoAssign) offers ready work to present agents. The host calls it on a timer; tests call it.
   */
  tick(): TickReport {
    const report: TickReport = { ready: 0, offersExpired: 0, leaseExpired: 0, timedOut: 0, cancelled: 0, assigned: 0 };
    const now = this.clock.now();
    const limit = this.options.tickBatch;
    for (let round = 0; round < 50; round++) {
      const handled = this.write((out) => {
        const due = this.s.dueByTime.all(now, limit);
        for (const row of due) this.makeReady(row, now, out);
        report.ready += due.length;
        const held = this.s.dueHeld.all({ now, limit });
        for (const row of held) this.expireHeld(row, now, report, out);
        return Math.max(due.length, held.length);
      });
      if (handled < limit) break;
    }
    if (this.offerRoundError !== null) {
      const error = this.offerRoundError;
      this.offerRoundError = null;
      throw error;
    }
    if (this.options.autoAssign && this.accepting && !this.offerRound) report.assigned = this.write((out) => this.offerReady(now, out));
    return report;
  }

  /** Resolves once a joint offer round still being solved has been applied (tests, shutdown). */
  async offersSettled(): Promise<void> {
    while (this.offerRound) await this.offerRound;
  }

  /** pending (runAt reached) or failed / timed_out (backoff over) -> ready. */
  private makeReady(row: TaskRow, now: number, out: Outbox): void {
    const next = this.patch(row, {
      state: 'ready',
      assigned_agent_id: null,
      order_key: orderKey(row.run_at ?? now, row.priority, this.agingStep),
      updated_at: now,
    });
    this.recordEvent(row.id, row.attempt, now, row.state, 'ready', { note: row.state === 'pending' ? 'run-at reached' : 'backoff over' });
    this.announce(out, 'task.updated', next);
  }

  /** An offer, lease, attempt timeout or cancel grace period ran out. */
  private expireHeld(row: TaskRow, now: number, report: TickReport, out: Outbox): void {
    const leaseLost = row.lease_expires_at !== null && row.lease_expires_at <= now;
    if (row.state === 'assigned') {
      if (!leaseLost) return;
      const next = this.patch(row, { state: 'ready', assigned_agent_id: null, lease_expires_at: null, updated_at: now });
      this.recordEvent(row.id, row.attempt, now, 'assigned', 'ready', { agentId: row.assigned_agent_id, note: 'the offer was not taken in time' });
      if (row.assigned_agent_id) {
        this.ignoredOffers.set(row.assigned_agent_id, now);
        this.hooks.onOfferExpired?.(row.id, row.assigned_agent_id, now);
      }
      this.announce(out, 'task.updated', next);
      report.offersExpired++;
      return;
    }
    const overtime = row.attempt_deadline_at !== null && row.attempt_deadline_at <= now;
    const graceOver = row.cancel_deadline_at !== null && row.cancel_deadline_at <= now;
    if (row.cancel_requested === 1 && (graceOver || leaseLost || overtime)) {
      // A task someone wants cancelled is never retried: it ends here.
      const note = graceOver ? 'the agent did not acknowledge the cancel within the grace period' : 'the attempt ended before the cancel was acknowledged';
      this.finishCancelled(row, now, row.cancel_reason ?? 'cancelled', note, out);
      report.cancelled++;
    } else if (overtime) {
      const error = { message: `Attempt ${row.attempt} ran longer than ${row.timeout_ms} ms`, code: 'timeout' };
      this.failAttempt(row, now, 'timed_out', JSON.stringify(error), true, out);
      report.timedOut++;
    } else if (leaseLost) {
      const error = { message: 'The agent stopped renewing its lease', code: 'lease_expired' };
      this.counters.leaseExpired++;
      this.failAttempt(row, now, 'failed', JSON.stringify(error), true, out, 'lease_expired');
      report.leaseExpired++;
    }
  }

  /** Present agents with spare capacity that have not let an offer run out since they were last seen. */
  private offerCandidates(now: number): AgentCandidate[] {
    return this.s.pushCandidates
      .all(now - this.options.presenceMs)
      .filter((c) => c.load < c.capacity && !((this.ignoredOffers.get(c.id) ?? -1) >= c.last_seen_at))
      .map((c) => ({ id: c.id, skills: c.skills, capacity: c.capacity, load: c.load }));
  }

  /**
   * Offers ready tasks to present agents with spare capacity: jointly (Assigner.assignBatch) when
   * several tasks and free slots meet, else in claim order, one at a time (Assigner.pickAgent).
   */
  private offerReady(now: number, out: Outbox): number {
    const candidates = this.offerCandidates(now);
    if (candidates.length === 0) return 0;
    if (this.assigner.assignBatch) {
      const slots = candidates.reduce((n, c) => n + (c.capacity - c.load), 0);
      const tasks = this.s.readyHead.all(Math.max(this.options.jointBatch, 1));
      if (tasks.length > 1 && slots > 1) {
        const answer = this.assigner.assignBatch(tasks, candidates.map((c) => ({ ...c })), now);
        if (!isPromise(answer)) return this.applyPicks(answer, candidates, now, out, 0, Infinity).offered;
        // A large round is solved off this thread: apply it when it is done, re-checking every
        // pick, a few ms of it at a time in the group commits of the hot paths (their fsync off
        // this thread), the thread free between (recording a large round's decisions in one
        // transaction held it for over a second).
        const round = answer
          .then(async (late) => {
            let at = { next: 0, more: true };
            while (at.next < late.picks.length || at.more) {
              if (!this.accepting || this.closed) return;
              const from = at.next;
              at = await this.batcher.run((o) => {
                const t = this.clock.now();
                return this.applyPicks(late, from < late.picks.length ? this.offerCandidates(t) : [], t, o, from, this.options.lateSliceMs);
              });
            }
          })
          .catch((error: unknown) => {
            this.offerRoundError = error;
          })
          .finally(() => {
            if (this.offerRound === round) this.offerRound = null;
          });
        this.offerRound = round;
        return 0;
      }
    }
    let offered = 0;
    for (const task of this.s.readyHead.all(this.options.tickBatch)) {
      if (candidates.length === 0) break;
      const agentId = this.assigner.pickAgent(task, candidates);
      if (!agentId) continue;
      this.offer(this.rowOrThrow(task.id), agentId, now, out);
      offered++;
      const c = candidates.find((x) => x.id === agentId);
      if (c && ++c.load >= c.capacity) candidates.splice(candidates.indexOf(c), 1);
    }
    return offered;
  }

  /**
   * Carries out a joint round's picks, from picks[from] on, whose task is still ready and whose
   * agent still has room, each committed (recorded) as it is made, until the picks end or sliceMs
   * has passed (wall clock). Once the picks are done, the answer's deferred records follow
   * (commit with no picks) in the time left. next: the first pick not looked at; more: deferred
   * records remain.
   */
  private applyPicks(
    answer: BatchAssignment,
    candidates: readonly AgentCandidate[],
    now: number,
    out: Outbox,
    from: number,
    sliceMs: number,
  ): { next: number; more: boolean; offered: number } {
    const started = performance.now();
    const room = new Map(candidates.map((c) => [c.id, c.capacity - c.load]));
    let offered = 0;
    let i = from;
    while (i < answer.picks.length) {
      const pick = answer.picks[i++]!;
      const left = room.get(pick.agentId) ?? 0;
      const row = left > 0 ? this.s.byId.get(pick.taskId) : undefined;
      if (row && row.state === 'ready') {
        this.offer(row, pick.agentId, now, out);
        room.set(pick.agentId, left - 1);
        answer.commit?.([pick]);
        offered++;
      }
      if (performance.now() - started >= sliceMs) return { next: i, more: answer.commit !== undefined, offered };
    }
    let more = false;
    do more = answer.commit?.([]) === true;
    while (more && performance.now() - started < sliceMs);
    return { next: i, more, offered };
  }

  private offer(row: TaskRow, agentId: string, now: number, out: Outbox): void {
    const lease = now + (this.hooks.offerMs?.(agentId) ?? this.options.offerMs);
    const next = this.patch(row, { state: 'assigned', assigned_agent_id: agentId, lease_expires_at: lease, updated_at: now });
    this.recordEvent(row.id, row.attempt, now, 'ready', 'assigned', { agentId });
    this.announce(out, 'task.updated', next);
  }

  // ---------------------------------------------------------------------------------------
  // Lifecycle
  // ---------------------------------------------------------------------------------------

  /** Commits whatever hot-path writes are queued (tests, shutdown). */
  flush(): void {
    this.batcher.flush();
  }

  /** Group commits so far. */
  get commits(): number {
    return this.batcher.commits;
  }

  get isAcceptingClaims(): boolean {
    return this.accepting;
  }

  /** Claims are refused (unavailable) from now on; reports of running work are still taken. */
  stopClaiming(): void {
    this.accepting = false;
    this.parkedClaims.releaseAll();
  }

  /**
   * Graceful stop: no new claims, running work may report for graceMs, then every lease is
   * released (running and offered tasks return to ready without counting a failure; a running
   * task with a cancel request ends cancelled) and the write batcher is closed.
   */
  async shutdown(graceMs = this.options.shutdownGraceMs): Promise<void> {
    if (this.closed) return;
    this.stopClaiming();
    await this.offersSettled();
    this.batcher.flush();
    if (graceMs > 0 && (this.s.runningCount.get()?.n ?? 0) > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.drainWaiter = null;
          resolve();
        };
        const timer = setTimeout(done, graceMs);
        this.drainWaiter = () => {
          if ((this.s.runningCount.get()?.n ?? 0) === 0) done();
        };
      });
    }
    this.batcher.dispose();
    await this.batcher.settled();
    this.releaseAll();
    this.closed = true;
  }

  private releaseAll(): void {
    this.write((out) => {
      const now = this.clock.now();
      for (const row of this.s.holding.all()) {
        if (row.state === 'running' && row.cancel_requested === 1) {
          this.finishCancelled(row, now, row.cancel_reason ?? 'cancelled', 'released at shutdown while a cancel was pending', out);
          continue;
        }
        const next = this.patch(row, {
          state: 'ready',
          assigned_agent_id: null,
          lease_expires_at: null,
          attempt_deadline_at: null,
          updated_at: now,
        });
        this.recordEvent(row.id, row.attempt, now, row.state, 'ready', {
          agentId: row.assigned_agent_id,
          note: 'lease released: the engine is shutting down',
        });
        this.announce(out, 'task.updated', next);
      }
    });
  }
}

function boundError(error: TaskError): string {
  const text = JSON.stringify(error);
  if (byteLength(text) <= MAX_ERROR_BYTES) return text;
  return JSON.stringify({ ...error, message: error.message.slice(0, 2000), details: undefined });
}

/** Batch items in dependency order (refs first); a cycle, self-reference included, is invalid_input. */
function topologicalOrder(items: readonly TaskBatchItem[], refs: ReadonlyMap<string, number>): number[] {
  const order: number[] = [];
  const mark = new Array<0 | 1 | 2>(items.length).fill(0);
  const visit = (i: number, path: number[]): void => {
    if (mark[i] === 2) return;
    if (mark[i] === 1) {
      const cycle = [...path.slice(path.indexOf(i)), i].map((k) => items[k]!.ref ?? `#${k}`);
      throw invalidInput(`The dependencies form a cycle: ${cycle.join(' -> ')}`, { cycle });
    }
    mark[i] = 1;
    for (const ref of items[i]!.dependsOnRefs ?? []) {
      const j = refs.get(ref);
      if (j === undefined) throw invalidInput(`Unknown ref "${ref}" in dependsOnRefs`, { field: `tasks.${i}.dependsOnRefs`, ref });
      visit(j, [...path, i]);
    }
    mark[i] = 2;
    order.push(i);
  };
  for (let i = 0; i < items.length; i++) visit(i, []);
  return order;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
