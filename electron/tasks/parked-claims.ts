// Claims that wait for work (a gateway long poll, an agent socket, an in-process worker with
// nothing to do) are parked here instead of polling. A group commit whose operations made work
// for parked claims runs them in the same transaction (WriteBatcher's `joining` hook), so a task
// is started one fsync after it became ready, not two (the commit that made it ready, then the
// claim's own). Which parked claims join:
//   - those of agents a task was offered to, or one of whose tasks ended (a slot freed);
//   - for tasks that became ready (and are still ready), parked claims in the order they came,
//     until as many tasks were claimed: with 1,000 agents waiting, one new task costs one claim
//     attempt, not 1,000 (more only while the claims tried cannot take it, e.g. lack the skill).
// Work made outside the group commits (a tick, an offer round, an agent's change) is news for
// the next group commit, which this schedules. A claim that finds nothing is parked again (at
// the back) until its wait ends.
import type { TaskDto } from '../../preload/contract';
import type { WorkNews } from './timeline-buffer';
import type { BatchedOp, JoiningOp, Outbox } from './write-batcher';

export interface ClaimWait {
  /** How long to wait for work when there is none now; resolves [] after that. */
  ms: number;
  /** Ends the wait early (the HTTP request went away): resolves []. */
  signal?: AbortSignal;
}

export interface ParkedClaimsDeps {
  /** One claim attempt, inside the running transaction; [] when nothing is there for the agent. */
  claim(agentId: string, max: number, out: Outbox): TaskDto[];
  /** Queues an operation for the next group commit (WriteBatcher.run). */
  run(op: BatchedOp<TaskDto[]>): Promise<TaskDto[]>;
}

interface Parked {
  readonly agentId: string;
  readonly max: number;
  readonly within: ((tasks: TaskDto[], out: Outbox) => void) | undefined;
  readonly resolve: (tasks: TaskDto[]) => void;
  readonly reject: (error: unknown) => void;
  /** Attempts so far: an attempt's answer counts only if no later attempt was made. */
  attempts: number;
  /** The wait is over (time, abort, release): no further attempt claims anything. */
  over: boolean;
  done: boolean;
  cleanup: () => void;
}

/** The parked claims joining one group commit. */
interface Round {
  /** Claims of agents the news names: all of them join. */
  named: Parked[];
  /** The others, in the order they came: they join while claimed < readies. */
  others: Parked[];
  readies: number;
  claimed: number;
}

export class ParkedClaims {
  private readonly parked = new Set<Parked>();
  /** Every claim not yet answered, parked or under way. */
  private readonly live = new Set<Parked>();
  private round: Round | null = null;
  /** News from commits outside the group commits, for the next one. */
  private pending: WorkNews = { readies: 0, agents: new Set() };
  private kicked = false;

  constructor(private readonly deps: ParkedClaimsDeps) {}

  /** Claims parked now (waiting for work). */
  get size(): number {
    return this.parked.size;
  }

