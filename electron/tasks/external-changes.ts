// Re-announces on the host's bus what OTHER connections committed to the database (the `delegate`
// CLI writing while the app runs): their events went out on their own bus, so the gateway would
// not push a cancel request and windows would not refresh. Polled from the host's tick.
//
// Invariants: `PRAGMA data_version` on the host's connection changes only when another connection
// commits, so the host's own writes cost one pragma and one max(seq) per tick and announce nothing.
// Which tasks changed is read from task_events (one row per transition, written in the same
// transaction, seq = rowid): a range read on the primary key, never a scan of tasks.
import type { SqliteDatabase } from '../../native/sqlite';
import type { AgentRegistry } from '../agents/registry';
import type { EventBus } from '../core/events';
import { SUMMARY_COLUMNS, summaryFromValues } from './model';

export interface ExternalChangesReport {
  tasks: number;
  agents: number;
  keys: number;
}

export interface ExternalChangesOptions {
  /** Timeline rows read per check; more are read on the following ticks. */
  maxEvents?: number;
}

type EventRow = [seq: number, taskId: string, fromState: string | null];

export class ExternalChanges {
  private readonly s;
  private readonly maxEvents: number;
  private dataVersion: number;
  /** task_events rows up to here have been seen (announced, or written by the host itself). */
  private seq: number;
  /** The last read stopped at maxEvents: go on next tick even if nobody committed since. */
  private behind = false;
  /** The registry's own change count when the stamps were taken: its own writes are not news. */
  private agentsVersion = 0;
  private agentStamps = new Map<string, number>();
  private keyStamps = new Map<string, string>();

  constructor(
    private readonly sqlite: SqliteDatabase,
    private readonly bus: EventBus,
    private readonly agents: AgentRegistry,
    options: ExternalChangesOptions = {},
  ) {
    this.maxEvents = options.maxEvents ?? 2000;
    this.s = {
      dataVersion: sqlite.prepare<[], number>('PRAGMA data_version').pluck(),
      maxSeq: sqlite.prepare<[], number | null>('SELECT max(seq) FROM task_events').pluck(),
      since: sqlite.prepare<[number, number], EventRow>('SELECT seq, task_id, from_state FROM task_events WHERE seq > ? ORDER BY seq LIMIT ?').raw(),
      summaries: sqlite
        .prepare<[string], unknown[]>(`SELECT ${SUMMARY_COLUMNS.join(', ')} FROM tasks WHERE id IN (SELECT value FROM json_each(?))`)
        .raw(),
      agentStamps: sqlite.prepare<[], [string, number]>('SELECT id, updated_at FROM agents').raw(),
      keyStamps: sqlite.prepare<[], [string, string]>("SELECT agent_id, count(*) || ':' || count(revoked_at) FROM api_keys GROUP BY agent_id").raw(),
    };
    this.seq = this.s.maxSeq.get() ?? 0;
    this.dataVersion = this.s.dataVersion.get()!;
    this.takeAgentStamps();
  }

  /** Announces what other connections committed since the last check; null when nothing did. */
  check(): ExternalChangesReport | null {
    // Between the host's transactions only (they never span a turn of the event loop).
    if (this.sqlite.inTransaction) return null;
    // max(seq) BEFORE data_version: a commit landing between the two reads then shows up as a
    // changed version on this or the next tick, never as rows silently counted as seen.
    const top = this.s.maxSeq.get() ?? 0;
    const version = this.s.dataVersion.get()!;
    const committed = version !== this.dataVersion;
    if (!committed && !this.behind) {
      this.seq = top;
      // The host changed agents or keys itself (rare): take the stamps again, or the next
      // foreign commit would announce those changes a second time.
      if (this.agents.version !== this.agentsVersion) this.takeAgentStamps();
      return null;
    }
    this.dataVersion = version;
    const report: ExternalChangesReport = { tasks: this.announceTasks(), agents: 0, keys: 0 };
    if (committed) this.announceAgents(report);
    return report;
  }

  private announceTasks(): number {
    const rows = this.s.since.all(this.seq, this.maxEvents);
    this.behind = rows.length === this.maxEvents;
    if (rows.length === 0) return 0;
    this.seq = rows[rows.length - 1]![0];
    // Collapsed per task to what the queue emitted: task.created for one created in the window,
    // task.updated for one that changed (after its creation): the gateway's cancel push and the
    // windows' caches listen for those two.
    const news = new Map<string, { created: boolean; updated: boolean }>();
    for (const [, id, from] of rows) {
      const n = news.get(id) ?? { created: false, updated: false };
      if (from === null) n.created = true;
      else n.updated = true;
      news.set(id, n);
    }
    // Nobody listening (no window, no gateway): nothing is worth building, like the queue.
    if (this.bus.listenerCount === 0) return news.size;
    for (const values of this.s.summaries.all(JSON.stringify([...news.keys()]))) {
      const task = summaryFromValues(values);
      const n = news.get(task.id)!;
      if (n.created) this.bus.emit('task.created', task);
      if (n.updated) this.bus.emit('task.updated', task);
    }
    return news.size;
  }

  /** The agents and api_keys tables are small: compared whole, and only after a foreign commit. */
  private announceAgents(report: ExternalChangesReport): void {
    const before = { agents: this.agentStamps, keys: this.keyStamps };
    this.takeAgentStamps();
    let changed = before.agents.size !== this.agentStamps.size;
    for (const [id, stamp] of this.agentStamps) {
      if (before.agents.get(id) === stamp) continue;
      changed = true;
      const agent = this.agents.get(id);
      if (agent) this.bus.emit('agent.changed', agent);
      report.agents++;
    }
    // The delegation roster and other caches keyed on the registry's version see the change too.
    if (changed) {
      this.agents.noteChangedElsewhere();
      this.agentsVersion = this.agents.version;
    }
    for (const [agentId, stamp] of this.keyStamps) {
      if (before.keys.get(agentId) === stamp) continue;
      this.bus.emit('agent.keysChanged', { agentId });
      report.keys++;
    }
  }

  private takeAgentStamps(): void {
    this.agentsVersion = this.agents.version;
    this.agentStamps = new Map(this.s.agentStamps.all());
    this.keyStamps = new Map(this.s.keyStamps.all());
  }
}
