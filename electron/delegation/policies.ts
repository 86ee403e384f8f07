// Dispatch policies the simulator runs: the engine itself, and the baselines it is compared with
// (round-robin, least-loaded as the queue's CapabilityAssigner does it, static skill match).
// A policy only chooses among agents that are free and feasible; the simulator decides when.
import type { DelegationEngine } from './engine';
import type { DelegationAgent, DelegationTask, Outcome } from './types';

export interface DispatchContext {
  now: number;
  /** Every agent with its current load (busy and off-shift ones included). */
  roster: readonly DelegationAgent[];
}

export interface DispatchPolicy {
  readonly name: string;
  /** Per task: the agent for `task` among `free` (feasible, with room, non-empty), or null to leave it waiting. */
  choose(task: DelegationTask, free: readonly DelegationAgent[], ctx: DispatchContext): string | null;
  /**
   * Batch mode (used instead of choose when present): assignments for the waiting tasks (claim
   * order, the first SimInput.window of them) and the agents free now. May leave tasks waiting.
   */
  dispatch?(waiting: readonly DelegationTask[], free: readonly DelegationAgent[], ctx: DispatchContext): readonly { taskId: string; agentId: string }[];
  /** Outcome of an attempt this policy assigned (learning policies learn from it). */
  observe?(outcome: Outcome): void;
}

export interface EnginePolicyOptions {
  /** Learn from simulated outcomes (default false: a what-if must not drift from the real models). */
  learn?: boolean;
  name?: string;
  /**
   * joint (default): whenever agents are free, one joint round over the waiting tasks, so each
   * free agent takes the work it is relatively best at. push: each task in claim order to its best
   * free agent (what the queue's pickAgent does one task at a time).
   */
  mode?: 'joint' | 'push';
}

/** The engine as a policy. Give it a clone (engine.clone(seeded)) so the live engine is untouched. */
export function enginePolicy(engine: DelegationEngine, options: EnginePolicyOptions = {}): DispatchPolicy {
  const policy: DispatchPolicy = {
    name: options.name ?? 'Delegate',
    choose: (task, _free, ctx) => engine.decide(task, ctx.roster, ctx.now, { explain: false }).agentId,
    observe: options.learn ? (o) => void engine.observe(o) : undefined,
  };
  if ((options.mode ?? 'joint') === 'joint') {
    policy.dispatch = (waiting, _free, ctx) => engine.decideJointSync(waiting, ctx.roster, ctx.now).assignments;
  }
  return policy;
}

/** Next agent in roster order after the last one used, among the free ones. */
export function roundRobinPolicy(): DispatchPolicy {
  let cursor = -1;
  return {
    name: 'round-robin',
    choose(_task, free, ctx) {
      const ids = new Set(free.map((a) => a.id));
      const n = ctx.roster.length;
      for (let step = 1; step <= n; step++) {
        const i = (cursor + step) % n;
        const a = ctx.roster[i]!;
        if (ids.has(a.id)) {
          cursor = i;
          return a.id;
        }
      }
      return null;
    },
  };
}

/** The queue's plain rule: lowest load / capacity, then most room, then roster order. */
export function leastLoadedPolicy(): DispatchPolicy {
  return {
    name: 'least-loaded',
    choose(_task, free) {
      let best: DelegationAgent | null = null;
      for (const c of free) {
        if (
          !best ||
          c.load / c.capacity < best.load / best.capacity ||
          (c.load / c.capacity === best.load / best.capacity && c.capacity - c.load > best.capacity - best.load)
        ) {
          best = c;
        }
      }
      return best?.id ?? null;
    },
  };
}

/** Static skill match: the highest declared level on the required skills, then least loaded. */
export function skillMatchPolicy(): DispatchPolicy {
  const level = (a: DelegationAgent, t: DelegationTask) => {
    if (!t.requires) return 0;
    let sum = 0;
    for (const s in t.requires) sum += a.skills[s] ?? 0;
    return sum;
  };
  return {
    name: 'skill-match',
    choose(task, free) {
      let best: DelegationAgent | null = null;
      let bestLevel = -1;
      for (const c of free) {
        const l = level(c, task);
        if (!best || l > bestLevel || (l === bestLevel && c.load / c.capacity < best.load / best.capacity)) {
          best = c;
          bestLevel = l;
        }
      }
      return best?.id ?? null;
    },
  };
}