  /** Claims now, in the next group commit; when nothing is there, waits as described above. */
  claim(agentId: string, max: number, within: Parked['within'], wait: ClaimWait): Promise<TaskDto[]> {
    return new Promise<TaskDto[]>((resolve, reject) => {
      const p: Parked = { agentId, max, within, resolve, reject, attempts: 0, over: false, done: false, cleanup: () => {} };
      const end = () => this.end(p);
      const timer = setTimeout(end, Math.max(0, wait.ms));
      const signal = wait.signal;
      signal?.addEventListener('abort', end, { once: true });
      p.cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', end);
      };
      if (signal?.aborted) p.over = true;
      this.live.add(p);
      const [op, answer, fail] = this.attempt(p);
      this.deps.run(op).then(answer, fail);
    });
  }

  /**
   * Inside a group commit, after its operations (and after each joined claim): the next parked
   * claim to join it, or null. `news` reads what the transaction wrote so far.
   */
  joining(news: () => WorkNews | null): JoiningOp | null {
    if (!this.round) {
      if (this.parked.size === 0) {
        // Nobody waits: earlier news is of no use to claims that come later.
        if (this.pending.readies > 0 || this.pending.agents.size > 0) this.pending = { readies: 0, agents: new Set() };
        return null;
      }
      const now = news();
      if (!now && this.pending.readies === 0 && this.pending.agents.size === 0) return null;
      const readies = (now?.readies ?? 0) + this.pending.readies;
      const agents = new Set([...(now?.agents ?? []), ...this.pending.agents]);
      this.pending = { readies: 0, agents: new Set() };
      const named: Parked[] = [];
      const others: Parked[] = [];
      for (const p of this.parked) (agents.has(p.agentId) ? named : others).push(p);
      this.round = { named, others: readies > 0 ? others : [], readies, claimed: 0 };
    }
    const round = this.round;
    // The next claim of the round still parked (one may have ended, or joined already).
    let next: Parked | undefined;
    do next = round.named.shift();
    while (next && !this.parked.has(next));
    if (!next && round.claimed < round.readies) {
      do next = round.others.shift();
      while (next && !this.parked.has(next));
    }
    if (!next) {
      this.round = null;
      return null;
    }
    const [op, answer, fail] = this.attempt(next, round);
    return { op: op as BatchedOp<unknown>, guarded: false, resolve: answer as (value: unknown) => void, reject: fail };
  }

  /** The group commit ended without reaching the end of its round (it was rolled back). */
  endRound(): void {
    this.round = null;
  }

  /** After a commit outside the group commits: its news joins the next group commit. */
  wake(news: WorkNews | null): void {
    if (!news || this.parked.size === 0) return;
    this.pending.readies += news.readies;
    for (const agentId of news.agents) this.pending.agents.add(agentId);
    this.kick();
  }

  /** Something about this agent changed (status, capacity): its parked claims look again. */
  nudge(agentId: string): void {
    if (this.parked.size === 0) return;
    this.pending.agents.add(agentId);
    this.kick();
  }

  /** Ends every wait now with [] (shutdown, the gateway draining); an attempt under way still answers what it took. */
  releaseAll(): void {
    for (const p of [...this.live]) this.end(p);
  }

  /** Makes sure a group commit comes soon, for the pending news to join. */
  private kick(): void {
    if (this.kicked) return;
    this.kicked = true;
    const clear = () => {
      this.kicked = false;
    };
    this.deps.run(() => (clear(), [])).then(clear, clear);
  }

  /** One attempt: the operation (parks the claim again when it finds nothing) and its answers. */
  private attempt(p: Parked, round?: Round): [BatchedOp<TaskDto[]>, (tasks: TaskDto[]) => void, (error: unknown) => void] {
    let attempt = 0;
    const op: BatchedOp<TaskDto[]> = (out) => {
      attempt = ++p.attempts;
      this.parked.delete(p);
      if (p.over) return [];
      const tasks = this.deps.claim(p.agentId, p.max, out);
      if (round) round.claimed += tasks.length;
      if (tasks.length > 0) p.within?.(tasks, out);
      else this.parked.add(p);
      return tasks;
    };
    const answer = (tasks: TaskDto[]) => {
      if (tasks.length > 0) this.finish(p, tasks);
      // Nothing, and no later attempt: the wait ended while this one was under way.
      else if (attempt === p.attempts && !this.parked.has(p)) this.finish(p, []);
    };
    const fail = (error: unknown) => {
      this.parked.delete(p);
      if (p.done) return;
      p.done = true;
      this.live.delete(p);
      p.cleanup();
      p.reject(error);
    };
    return [op, answer, fail];
  }

  /** The wait is over: a parked claim answers [] now; one under way answers when its attempt is settled. */
  private end(p: Parked): void {
    p.over = true;
    if (this.parked.delete(p)) this.finish(p, []);
  }

  private finish(p: Parked, tasks: TaskDto[]): void {
    if (p.done) return;
    p.done = true;
    this.live.delete(p);
    p.cleanup();
    p.resolve(tasks);
  }
}
