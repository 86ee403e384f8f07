// The read queries the background reader runs off the main thread (read-worker.ts), by name: the
// thread takes no SQL from its messages. Each is also run on the main connection when the thread
// is not there (background-reader.ts), so the answer never depends on which ran it.

export const READ_QUERIES = {
  /** Tasks by state and priority (a whole-table scan: ~30 ms at 100,000 tasks). */
  taskDepth: 'SELECT state, priority, count(*) AS n FROM tasks GROUP BY state, priority',
  /** Waiting tasks by what decides who may take them (delegation-service/stuck-work.ts). */
  readyKinds:
    "SELECT type, requires, tags, min(priority) AS priority, count(*) AS n, min(created_at) AS oldest FROM tasks INDEXED BY tasks_ready WHERE state = 'ready' GROUP BY type, requires, tags",
} as const;

export type ReadQueryName = keyof typeof READ_QUERIES;

export interface ReadRequest {
  id: number;
  name: ReadQueryName;
}

export type ReadReply = { id: number; ok: true; rows: unknown[] } | { id: number; ok: false; error: string };
