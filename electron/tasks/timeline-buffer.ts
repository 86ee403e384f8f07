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
 * What the written rows mean for agents waiting for work: some task became ready (anyone may
 * claim it), or a task was offered to, or freed a slot of, these agents.
 */
export interface WorkNews {
  ready: boolean;
  agents: Set<string>;
}

export class TimelineBuffer {
  private readonly rows: MultiRowInsert;
  private news: WorkNews = { ready: false, agents: new Set() };

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
    this.collectNews(this.news);
    this.rows.flush();
  }

  /** The news of the rows waiting (not yet flushed), without taking it; null when none. */
  waitingNews(): WorkNews | null {
    const news: WorkNews = { ready: false, agents: new Set() };
    this.collectNews(news);
    return news.ready || news.agents.size > 0 ? news : null;
  }

  private collectNews(news: WorkNews): void {
    for (let i = 0; i < this.rows.size; i++) {
      const [, , , , to, , agentId] = this.rows.row(i) as [string, number, string, TaskState | null, TaskState, number, string | null];
      if (to === 'ready') news.ready = true;
      if (agentId !== null && (to === 'assigned' || FREES_CAPACITY.has(to))) news.agents.add(agentId);
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

  /** A whole transaction rolled back: its waiting rows and the news of its flushed ones go. */
  abort(): void {
    this.truncate(0);
    this.dropNews();
  }
}
