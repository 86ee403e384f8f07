// Who gets which task. The queue asks an Assigner twice: when an agent pulls work (claim) and
// when tick() pushes ready work to agents that do not poll (robots through their links, people).
// This one is the plain rule of the Tasks issue: capability match (every required skill at or
// above its level) and least-loaded first. The delegation engine replaces it behind this interface.
import type { SqliteDatabase } from '../../native/sqlite';

/** An agent as the assigner sees it. skills is the stored JSON text ({ skill: level }). */
export interface AgentCandidate {
  id: string;
  skills: string;
  capacity: number;
  /** Tasks it holds now (assigned + running). */
  load: number;
}

/** A ready task as the assigner sees it. requires is the stored JSON text or null. */
export interface ReadyTask {
  id: string;
  type: string;
  priority: number;
  requires: string | null;
  order_key: number;
}

export interface Assigner {
  /**
   * Ids of ready tasks `agent` should take now, best first, at most `limit`. Runs inside the
   * claim transaction and must be fast: 100,000 ready tasks and 1,000 agents are normal.
   */
  pickForAgent(agent: AgentCandidate, limit: number): string[];
  /** The agent that should be offered `task`, or null to leave it ready. candidates have spare capacity. */
  pickAgent(task: ReadyTask, candidates: readonly AgentCandidate[]): string | null;
  /**
   * Optional joint round (tick() when several ready tasks and free slots meet): which agent each
   * task should be offered, all at once, so a critical task does not lose its only qualified agent
   * to a task ahead of it in claim order. tasks are in claim order; agents have spare capacity.
   * May answer later (a large round solved in slices); the queue then re-checks every pick.
   * Without it the queue offers one task at a time with pickAgent (greedy, claim order).
   */
  assignBatch?(tasks: readonly ReadyTask[], agents: readonly AgentCandidate[], now: number): BatchAssignment | Promise<BatchAssignment>;
}

/** One offer of a joint round. */
export interface BatchPick {
  taskId: string;
  agentId: string;
}

export interface BatchAssignment {
  picks: BatchPick[];
  /**
   * Called inside the queue's transaction with picks as it carries them out (in a late answer,
   * picks whose task or agent changed meanwhile are dropped): the place to record the decisions.
   * A large round is carried out over several transactions, so commit is called many times. Once
   * the picks are done the queue calls commit([]) until it returns something other than true:
   * records that are not about a pick (e.g. tasks nobody could take) may be deferred to those
   * calls, a few ms' worth each (a late round's calls each get their own transaction).
   */
  commit?(applied: readonly BatchPick[]): boolean | void;
}

/** True when skills (JSON text) meet every level in requires (JSON text or null). */
export function meetsRequirements(skillsJson: string, requiresJson: string | null): boolean {
  if (requiresJson === null) return true;
  const requires = JSON.parse(requiresJson) as Record<string, number>;
  const skills = JSON.parse(skillsJson) as Record<string, number>;
  for (const [skill, level] of Object.entries(requires)) {
    if (!(Object.prototype.hasOwnProperty.call(skills, skill) && (skills[skill] ?? 0) >= level)) return false;
  }
  return true;
}

/** A ready task with what a delegation decision reads of it (readyRowsFor). */
export interface ReadyTaskRow {
  id: string;
  type: string;
  priority: number;
  requires: string | null;
  deadline: number | null;
  tags: string;
}

export class CapabilityAssigner implements Assigner {
  private readonly readyFor;
  private readonly readyRows;

  constructor(sqlite: SqliteDatabase) {
    // Walks the ready index in claim order and stops at `limit` matches; skill names cannot
    // hold a double quote (contract), so building the JSON path from them is safe.
    const walk = (columns: string) => `SELECT ${columns} FROM tasks INDEXED BY tasks_ready
        WHERE state = 'ready'
          AND (requires IS NULL OR NOT EXISTS (
                SELECT 1 FROM json_each(tasks.requires) r
                 WHERE r.value > coalesce(json_extract(@skills, '$."' || r.key || '"'), 0)))
        ORDER BY order_key, id
        LIMIT @limit`;
    this.readyFor = sqlite.prepare<{ skills: string; limit: number }, { id: string }>(walk('id'));
    this.readyRows = sqlite.prepare<{ skills: string; limit: number }, ReadyTaskRow>(walk('id, type, priority, requires, deadline, tags'));
  }

  pickForAgent(agent: AgentCandidate, limit: number): string[] {
    if (limit <= 0) return [];
    return this.readyFor.all({ skills: agent.skills, limit }).map((r) => r.id);
  }

  /** The same walk, with the columns a delegation decision reads (the row is visited anyway). */
  readyRowsFor(agent: AgentCandidate, limit: number): ReadyTaskRow[] {
    if (limit <= 0) return [];
    return this.readyRows.all({ skills: agent.skills, limit });
  }

  pickAgent(task: ReadyTask, candidates: readonly AgentCandidate[]): string | null {
    let best: AgentCandidate | null = null;
    for (const c of candidates) {
      if (c.load >= c.capacity || !meetsRequirements(c.skills, task.requires)) continue;
      // Least loaded relative to capacity; ties go to the one with more room, then the older id.
      if (
        !best ||
        c.load / c.capacity < best.load / best.capacity ||
        (c.load / c.capacity === best.load / best.capacity && c.capacity - c.load > best.capacity - best.load)
      ) {
        best = c;
      }
    }
    return best?.id ?? null;
  }
}
