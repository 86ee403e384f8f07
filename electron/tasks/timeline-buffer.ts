// A task's timeline rows, buffered until the end of the transaction that made them and then
// written with multi-row INSERTs: one statement for 64 rows costs ~3.2 µs a row against ~5.2 µs
// for one statement a row, and the queue writes three rows per task (created, running, ended).
// The queue flushes the buffer inside the same transaction (so "a timeline row per transition,
// in the same transaction" holds), and truncates it to a mark when an operation is rolled back.
import type { SqliteDatabase } from '../../native/sqlite';
import type { TaskState } from '../../preload/contract';

const COLUMNS = 9;
const CHUNKS = [64, 16, 4, 1] as const;

export class TimelineBuffer {
  private values: unknown[] = [];
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
    let at = 0;
    for (const n of CHUNKS) {
      const stmt = this.insert.get(n)!;
      while (rows - at >= n) {
        stmt.run(n === 1 ? values.slice(at * COLUMNS, (at + 1) * COLUMNS) : values.slice(at * COLUMNS, (at + n) * COLUMNS));
        at += n;
      }
    }
  }
}
