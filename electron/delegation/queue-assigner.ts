// The engine behind the queue's Assigner interface (electron/tasks/assigner.ts), so it can replace
// CapabilityAssigner without the queue changing:
//  - pickAgent (push, from tick()): the engine's decision among the offered candidates; every
//    decision goes to onDecision so its explanation can be stored with the task.
//  - pickForAgent (pull, from claim): the queue's own claim order (priority, aging) from the
//    fallback assigner's SQL, filtered by the rules the SQL cannot see (on a break, off shift,
//    excluded, certifications, strict zone). Learning chooses on the push path and in joint rounds.
// The queue's rows carry skills/requires as JSON text and no shifts, zones or certifications;
// agent() and task() supply the richer records once the registry has them.
import type { Clock } from '../core/clock';
import type { AgentCandidate, Assigner, ReadyTask } from '../tasks/assigner';
import type { Decision, DelegationEngine } from './engine';
import { isAgentOpen, isQualified } from './feasibility';
import { priorityFromRank, type DelegationAgent, type DelegationTask } from './types';

export interface QueueAssignerDeps {
  clock: Clock;
  /** The queue's CapabilityAssigner: pulls keep its claim order. */
  fallback: Pick<Assigner, 'pickForAgent'>;
  /** Richer agent record (name, kind, status, zone, shifts, breaks, certifications, cost). */
  agent?: (id: string) => Partial<DelegationAgent> | undefined;
  /** Richer task record (deadline, zone, exclusions, certifications, kinds). */
  task?: (id: string) => Partial<DelegationTask> | undefined;
  /** Every agent, for complete explanations and the speed yardstick; default: the candidates. */
  roster?: () => readonly DelegationAgent[];
  /** Each push decision, to persist its explanation. */
  onDecision?: (decision: Decision) => void;
  /** Excluded agents explained per decision (DecideOptions.excludedLimit; default all). */
  excludedLimit?: number;
}

/** JSON text -> skill map, cached (the same few texts repeat on every call). */
function skillParser(): (text: string | null) => Record<string, number> | undefined {
  const cache = new Map<string, Record<string, number>>();
  return (text) => {
    if (text === null || text === '' || text === '{}') return undefined;
    let v = cache.get(text);
    if (!v) {
      try {
        v = JSON.parse(text) as Record<string, number>;
      } catch {
        v = {};
      }
      if (cache.size > 5000) cache.clear();
      cache.set(text, v);
    }
    return v;
  };
}

export function createQueueAssigner(engine: DelegationEngine, deps: QueueAssignerDeps): Assigner {
  const parse = skillParser();

  const toAgent = (c: AgentCandidate): DelegationAgent => ({
    kind: 'software',
    status: 'available',
    ...deps.agent?.(c.id),
    id: c.id,
    skills: parse(c.skills) ?? {},
    capacity: c.capacity,
    load: c.load,
  });

  const toTask = (t: ReadyTask): DelegationTask => ({
    ...deps.task?.(t.id),
    id: t.id,
    type: t.type,
    priority: priorityFromRank(t.priority),
    requires: parse(t.requires),
  });

  return {
    pickAgent(task: ReadyTask, candidates: readonly AgentCandidate[]): string | null {
      const now = deps.clock.now();
      const agents: DelegationAgent[] = candidates.map(toAgent);
      if (deps.roster) {
        const offered = new Set(candidates.map((c) => c.id));
        // Agents the queue did not offer have no room as far as the queue knows.
        // (An agent that is not available anyway keeps its load, so "Why not?" does not add a bogus "at capacity".)
        for (const a of deps.roster()) {
          if (!offered.has(a.id)) agents.push(a.status === 'available' ? { ...a, load: Math.max(a.load, a.capacity) } : a);
        }
      }
      const decision = engine.decide(toTask(task), agents, now, { excludedLimit: deps.excludedLimit });
      deps.onDecision?.(decision);
      return decision.agentId;
    },

    pickForAgent(candidate: AgentCandidate, limit: number): string[] {
      if (limit <= 0) return [];
      const now = deps.clock.now();
      const agent = toAgent(candidate);
      if (!isAgentOpen(agent, now)) return [];
      if (!deps.task) return deps.fallback.pickForAgent(candidate, limit);
      const ids = deps.fallback.pickForAgent(candidate, limit * 2 + 8);
      const out: string[] = [];
      for (const id of ids) {
        // Skills were matched by the fallback; check the other rules.
        const extra = deps.task(id);
        const task: DelegationTask = { type: '', priority: 'normal', ...extra, id, requires: undefined };
        if (isQualified(task, agent, now)) out.push(id);
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
