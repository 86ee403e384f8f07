// Claims that wait for work (a gateway long poll, an in-process worker with nothing to do) are
// parked here instead of polling. A group commit whose operations made work for a parked claim
// (a task became ready, a task was offered to its agent, one of its agent's tasks ended) runs
// that claim in the same transaction (WriteBatcher's `joining` hook), so a task is started one
// fsync after it became ready, not two (the commit that made it ready, then the claim's own).
// Work that appears outside the group commits (a tick, an agent's change) wakes a parked claim
// into the next group commit. A claim that finds nothing is parked again until its wait ends.
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

export class ParkedClaims {
  private readonly parked = new Set<Parked>();
  /** Every claim not yet answered, parked or under way. */
  private readonly live = new Set<Parked>();

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
      this.retry(p);
    });
  }

  /**
   * Inside a group commit, after its operations: the parked claims that `news` (what those
   * operations wrote) concerns, as operations joining that transaction.
   */
  joining(news: () => WorkNews | null): JoiningOp[] {
    if (this.parked.size === 0) return [];
    const concerned = this.concerned(news());
    return concerned.map((p) => {
      const { op, answer } = this.attempt(p);
      const [resolve, reject] = answer;
      return { op: op as BatchedOp<unknown>, guarded: false, resolve: resolve as (value: unknown) => void, reject };
    });
  }

  /** After a commit outside the group commits: the claims its news concerns try again in the next one. */
  wake(news: WorkNews | null): void {
    if (this.parked.size === 0) return;
    for (const p of this.concerned(news)) this.retry(p);
  }

  /** Something about this agent changed (status, capacity): its parked claims try again. */
  nudge(agentId: string): void {
    for (const p of [...this.parked]) if (p.agentId === agentId) this.retry(p);
  }

  /** Ends every wait now with [] (shutdown, the gateway draining); an attempt under way still answers what it took. */
  releaseAll(): void {
    for (const p of [...this.live]) this.end(p);
  }

  private concerned(news: WorkNews | null): Parked[] {
    if (!news) return [];
    const out: Parked[] = [];
    for (const p of this.parked) {
      if (news.ready || news.agents.has(p.agentId)) {
        this.parked.delete(p);
        out.push(p);
      }
    }
    return out;
  }

  private retry(p: Parked): void {
    this.parked.delete(p);
    const { op, answer } = this.attempt(p);
    this.deps.run(op).then(...answer);
  }

  /** One attempt: the operation (parks the claim again when it finds nothing) and its answer. */
  private attempt(p: Parked): { op: BatchedOp<TaskDto[]>; answer: [(tasks: TaskDto[]) => void, (error: unknown) => void] } {
    let attempt = 0;
    const op: BatchedOp<TaskDto[]> = (out) => {
      attempt = ++p.attempts;
      this.parked.delete(p);
      if (p.over) return [];
      const tasks = this.deps.claim(p.agentId, p.max, out);
      if (tasks.length > 0) p.within?.(tasks, out);
      else this.parked.add(p);
      return tasks;
    };
    const answer: [(tasks: TaskDto[]) => void, (error: unknown) => void] = [
      (tasks) => {
        if (tasks.length > 0) this.finish(p, tasks);
        // Nothing, and no later attempt: the wait ended while this one was under way.
        else if (attempt === p.attempts && !this.parked.has(p)) this.finish(p, []);
      },
      (error) => {
        this.parked.delete(p);
        if (!p.done) {
          p.done = true;
          this.live.delete(p);
          p.cleanup();
          p.reject(error);
        }
      },
    ];
    return { op, answer };
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
