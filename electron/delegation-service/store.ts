// The delegation service's rows: recorded decisions, per-task exclusions and pins, and the JSON
// state (learned models, classifier, settings). Plain prepared statements; callers run the writes
// inside their transaction (a bridge call's ctx.commit, the queue's tick or claim).
import type { SqliteDatabase } from '../../native/sqlite';
import type { Explanation } from '../delegation/scoring';
import { expandJointPick, parseJointPick, type JointPickRecord } from './joint-record';

export type DecisionSource = 'engine' | 'pull' | 'pin' | 'reassign';
export type ExclusionKind = 'supervisor' | 'declined' | 'offer_timeout' | 'failed';

export interface DecisionRow {
  id: string;
  task_id: string;
  decided_at: number;
  source: DecisionSource;
  agent_id: string | null;
  actor: string | null;
  explanation: string;
  view_id: string | null;
}

export interface StoredDecision {
  id: string;
  taskId: string;
  decidedAt: number;
  source: DecisionSource;
  agentId: string | null;
  actor: string | null;
  explanation: Explanation;
}

export interface ExclusionRow {
  task_id: string;
  agent_id: string;
  kind: ExclusionKind;
  reason: string;
  actor: string | null;
  at: number;
}

export interface PinRow {
  task_id: string;
  agent_id: string;
  actor: string | null;
  at: number;
}

export class DelegationStore {
  private readonly s;
  /** Views read recently (many decisions share one; each is up to ~100 kB of JSON). */
  private readonly views = new Map<string, Explanation>();

