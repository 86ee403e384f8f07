// Task rows as SQLite holds them, their DTOs, and the small pure rules of the queue (priority
// ranks, claim order with aging, canonical content for idempotency). No I/O here.
import { createHash } from 'node:crypto';
import {
  TASK_PRIORITIES,
  type TaskDto,
  type TaskError,
  type TaskEventDto,
  type TaskPriority,
  type TaskProgress,
  type TaskState,
  type TaskSummary,
} from '../../preload/contract';

export interface TaskRow {
  id: string;
  type: string;
  title: string;
  payload: string;
  priority: number;
  requires: string | null;
  deadline: number | null;
  run_at: number | null;
  max_attempts: number;
  backoff_base_ms: number;
  backoff_max_ms: number;
  timeout_ms: number | null;
  idempotency_key: string | null;
  content_hash: string | null;
  depends_on: string | null;
  dependents: number;
  tags: string;
  creator: string | null;
  workflow_run_id: string | null;
  workflow_step_id: string | null;
  state: TaskState;
  attempt: number;
  failures: number;
  assigned_agent_id: string | null;
  lease_expires_at: number | null;
  attempt_deadline_at: number | null;
  cancel_requested: number;
  cancel_reason: string | null;
  cancel_deadline_at: number | null;
  order_key: number;
  started_at: number | null;
  finished_at: number | null;
  result: string | null;
  last_error: string | null;
  progress: string | null;
  created_at: number;
  updated_at: number;
}

export interface TaskEventRow {
  seq: number;
  task_id: string;
  at: number;
  kind: string;
  from_state: TaskState | null;
  to_state: TaskState;
  attempt: number;
  agent_id: string | null;
  actor: string | null;
  note: string | null;
}

export const PRIORITY_RANK: Readonly<Record<TaskPriority, number>> = { critical: 0, high: 1, normal: 2, low: 3 };

export function priorityOf(rank: number): TaskPriority {
  return TASK_PRIORITIES[rank] ?? 'normal';
}

/** States a task never leaves (except dead, which retryNow revives). */
export const FINISHED: ReadonlySet<TaskState> = new Set<TaskState>(['succeeded', 'cancelled', 'dead']);

/**
 * Claim order among ready tasks: ascending orderKey, then id. orderKey = readyAt + rank x step.
 * With aging, step is agingStepMs: a task gains one priority level for every step it has waited
 * longer than another, so low work is never starved. Without aging, step is so large (2^42 ms,
 * about 139 years) that the order is strict priority, FIFO within a priority.
 */
export const STRICT_PRIORITY_STEP = 2 ** 42;

export function orderKey(readyAt: number, rank: number, stepMs: number): number {
  return readyAt + rank * stepMs;
}

function parse<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The common "[]" and "{}" without running the JSON parser (hot paths build many DTOs). */
function parseList(text: string | null): string[] {
  return text === null || text === '[]' ? [] : parse<string[]>(text, []);
}
function parseSkills(text: string | null): Record<string, number> {
  return text === null || text === '{}' ? {} : parse<Record<string, number>>(text, {});
}

/**
 * The columns of a TaskSummary, in the order summaryFromValues reads them. Hot paths select
 * these in raw mode (arrays): better-sqlite3 builds a 38-property object per row about three
 * times slower than an array.
 */
export const SUMMARY_COLUMNS = [
  'id', 'type', 'title', 'priority', 'state', 'requires', 'deadline', 'run_at', 'max_attempts', 'attempt',
  'failures', 'backoff_base_ms', 'backoff_max_ms', 'timeout_ms', 'idempotency_key', 'depends_on', 'tags',
  'creator', 'workflow_run_id', 'workflow_step_id', 'assigned_agent_id', 'lease_expires_at', 'started_at',
  'finished_at', 'last_error', 'progress', 'cancel_requested', 'cancel_reason', 'created_at', 'updated_at',
] as const;
/** SUMMARY_COLUMNS, then payload and result. */
export const DTO_COLUMNS = [...SUMMARY_COLUMNS, 'payload', 'result'] as const;

type Raw = readonly unknown[];
const str = (v: unknown) => v as string;
const strOrNull = (v: unknown) => v as string | null;
const num = (v: unknown) => v as number;
const numOrNull = (v: unknown) => v as number | null;

export function summaryFromValues(v: Raw): TaskSummary {
  return {
    id: str(v[0]),
    type: str(v[1]),
    title: str(v[2]),
    priority: priorityOf(num(v[3])),
    state: v[4] as TaskState,
    requires: parseSkills(strOrNull(v[5])),
    deadline: numOrNull(v[6]),
    runAt: numOrNull(v[7]),
    maxAttempts: num(v[8]),
    attempt: num(v[9]),
    failures: num(v[10]),
    backoff: { baseMs: num(v[11]), maxMs: num(v[12]) },
    timeoutMs: numOrNull(v[13]),
    idempotencyKey: strOrNull(v[14]),
    dependsOn: parseList(strOrNull(v[15])),
    tags: parseList(strOrNull(v[16])),
    creator: strOrNull(v[17]),
    workflowRunId: strOrNull(v[18]),
    workflowStepId: strOrNull(v[19]),
    assignedAgentId: strOrNull(v[20]),
    leaseExpiresAt: numOrNull(v[21]),
    startedAt: numOrNull(v[22]),
    finishedAt: numOrNull(v[23]),
    lastError: parse<TaskError | null>(strOrNull(v[24]), null),
    progress: parse<TaskProgress | null>(strOrNull(v[25]), null),
    cancelRequested: v[26] === 1,
    cancelReason: strOrNull(v[27]),
    createdAt: num(v[28]),
    updatedAt: num(v[29]),
  };
}

export function dtoFromValues(v: Raw): TaskDto {
  const summary = summaryFromValues(v) as TaskDto;
  summary.payload = parse<TaskDto['payload']>(strOrNull(v[30]), null);
  summary.result = parse<TaskDto['result']>(strOrNull(v[31]), null);
  return summary;
}

export function toSummary(r: TaskRow): TaskSummary {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    priority: priorityOf(r.priority),
    state: r.state,
    requires: parseSkills(r.requires),
    deadline: r.deadline,
    runAt: r.run_at,
    maxAttempts: r.max_attempts,
    attempt: r.attempt,
    failures: r.failures,
    backoff: { baseMs: r.backoff_base_ms, maxMs: r.backoff_max_ms },
    timeoutMs: r.timeout_ms,
    idempotencyKey: r.idempotency_key,
    dependsOn: parseList(r.depends_on),
    tags: parseList(r.tags),
    creator: r.creator,
    workflowRunId: r.workflow_run_id,
    workflowStepId: r.workflow_step_id,
    assignedAgentId: r.assigned_agent_id,
    leaseExpiresAt: r.lease_expires_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    lastError: parse<TaskError | null>(r.last_error, null),
    progress: parse<TaskProgress | null>(r.progress, null),
    cancelRequested: r.cancel_requested === 1,
    cancelReason: r.cancel_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toDto(r: TaskRow): TaskDto {
  return { ...toSummary(r), payload: parse<TaskDto['payload']>(r.payload, null), result: parse<TaskDto['result']>(r.result, null) };
}

export function toEventDto(r: TaskEventRow): TaskEventDto {
  return {
    seq: r.seq,
    at: r.at,
    kind: r.kind,
    from: r.from_state,
    to: r.to_state,
    attempt: r.attempt,
    agentId: r.agent_id,
    actor: r.actor,
    note: r.note,
  };
}

/** JSON with object keys sorted at every depth: equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
