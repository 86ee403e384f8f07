// What supervisors and people do to delegation by hand: pin, re-assign and exclude (supervisors),
// and a person's My work inbox (accept, start, done, decline, presence). Every method runs inside
// the caller's transaction (the bridge's ctx.commit), so the task change, the decision record, the
// exclusion and the audit row commit together. The engine keeps learning from the outcomes.
import type { AgentDto, Presence, TaskSummary, WorkItem } from '../../preload/contract';
import type { SqliteDatabase } from '../../native/sqlite';
import type { AgentRegistry } from '../agents/registry';
import type { Clock } from '../core/clock';
import { conflict, notFound } from '../core/errors';
import { FINISHED, toSummary, type TaskRow } from '../tasks/model';
import type { Actor, TaskQueue } from '../tasks/queue';
import type { DelegationService } from './service';

export interface DelegationActionsDeps {
  sqlite: SqliteDatabase;
  clock: Clock;
  queue: TaskQueue;
  agents: AgentRegistry;
  delegation: DelegationService;
}

export class DelegationActions {
  private readonly s;

  constructor(private readonly deps: DelegationActionsDeps) {
    this.s = {
      row: deps.sqlite.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE id = ?'),
      heldBy: deps.sqlite.prepare<[string], TaskRow>(
        "SELECT * FROM tasks INDEXED BY tasks_active WHERE assigned_agent_id = ? AND state IN ('assigned', 'running') ORDER BY order_key, id",
      ),
    };
  }

  private rowOrThrow(id: string): TaskRow {
    const row = this.s.row.get(id);
    if (!row) throw notFound(`No task with id ${id}`);
    return row;
  }

  private agentOrThrow(id: string): AgentDto {
    return this.deps.agents.getOrThrow(id);
  }

  private offerMsFor(agent: AgentDto): number | null {
    // People get the inbox's offer time; robots and software the queue's (claim within it).
    return agent.kind === 'human' ? this.deps.delegation.humanOfferMs : this.deps.queue.options.offerMs;
  }

  // ---------------------------------------------------------------------------------------
  // Supervisors
  // ---------------------------------------------------------------------------------------

  /** Pins a task to an agent (null: unpins). A waiting or offered task goes to it at once. */
  pin(taskId: string, agentId: string | null, actor: Actor): TaskSummary {
    const row = this.rowOrThrow(taskId);
    if (FINISHED.has(row.state)) throw conflict(`Task ${taskId} is already ${row.state}`, { state: row.state });
    const { delegation, queue } = this.deps;
    if (agentId === null) {
      delegation.pin(taskId, null, actor.name);
      return toSummary(row);
    }
    const agent = this.agentOrThrow(agentId);
    delegation.pin(taskId, agent.id, actor.name);
    delegation.unexclude(taskId, agent.id);
    const movable = row.state === 'ready' || (row.state === 'assigned' && row.assigned_agent_id !== agent.id);
    if (!movable) return toSummary(this.rowOrThrow(taskId));
    const summary = queue.offerTo(taskId, agent.id, this.offerMsFor(agent), actor, `pinned to ${agent.name}`);
    delegation.recordManual(taskId, agent.id, 'pin', actor.name, summary.leaseExpiresAt);
    return summary;
  }

  /** Offers a waiting or offered task to another agent now; later retries are delegated as usual. */
  reassign(taskId: string, agentId: string, actor: Actor): TaskSummary {
    const row = this.rowOrThrow(taskId);
    if (row.state !== 'ready' && row.state !== 'assigned') {
      throw conflict(`Task ${taskId} is ${row.state}: only a waiting or offered task can be re-assigned`, { state: row.state });
    }
    const agent = this.agentOrThrow(agentId);
    const { delegation, queue } = this.deps;
    delegation.unexclude(taskId, agent.id);
    const pinned = delegation.pinOf(taskId);
    if (pinned !== null && pinned !== agent.id) delegation.pin(taskId, null, actor.name);
    const summary = queue.offerTo(taskId, agent.id, this.offerMsFor(agent), actor, `re-assigned to ${agent.name}`);
    delegation.recordManual(taskId, agent.id, 'reassign', actor.name, summary.leaseExpiresAt);
    return summary;
  }