  constructor(sqlite: SqliteDatabase) {
    this.s = {
      insertDecision: sqlite.prepare<[string, string, number, string, string | null, string | null, string, string | null]>(
        'INSERT INTO delegation_decisions (id, task_id, decided_at, source, agent_id, actor, explanation, view_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertView: sqlite.prepare<[string, number, string]>('INSERT INTO delegation_views (id, created_at, explanation) VALUES (?, ?, ?)'),
      view: sqlite.prepare<[string], { explanation: string }>('SELECT explanation FROM delegation_views WHERE id = ?'),
      hasView: sqlite.prepare<[string], { one: number }>('SELECT 1 AS one FROM delegation_views WHERE id = ?'),
      decisions: sqlite.prepare<[string, number], DecisionRow>(
        'SELECT * FROM delegation_decisions WHERE task_id = ? ORDER BY decided_at DESC, id DESC LIMIT ?',
      ),
      exclusionsOf: sqlite.prepare<[string], ExclusionRow>('SELECT * FROM task_exclusions WHERE task_id = ? ORDER BY at, agent_id'),
      allExclusions: sqlite.prepare<[], ExclusionRow>(
        `SELECT e.* FROM task_exclusions e JOIN tasks t ON t.id = e.task_id
          WHERE t.state NOT IN ('succeeded', 'cancelled', 'dead')`,
      ),
      upsertExclusion: sqlite.prepare<[string, string, string, string, string | null, number]>(
        `INSERT INTO task_exclusions (task_id, agent_id, kind, reason, actor, at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (task_id, agent_id) DO UPDATE SET kind = excluded.kind, reason = excluded.reason, actor = excluded.actor, at = excluded.at`,
      ),
      deleteExclusion: sqlite.prepare<[string, string]>('DELETE FROM task_exclusions WHERE task_id = ? AND agent_id = ?'),
      pinOf: sqlite.prepare<[string], PinRow>('SELECT * FROM task_pins WHERE task_id = ?'),
      allPins: sqlite.prepare<[], PinRow>(
        `SELECT p.* FROM task_pins p JOIN tasks t ON t.id = p.task_id WHERE t.state NOT IN ('succeeded', 'cancelled', 'dead')`,
      ),
      upsertPin: sqlite.prepare<[string, string, string | null, number]>(
        `INSERT INTO task_pins (task_id, agent_id, actor, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (task_id) DO UPDATE SET agent_id = excluded.agent_id, actor = excluded.actor, at = excluded.at`,
      ),
      deletePin: sqlite.prepare<[string]>('DELETE FROM task_pins WHERE task_id = ?'),
      getState: sqlite.prepare<[string], { value: string }>('SELECT value FROM delegation_state WHERE key = ?'),
      putState: sqlite.prepare<[string, string, number]>(
        `INSERT INTO delegation_state (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      ),
    };
  }

  addDecision(d: StoredDecision): void {
    this.s.insertDecision.run(d.id, d.taskId, d.decidedAt, d.source, d.agentId, d.actor, JSON.stringify(d.explanation), null);
  }

  /** A joint round's shared single-task view (see joint-record.ts). */
  addView(id: string, createdAt: number, view: Explanation): void {
    this.s.insertView.run(id, createdAt, JSON.stringify(view));
  }

  hasView(id: string): boolean {
    return this.s.hasView.get(id) !== undefined;
  }

  /** A joint pick's decision: its own part, read back together with the view it names. */
  addJointPick(d: Omit<StoredDecision, 'explanation'>, viewId: string, pick: JointPickRecord): void {
    this.s.insertDecision.run(d.id, d.taskId, d.decidedAt, d.source, d.agentId, d.actor, JSON.stringify(pick), viewId);
  }

  private toDecision(r: DecisionRow): StoredDecision {
    const raw: unknown = JSON.parse(r.explanation);
    let explanation = raw as Explanation;
    if (r.view_id !== null) {
      const pick = parseJointPick(raw);
      const view = this.viewOf(r.view_id);
      if (!pick || !view) throw new Error(`Decision ${r.id}: its joint view ${r.view_id} is missing or unreadable`);
      explanation = expandJointPick(view, pick);
    }
    return { id: r.id, taskId: r.task_id, decidedAt: r.decided_at, source: r.source, agentId: r.agent_id, actor: r.actor, explanation };
  }

  private viewOf(id: string): Explanation | null {
    const known = this.views.get(id);
    if (known) return known;
    const row = this.s.view.get(id);
    if (!row) return null;
    const view = JSON.parse(row.explanation) as Explanation;
    if (this.views.size >= 32) this.views.delete(this.views.keys().next().value!);
    this.views.set(id, view);
    return view;
  }

  /** Newest first. */
  decisions(taskId: string, limit = 50): StoredDecision[] {
    return this.s.decisions.all(taskId, limit).map((r) => this.toDecision(r));
  }

  latestDecision(taskId: string): StoredDecision | null {
    const row = this.s.decisions.get(taskId, 1);
    return row ? this.toDecision(row) : null;
  }

  exclusionsOf(taskId: string): ExclusionRow[] {
    return this.s.exclusionsOf.all(taskId);
  }

  /** Exclusions of unfinished tasks (what the assigner needs at start). */
  openExclusions(): ExclusionRow[] {
    return this.s.allExclusions.all();
  }

  exclude(row: ExclusionRow): void {
    this.s.upsertExclusion.run(row.task_id, row.agent_id, row.kind, row.reason, row.actor, row.at);
  }

  unexclude(taskId: string, agentId: string): boolean {
    return this.s.deleteExclusion.run(taskId, agentId).changes > 0;
  }

  pinOf(taskId: string): PinRow | null {
    return this.s.pinOf.get(taskId) ?? null;
  }

  openPins(): PinRow[] {
    return this.s.allPins.all();
  }

  pin(row: PinRow): void {
    this.s.upsertPin.run(row.task_id, row.agent_id, row.actor, row.at);
  }

  unpin(taskId: string): boolean {
    return this.s.deletePin.run(taskId).changes > 0;
  }

  getState<T>(key: string): T | null {
    const row = this.s.getState.get(key);
    return row ? (JSON.parse(row.value) as T) : null;
  }

  putState(key: string, value: unknown, at: number): void {
    this.s.putState.run(key, JSON.stringify(value), at);
  }
}
