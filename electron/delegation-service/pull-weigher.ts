// What an agent that asks for work (a pull: the gateway, the SDK, a WebSocket) should take. The
// queue's walk of the ready tasks in claim order proposes (CapabilityAssigner.readyRowsFor); the
// delegation engine has the last word: the agent takes a task unless another agent that is free
// and reachable fits it clearly better (the site's pull margin, on the score without its balancing
// parts), and then the task waits for that agent, at most the site's hold time. Every pull is
// recorded with a single-task view of its kind of task, shared by all pulls for 2-4 s.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../core/clock';
import type { DelegationEngine } from '../delegation/engine';
import { isAgentOpen, isQualifiedBesidesSkills } from '../delegation/feasibility';
import type { ComponentName, Explanation, ScoredCandidate, Weights } from '../delegation/scoring';
import type { DelegationAgent, DelegationTask, TaskExclusion } from '../delegation/types';
import type { AgentCandidate, CapabilityAssigner, ReadyTaskRow } from '../tasks/assigner';
import { priorityOf } from '../tasks/model';
import type { JointPickRecord } from './joint-record';

/** What a task's tags say to the engine (zone, strict zone, certifications, kinds). */
export type TagExtra = Pick<DelegationTask, 'zone' | 'zoneStrict' | 'certifications' | 'kinds'>;

export interface PullWeigherDeps {
  engine: DelegationEngine;
  clock: Clock;
  /** Agents heard from (or that asked for work) within this are reachable, ms. */
  presenceMs: number;
  capability: CapabilityAssigner;
  /** Every agent with its own status; the key changes whenever an agent or a setting does. */
  roster(): { key: string; list: readonly DelegationAgent[]; byId: ReadonlyMap<string, { agent: DelegationAgent }> };
  /** The roster as the queue can reach it now: others offline, with the reason in notes. */
  liveRoster(): { list: readonly DelegationAgent[]; notes: ReadonlyMap<string, string> };
  /** Tasks each agent holds now (assigned + running). */
  loads(): readonly { agent: string; n: number }[];
  /** The site's values in force. */
  settings(): { pullMargin: number; pullHoldSeconds: number };
  pinOf(taskId: string): string | undefined;
  exclusionsOf(taskId: string): TaskExclusion[] | undefined;
  /** The tags' JSON text as the engine reads it. */
  tagExtra(tags: string): TagExtra;
  /** Records a pull with its shared view, inside the claim's transaction. */
  recordPull(agentId: string, view: Explanation, pick: JointPickRecord): void;
  /** A task pinned to the agent that asks: recorded as the supervisor's choice. */
  recordPin(taskId: string, agentId: string): void;
}

/** A pull's picture of the fleet (every agent's load, who is reachable) lasts this long, ms. */
const PULL_VIEW_MS = 1000;
/**
 * A single-task view (the scores of every agent for one kind of task) is worked out again after
 * 2-4 s (spread per kind, so kinds do not all expire together), against the latest picture.
 */
const PULL_VIEW_TTL_MS = 2000;
/**
 * Views worked out per 100 ms of wall time at most (ms of work): past it, a pull uses the view it
 * has even if it is older, so a thousand agents asking at once do not hold a commit for long.
 */
const PULL_VIEW_BUDGET_MS = 15;
/** A pull's view keeps this many candidates and reasons for this many agents kept out (the push path keeps 100 / 300). */
const PULL_KEEP_CANDIDATES = 20;
const PULL_KEEP_EXCLUDED = 50;
/** Score components that balance work rather than say how well an agent fits the task. */
const BALANCING: readonly ComponentName[] = ['load', 'fairness'];

/** A candidate's score without its balancing parts: how well it fits the task. */
function fit(c: Pick<ScoredCandidate, 'total' | 'components'>, weights: Weights): number {
  let f = c.total;
  for (const k of BALANCING) f -= (weights[k] ?? 0) * (c.components[k] ?? 0);
  return f;
}

/** What pulls within PULL_VIEW_MS share: the roster as it was, and what pulls took since. */
interface PullRound {
  at: number;
  rosterKey: string;
  /** Every agent with its load and its own status (not connected ones too: see reachable). */
  agents: DelegationAgent[];
  byId: Map<string, DelegationAgent>;
  /** Agents work can reach now: heard from lately (or asked for work lately), people present. */
  reachable: Set<string>;
  /** Why the others cannot be reached, in words (live roster notes). */
  notes: Map<string, string>;
  /** Tasks pulls took since `at`, per agent (their slots are no longer free). */
  taken: Map<string, number>;
}

/** A pull view, every candidate's score best fit first, and when it is to be worked out again. */
interface PullView {
  view: Explanation;
  byFit: { scored: ScoredCandidate; fit: number }[];
  scores: Map<string, ScoredCandidate>;
  expires: number;
}

