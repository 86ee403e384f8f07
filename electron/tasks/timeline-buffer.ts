// A task's timeline rows, buffered until the end of the transaction that made them and then
// written with multi-row INSERTs: one statement for 64 rows costs ~3.2 µs a row against ~5.2 µs
// for one statement a row, and the queue writes three rows per task (created, running, ended).
// The queue flushes the buffer inside the same transaction (so "a timeline row per transition,
// in the same transaction" holds), and truncates it to a mark when an operation is rolled back.
import type { SqliteDatabase } from '../../native/sqlite';
import type { TaskState } from '../../preload/contract';

const COLUMNS = 9;
const CHUNKS = [64, 16, 4, 1] as const;

/** States that free a slot of the agent that held the task. */
const FREES_CAPACITY = new Set<unknown>(['succeeded', 'failed', 'timed_out', 'cancelled', 'dead', 'ready']);

/**
 * What the written rows mean for agents waiting for work: some task became ready (anyone may
 * claim it), or a task was offered to, or freed a slot of, these agents.
 */
export interface WorkNews {
  ready: boolean;
  agents: Set<string>;
}

export class TimelineBuffer {
  private values: unknown[] = [];
  private news: WorkNews = { ready: false, agents: new Set() };
  private readonly insert: Map<number, ReturnType<SqliteDatabase['prepare']>>;

  constructor(sqlite: SqliteDatabase) {
    const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
    this.insert = new Map(
      CHUNKS.map((n) => [
        n,
        sqlite.prepare(
          `INSERT INTO task_events (task_id, at, kind, from_state, to_state, attempt, agent_id, actor, note) VALUES ${Array(n).fill(row).join(', ')}`,
        ),
      ]),
    );
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
    this.values.push(taskId, at, kind, from, to, attempt, agentId, actor, note);
  }

  /** Rows waiting; a mark for truncate(). */
  get size(): number {
    return this.values.length / COLUMNS;
  }

  /** Forgets the rows pushed after `mark` (their operation was rolled back). */
  truncate(mark: number): void {
    if (mark < this.size) this.values.length = mark * COLUMNS;
  }

  /** Writes every waiting row, in order. Call inside the transaction that made them. */
  flush(): void {
    const values = this.values;
    if (values.length === 0) return;
    this.values = [];
    const rows = values.length / COLUMNS;
    for (let i = 0; i < values.length; i += COLUMNS) {
      const to = values[i + 4];
      const agentId = values[i + 6] as string | null;
      if (to === 'ready') this.news.ready = true;
      if (agentId !== null && (to === 'assigned' || FREES_CAPACITY.has(to))) this.news.agents.add(agentId);
    }
    let at = 0;
    for (const n of CHUNKS) {
      const stmt = this.insert.get(n)!;
      while (rows - at >= n) {
        stmt.run(n === 1 ? values.slice(at * COLUMNS, (at + 1) * COLUMNS) : values.slice(at * COLUMNS, (at + n) * COLUMNS));
        at += n;
      }
    }
  }

  /**
   * The news of the rows flushed since the last call, and forgets it: for after the commit.
   * null when nothing concerns a waiting agent.
   */
  takeNews(): WorkNews | null {
    const news = this.news;
    if (!news.ready && news.agents.size === 0) return null;
    this.news = { ready: false, agents: new Set() };
    return news;
  }

  /** The transaction that held the flushed rows rolled back: nothing happened. */
  dropNews(): void {
    this.news = { ready: false, agents: new Set() };
  }
}
