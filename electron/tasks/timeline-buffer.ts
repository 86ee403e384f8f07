// A task's timeline rows, buffered until the end of the transaction that made them and then
// written with multi-row INSERTs (multi-row-insert.ts): the queue writes three rows per task
// (created, running, ended).
// The queue flushes the buffer inside the same transaction (so "a timeline row per transition,
// in the same transaction" holds), and truncates it to a mark when an operation is rolled back.
import type { SqliteDatabase } from '../../native/sqlite';
import type { TaskState } from '../../preload/contract';
import { MultiRowInsert } from './multi-row-insert';

const COLUMNS = ['task_id', 'at', 'kind', 'from_state', 'to_state', 'attempt', 'agent_id', 'actor', 'note'];

/** States that free a slot of the agent that held the task. */
const FREES_CAPACITY = new Set<unknown>(['succeeded', 'failed', 'timed_out', 'cancelled', 'dead', 'ready']);

/**
 * What rows not yet written mean for agents waiting for work (parked-claims.ts): how many tasks
 * became ready and are still ready (anyone may claim them), and the agents a task was offered to
 * or one of whose tasks ended (a slot freed).
 */
export interface WorkNews {
  readies: number;
  agents: Set<string>;
}

export class TimelineBuffer {
  private readonly rows: MultiRowInsert;

  constructor(sqlite: SqliteDatabase) {
    this.rows = new MultiRowInsert(sqlite, 'task_events', COLUMNS, [64, 16, 4, 1]);
  }

  push(
    taskId: string,
    at: number,
    kind: string,
    from: TaskState | null,
    to: TaskState,
    attempt: number,
    agentId: string | null,
    actor: string | null,
    note: string | null,
  ): void {
    this.rows.push(taskId, at, kind, from, to, attempt, agentId, actor, note);
  }

  /** Rows waiting; a mark for truncate(). */
  get size(): number {
    return this.rows.size;
  }

  /** Forgets the rows pushed after `mark` (their operation was rolled back). */
  truncate(mark: number): void {
    this.rows.truncate(mark);
  }

  /** Writes every waiting row, in order. Call inside the transaction that made them. */
  flush(): void {
    this.rows.flush();
  }

  /** The news of the rows waiting (not yet flushed); null when there is none. */
  waitingNews(): WorkNews | null {
    const agents = new Set<string>();
    const last = new Map<string, TaskState>();
    let readyRows = 0;
    for (let i = 0; i < this.rows.size; i++) {
      const [taskId, , , , to, , agentId] = this.rows.row(i) as [string, number, string, TaskState | null, TaskState, number, string | null];
      if (to === 'ready') readyRows++;
      if (readyRows > 0) last.set(taskId, to);
      if (agentId !== null && (to === 'assigned' || FREES_CAPACITY.has(to))) agents.add(agentId);
    }
    let readies = 0;
    if (readyRows > 0) for (const to of last.values()) if (to === 'ready') readies++;
    return readies > 0 || agents.size > 0 ? { readies, agents } : null;
  }
}