  /** Keeps an agent off a task; an offer to it (or its running attempt) is withdrawn. */
  exclude(taskId: string, agentId: string, reason: string, actor: Actor): TaskSummary {
    const row = this.rowOrThrow(taskId);
    if (FINISHED.has(row.state)) throw conflict(`Task ${taskId} is already ${row.state}`, { state: row.state });
    const agent = this.agentOrThrow(agentId);
    const { delegation, queue } = this.deps;
    delegation.exclude(taskId, agent.id, 'supervisor', reason, actor.name);
    if (delegation.pinOf(taskId) === agent.id) delegation.pin(taskId, null, actor.name);
    if ((row.state === 'assigned' || row.state === 'running') && row.assigned_agent_id === agent.id) {
      return queue.release(taskId, agent.id, actor, `${agent.name} excluded: ${reason}`);
    }
    return toSummary(row);
  }

  // ---------------------------------------------------------------------------------------
  // People: My work
  // ---------------------------------------------------------------------------------------

  /** The person's agent, or not_found when the account is not linked to one. */
  agentOfUser(userId: string): AgentDto {
    const agent = this.deps.agents.byUser(userId);
    if (!agent) throw notFound('Your account is not linked to an agent: an engineer links people to accounts on the Agents page');
    return agent;
  }

  private workItem(row: TaskRow): WorkItem {
    return {
      ...toSummary(row),
      accepted: row.state === 'running' || (row.state === 'assigned' && row.lease_expires_at === null),
      offerExpiresAt: row.state === 'assigned' ? row.lease_expires_at : null,
      why: this.deps.delegation.latestWhy(row.id),
    };
  }

  /** The person was in the app: offers may go to them again (the queue skips people who let one expire). */
  private seen(agentId: string): void {
    this.deps.agents.touch(agentId, this.deps.clock.now());
  }

  mine(userId: string): { agent: AgentDto | null; tasks: WorkItem[] } {
    const agent = this.deps.agents.byUser(userId);
    if (!agent) return { agent: null, tasks: [] };
    this.seen(agent.id);
    return { agent, tasks: this.s.heldBy.all(agent.id).map((r) => this.workItem(r)) };
  }

  accept(userId: string, taskId: string, actor: Actor): WorkItem {
    const agent = this.agentOfUser(userId);
    this.seen(agent.id);
    this.deps.queue.holdOffer(taskId, agent.id, actor);
    return this.workItem(this.rowOrThrow(taskId));
  }

  start(userId: string, taskId: string, actor: Actor): WorkItem {
    const agent = this.agentOfUser(userId);
    this.seen(agent.id);
    this.deps.queue.startHeld(taskId, agent.id, null, actor);
    return this.workItem(this.rowOrThrow(taskId));
  }

  done(userId: string, taskId: string, result: unknown, note: string | undefined, actor: Actor): TaskSummary {
    const agent = this.agentOfUser(userId);
    this.seen(agent.id);
    const row = this.rowOrThrow(taskId);
    if (row.state !== 'running' || row.assigned_agent_id !== agent.id) {
      throw conflict(`Task ${taskId} is not running for you (it is ${row.state}): start it first`, { state: row.state, reason: 'not_running' });
    }
    this.deps.queue.completeHeld(taskId, agent.id, row.attempt, result, actor, note);
    return toSummary(this.rowOrThrow(taskId));
  }

  /** "Can't do it": back to the queue with the person kept off it; the engine finds someone else. */
  decline(userId: string, taskId: string, reason: string, actor: Actor): TaskSummary {
    const agent = this.agentOfUser(userId);
    this.seen(agent.id);
    const row = this.rowOrThrow(taskId);
    if ((row.state !== 'assigned' && row.state !== 'running') || row.assigned_agent_id !== agent.id) {
      throw conflict(`Task ${taskId} is not offered to you or held by you (it is ${row.state})`, { state: row.state, reason: 'not_holder' });
    }
    this.deps.delegation.exclude(taskId, agent.id, 'declined', reason, actor.name);
    if (this.deps.delegation.pinOf(taskId) === agent.id) this.deps.delegation.pin(taskId, null, actor.name);
    return this.deps.queue.release(taskId, agent.id, actor, `declined by ${agent.name}: ${reason}`);
  }

  /** Away or on a break: offers not yet accepted go back to the queue (accepted work stays). */
  setPresence(userId: string, presence: Presence, actor: Actor): AgentDto {
    const agent = this.agentOfUser(userId);
    this.seen(agent.id);
    if (presence !== 'available') {
      for (const row of this.s.heldBy.all(agent.id)) {
        if (row.state === 'assigned' && row.lease_expires_at !== null) {
          this.deps.queue.release(row.id, agent.id, actor, `${agent.name} is ${presence === 'away' ? 'away' : 'on a break'}`);
        }
      }
    }
    return this.deps.agents.setPresence(agent.id, presence);
  }
}
