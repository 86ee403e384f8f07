// Retention: finished tasks older than N days are rolled into daily aggregates (UTC day x type x
// final state: count, total lead time, total run time) and then deleted with their timeline, in
// the same transaction, so analytics history survives the pruning; then the joint rounds' shared
// decision views no decision refers to any more. A task another unfinished
// task still depends on is kept until that one finishes too.
import { encodeTime } from 'ulid';
import type { SqliteDatabase } from '../../native/sqlite';
import type { Clock } from '../core/clock';

export const DAY_MS = 86_400_000;

export interface DailyTaskStat {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  type: string;
  state: string;
  count: number;
  totalDurationMs: number;
  avgDurationMs: number;
  totalRunMs: number;
  avgRunMs: number;
}

export interface PruneReport {
  pruned: number;
  /** The finish time before which tasks were eligible. */
  cutoff: number;
}

export class TaskRetention {
  private readonly stmt;

  constructor(
    private readonly sqlite: SqliteDatabase,
    private readonly clock: Clock,
    /** Asked on every prune: the host reads the site setting, so a change counts from the next run. */
    private readonly retentionDays: () => number,
  ) {
    this.stmt = {
      // Walks the primary key from the oldest id: a task finished before the cutoff was created
      // before it, and ULIDs sort by creation time. No index on finished_at to keep up on the hot path.
      candidates: sqlite.prepare<{ cutoff: number; idBefore: string; limit: number }, { id: string }>(
        `SELECT id FROM tasks
          WHERE id < @idBefore AND finished_at IS NOT NULL AND finished_at < @cutoff
            AND state IN ('succeeded', 'cancelled', 'dead')
            AND NOT EXISTS (SELECT 1 FROM task_deps d JOIN tasks t2 ON t2.id = d.task_id
                             WHERE d.depends_on = tasks.id AND t2.finished_at IS NULL)
          LIMIT @limit`,
      ),
      aggregate: sqlite.prepare<{ ids: string }>(
        `INSERT INTO task_daily_stats (day, type, state, count, total_duration_ms, total_run_ms)
         SELECT strftime('%Y-%m-%d', finished_at / 1000, 'unixepoch'), type, state, count(*),
                sum(finished_at - created_at),
                sum(CASE WHEN started_at IS NULL THEN 0 ELSE finished_at - started_at END)
           FROM tasks WHERE id IN (SELECT value FROM json_each(@ids))
          GROUP BY 1, 2, 3
         ON CONFLICT (day, type, state) DO UPDATE SET
           count = count + excluded.count,
           total_duration_ms = total_duration_ms + excluded.total_duration_ms,
           total_run_ms = total_run_ms + excluded.total_run_ms`,
      ),
      dropDepsOn: sqlite.prepare<{ ids: string }>('DELETE FROM task_deps WHERE depends_on IN (SELECT value FROM json_each(@ids))'),
      drop: sqlite.prepare<{ ids: string }>('DELETE FROM tasks WHERE id IN (SELECT value FROM json_each(@ids))'),
      // A joint round's shared decision view goes with the last decision that refers to it.
      dropViews: sqlite.prepare<{ cutoff: number }>(
        `DELETE FROM delegation_views WHERE created_at < @cutoff
            AND NOT EXISTS (SELECT 1 FROM delegation_decisions d WHERE d.view_id = delegation_views.id)`,
      ),
      stats: sqlite.prepare<{ from: string; to: string }, {
        day: string;
        type: string;
        state: string;
        count: number;
        total_duration_ms: number;
        total_run_ms: number;
      }>('SELECT * FROM task_daily_stats WHERE day >= @from AND day <= @to ORDER BY day, type, state'),
    };
  }

  /** Rolls up and deletes finished tasks older than the retention period; one transaction per chunk. */
  prune(options: { days?: number; chunk?: number } = {}): PruneReport {
    const days = options.days ?? this.retentionDays();
    const chunk = options.chunk ?? 2000;
    const cutoff = this.clock.now() - days * DAY_MS;
    let pruned = 0;
    for (;;) {
      const n = this.sqlite.transaction(() => {
        const ids = this.stmt.candidates.all({ cutoff, idBefore: encodeTime(Math.max(0, cutoff), 10), limit: chunk }).map((r) => r.id);
        if (ids.length === 0) return 0;
        const json = JSON.stringify(ids);
        this.stmt.aggregate.run({ ids: json });
        this.stmt.dropDepsOn.run({ ids: json });
        this.stmt.drop.run({ ids: json });
        return ids.length;
      })();
      pruned += n;
      if (n < chunk) break;
    }
    if (pruned > 0) this.stmt.dropViews.run({ cutoff });
    return { pruned, cutoff };
  }

  /** Daily aggregates between two UTC days (YYYY-MM-DD, inclusive). */
  dailyStats(from = '0000-00-00', to = '9999-99-99'): DailyTaskStat[] {
    return this.stmt.stats.all({ from, to }).map((r) => ({
      day: r.day,
      type: r.type,
      state: r.state,
      count: r.count,
      totalDurationMs: r.total_duration_ms,
      avgDurationMs: r.count ? Math.round(r.total_duration_ms / r.count) : 0,
      totalRunMs: r.total_run_ms,
      avgRunMs: r.count ? Math.round(r.total_run_ms / r.count) : 0,
    }));
  }
}