/** A number in [0, 1) from a text (spreads the views' expiry times; no randomness in decisions). */
function spread(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

function parseRequires(text: string | null): Record<string, number> | null {
  if (text === null || text === '') return null;
  try {
    return JSON.parse(text) as Record<string, number>;
  } catch {
    return null;
  }
}

export class PullWeigher {
  private round: PullRound | null = null;
  private readonly views = new Map<string, PullView>();
  /** Wall time spent on pull views in the current 100 ms window (PULL_VIEW_BUDGET_MS). */
  private viewWork = { since: 0, ms: 0 };
  /** Tags text -> what the engine reads of them (the same few texts repeat). */
  private readonly tagExtras = new Map<string, TagExtra>();
  /** Agent -> when it last asked for work (it is reachable, whatever the gateway last saw). */
  private readonly lastPull = new Map<string, number>();
  /** Task -> when a pull first left it for a better agent. */
  private readonly heldSince = new Map<string, number>();

  constructor(private readonly deps: PullWeigherDeps) {}

  /** Whether the agent asked for work within the presence window (it can be reached). */
  askedLately(agentId: string, now: number): boolean {
    return (this.lastPull.get(agentId) ?? -Infinity) >= now - this.deps.presenceMs;
  }

  /** The task was offered or taken otherwise: a hold on it is over. */
  forget(taskId: string): void {
    this.heldSince.delete(taskId);
  }

  /**
   * A pull (claim): of the ready tasks the agent qualifies for, first in line first (the queue's
   * order: priority, aging, FIFO), the ones it should take now, at most `limit`, each recorded with
   * the engine's view of it: the agents free to take it now, their scores, who was kept out and
   * why. Alike tasks (type, priority, requirements, deadline, tags; no exclusions) share one view,
   * worked out again every 2-4 s however many agents pull meanwhile.
   */
  weigh(puller: AgentCandidate, limit: number): string[] {
    if (limit <= 0) return [];
    const now = this.deps.clock.now();
    const own = this.deps.roster().byId.get(puller.id)?.agent;
    if (!own) return [];
    const me: DelegationAgent = { ...own, capacity: puller.capacity, load: puller.load };
    if (!isAgentOpen(me, now)) return [];
    this.lastPull.set(puller.id, now);
    if (this.lastPull.size > 10_000) this.forgetOldPulls(now);
    const round = this.roundFor(puller.id, now);
    // The values in force now: a change applies from the next pull.
    const { pullMargin: margin, pullHoldSeconds: holdSeconds } = this.deps.settings();
    const out: string[] = [];
    // Some of the first tasks in line may be left for better agents: look a little further.
    for (const row of this.deps.capability.readyRowsFor(puller, limit * 2 + 8)) {
      if (out.length >= limit) break;
      const pinned = this.deps.pinOf(row.id);
      if (pinned !== undefined && pinned !== puller.id) continue;
      if (pinned === puller.id) {
        // A supervisor's choice: not weighed again.
        this.heldSince.delete(row.id);
        round.taken.set(puller.id, (round.taken.get(puller.id) ?? 0) + 1);
        out.push(row.id);
        this.deps.recordPin(row.id, puller.id);
        continue;
      }
      const task = this.taskOf(row);
      // Skills were matched by the walk; the rules SQL cannot see (kinds, certifications, exclusions, strict zone).
      if (!isQualifiedBesidesSkills(task, me, now)) continue;
      const key = task.excluded ? `#${row.id}` : `${row.type}\u0000${row.priority}\u0000${row.requires}\u0000${row.deadline}\u0000${row.tags}`;
      const pv = this.viewOf(key, task, round, now);
      const view = pv.view;
      const own = pv.scores.get(puller.id);
      // The best fit among the agents that still have a free slot (pulls since the picture was taken used some).
      const best = pv.byFit.find(({ scored: c }) => {
        if (c.agentId === puller.id) return true;
        const a = round.byId.get(c.agentId);
        return a !== undefined && round.reachable.has(c.agentId) && a.load + (round.taken.get(c.agentId) ?? 0) < a.capacity;
      });
      const bestFit = best?.fit ?? -Infinity;
      const bestName = best ? (round.byId.get(best.scored.agentId)?.name ?? best.scored.agentId) : '';
      const held = this.heldSince.get(row.id);
      const myFit = own ? fit(own, view.weights) : -Infinity;
      let note: string;
      if (own && best && (best.scored.agentId === puller.id || myFit >= bestFit - margin)) {
        note =
          best.scored.agentId === puller.id
            ? `${me.name} asked for work and took this task: of the agents free to take it now, none fits it better (score ${own.total.toFixed(2)}).`
            : `${me.name} asked for work and took this task: ${bestName} is free too and fits it about as well (within ${margin}, leaving load and fair share aside; scores ${own.total.toFixed(2)} and ${best.scored.total.toFixed(2)}).`;
      } else if (holdSeconds === 0 || (held !== undefined && now - held >= holdSeconds * 1000)) {
        const other = best && best.scored.agentId !== puller.id ? `${bestName} (${best.scored.total.toFixed(2)}) fits it better` : null;
        note =
          holdSeconds === 0
            ? `${me.name} asked for work and took this task: ${other ?? 'another agent may fit it better'}, but on this site tasks do not wait for a better-fitting agent (hold time 0 s).`
            : `${me.name} asked for work and took this task: ${other ? `${other} but did not take it` : 'it waited for a better-fitting agent'} within ${holdSeconds} s.`;
      } else {
        // Leave it for the better agent; remember since when, so nothing waits for ever.
        if (held === undefined) {
          if (this.heldSince.size > 50_000) this.heldSince.clear();
          this.heldSince.set(row.id, now);
        }
        continue;
      }
      // The view explains its first candidates; this agent is explained on its own when past them.
      const mine = view.candidates.find((c) => c.agentId === puller.id) ?? (own ? this.deps.engine.explainScored(task, round.byId.get(puller.id) ?? me, own, now) : null);
      this.heldSince.delete(row.id);
      round.taken.set(puller.id, (round.taken.get(puller.id) ?? 0) + 1);
      out.push(row.id);
      this.deps.recordPull(puller.id, view, {
        taskId: row.id,
        explored: false,
        chosen: mine,
        joint: { tasks: 1, freeAgents: pv.byFit.length, note },
      });
    }
    return out;
  }

  /** A ready row as the engine sees the task: tags read once per distinct text, exclusions from memory. */
  private taskOf(row: ReadyTaskRow): DelegationTask {
    let extra = this.tagExtras.get(row.tags);
    if (!extra) {
      extra = this.deps.tagExtra(row.tags);
      if (this.tagExtras.size > 5000) this.tagExtras.clear();
      this.tagExtras.set(row.tags, extra);
    }
    const requires = parseRequires(row.requires);
    const task: DelegationTask = {
      ...extra,
      id: row.id,
      type: row.type,
      priority: priorityOf(row.priority),
      requires: requires && Object.keys(requires).length ? requires : undefined,
      deadline: row.deadline,
    };
    const excluded = this.deps.exclusionsOf(row.id);
    if (excluded) task.excluded = excluded;
    return task;
  }

  /** The fleet as pulls see it now: reachable agents (those that pulled lately too) with their loads. */
  private roundFor(pullerId: string, now: number): PullRound {
    const base = this.deps.roster();
    const r = this.round;
    if (r && r.rosterKey === base.key && now >= r.at && now - r.at < PULL_VIEW_MS) {
      // It asks for work: it can be reached, whatever the picture said.
      r.reachable.add(pullerId);
      return r;
    }
    const live = this.deps.liveRoster();
    const loads = new Map(this.deps.loads().map((l) => [l.agent, l.n]));
    const reachable = new Set<string>([pullerId]);
    const notes = new Map<string, string>();
    for (const a of live.list) {
      if (a.status !== 'offline' || this.askedLately(a.id, now)) reachable.add(a.id);
      else notes.set(a.id, live.notes.get(a.id) ?? 'Not connected');
    }
    // Scored with their own status, so every agent that asks for work is in every view.
    const agents = base.list.map((a): DelegationAgent => ({ ...a, load: loads.get(a.id) ?? 0 }));
    this.round = { at: now, rosterKey: base.key, agents, byId: new Map(agents.map((a) => [a.id, a])), reachable, notes, taken: new Map() };
    return this.round;
  }

  /**
   * The single-task view of a kind of task: the one kept while fresh, worked out again when it has
   * expired (or within the work budget, else the older one serves a little longer).
   */
  private viewOf(key: string, task: DelegationTask, round: PullRound, now: number): PullView {
    const kept = this.views.get(key);
    if (kept && now < kept.expires && now >= kept.view.at) return kept;
    const t0 = performance.now();
    if (t0 - this.viewWork.since >= 100) this.viewWork = { since: t0, ms: 0 };
    if (kept && this.viewWork.ms >= PULL_VIEW_BUDGET_MS) return kept;
    let all: readonly ScoredCandidate[] = [];
    const decided = this.deps.engine.decide(task, round.agents, now, {
      explore: false,
      excludedLimit: PULL_KEEP_EXCLUDED,
      explainTop: PULL_KEEP_CANDIDATES,
      scored: (s) => (all = s),
    }).explanation;
    // Agents work cannot reach now are kept out of the record's candidates, with the reason.
    const out = decided.candidates.filter((c) => !round.reachable.has(c.agentId));
    const view: Explanation =
      out.length === 0
        ? decided
        : {
            ...decided,
            candidates: decided.candidates.filter((c) => round.reachable.has(c.agentId)),
            excluded: [...out.map((c) => ({ agentId: c.agentId, name: c.name, rules: [{ rule: 'status' as const, reason: round.notes.get(c.agentId) ?? 'Not connected' }] })), ...decided.excluded],
          };
    const byFit = all.map((scored) => ({ scored, fit: fit(scored, view.weights) })).sort((a, b) => b.fit - a.fit);
    const made: PullView = { view, byFit, scores: new Map(all.map((c) => [c.agentId, c])), expires: now + PULL_VIEW_TTL_MS * (1 + spread(key)) };
    this.viewWork.ms += performance.now() - t0;
    if (this.views.size > 5000) this.views.clear();
    this.views.set(key, made);
    return made;
  }

  private forgetOldPulls(now: number): void {
    const since = now - this.deps.presenceMs;
    for (const [id, at] of this.lastPull) if (at < since) this.lastPull.delete(id);
  }
}
