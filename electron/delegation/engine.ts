// The delegation engine: feasibility -> learned predictions -> scores -> a decision with its
// explanation; joint rounds when many tasks and agents are free together; learning from outcomes.
// Pure and synchronous except decideJoint (sliced, awaits between slices). No I/O: the caller
// persists snapshot() and the decisions' explanations, and feeds outcomes to observe(). A large
// joint round can be solved by a replica in a worker thread (joint-pool.ts): jointJob() is the
// round as plain data, modelUpdate() what the replica's models lack, rememberJoint() the answer.
import type { Random } from '../core/clock';
import type { Assigner } from '../tasks/assigner';
import { DEFAULT_EXPLORATION, DEFAULT_UNTIL_EVIDENCE, predictCandidate, shouldExplore, type ExplorationConfig } from './exploration';
import { checkFeasibility, isAgentOpen, isQualified, isQualifiedBesidesSkills } from './feasibility';
import {
  assignmentSteps,
  placementSteps,
  priorityValue,
  runSliced,
  runToEnd,
  type AssignmentProblem,
  type SliceOptions,
  type SliceStats,
} from './joint';
import {
  CachedPredictor,
  DEFAULT_MODEL_CONFIG,
  LearnedModels,
  type AgentModelProfile,
  type DriftEvent,
  type ModelConfig,
  type ModelsSnapshot,
  type Predictor,
  type SuccessEstimate,
  type DurationEstimate,
} from './models';
import { createQueueAssigner, type QueueAssignerDeps } from './queue-assigner';
import { bucketKey, type IndexedTask, type ReadyIndex } from './ready-index';
import { SeededRandom, type RandomState } from './rng';
import {
  buildReference,
  COMPONENTS,
  componentsOf,
  componentValues,
  DEFAULT_WEIGHTS,
  explainCandidate,
  scoreCandidates,
  taskComponents,
  totalOf,
  weightsFor,
  weightVector,
  type Candidate,
  type CandidateExplanation,
  type Components,
  type ExcludedExplanation,
  type Explanation,
  type ScoredCandidate,
  type ScoringOptions,
  type ScoringReference,
  type WeightConfig,
  type Weights,
} from './scoring';
import { PRIORITY_RANK, skillMargin, type DelegationAgent, type DelegationTask, type Outcome } from './types';

export interface EngineConfig {
  weights: WeightConfig;
  exploration: ExplorationConfig;
  models: ModelConfig;
  /** Joint rounds: each task's best K free candidates, plus a staggered window of K more. */
  topK: number;
  /** IANA zone for clock times in reasons. */
  timeZone: string;
  /** Fairness among people counts work of roughly the last this-many ms (exponential half-life). */
  fairnessHalfLifeMs: number;
  /**
   * The yardstick of the speed component: the fastest expected duration among every qualified
   * agent of the roster, busy or not ('qualified'), or among the candidates only ('candidates').
   */
  speedReference: 'qualified' | 'candidates';
  /**
   * Joint rounds: weight of a task's age (its place in claim order within the round, 0..1)
   * against the score (0..1). 0 lets each free agent take whatever it is relatively best at; that
   * can leave work nobody is best at until the end and stretch the makespan. 1 is nearly FIFO.
   */
  jointAgeWeight: number;
  /**
   * Joint rounds: the solver may settle for an augmenting path within this much value of the
   * shortest (AssignmentProblem.tolerance; value = priority weight 0.5..4 x score + age). 0 is
   * exact. The default 0.01 cut the search about 3x on bench:assign's rounds at a cost of 0.02 in
   * total value; it never changes how many tasks of each priority are placed.
   */
  jointTolerance: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  weights: { default: DEFAULT_WEIGHTS },
  exploration: DEFAULT_EXPLORATION,
  models: DEFAULT_MODEL_CONFIG,
  topK: 6,
  timeZone: 'UTC',
  fairnessHalfLifeMs: 4 * 3_600_000,
  speedReference: 'qualified',
  jointAgeWeight: 0.25,
  jointTolerance: 0.01,
};

export interface EngineDeps {
  /** Exploration draws. Seeded (SeededRandom) for replayable runs; its state is then in snapshot(). */
  random: Random;
  config?: Partial<EngineConfig>;
  /** Site distance between zones, 0..1 (default: same zone 0, another 1, unknown 0.5). */
  zoneDistance?: ScoringOptions['zoneDistance'];
  /**
   * Score with these predictions instead of the learned models (which still learn from observe()):
   * a known truth in a benchmark's oracle, or adjusted figures for a what-if.
   */
  predictor?: Predictor;
}

export interface Decision {
  taskId: string;
  /** null: nobody can take it now (the explanation says why). */
  agentId: string | null;
  score: number | null;
  /** The winner came from a Thompson draw and differs from the posterior-mean winner. */
  explored: boolean;
  explanation: Explanation;
}

export interface DecideOptions {
  /** Force exploration on or off for this decision (critical tasks never explore). */
  explore?: boolean;
  /** At most this many candidates are kept in the explanation (default all). */
  explainTop?: number;
  /** false: skip the reasons of excluded agents and the candidate list (simulations, benches). */
  explain?: boolean;
}

export interface JointAssignment {
  taskId: string;
  agentId: string;
  score: number;
  components: Components;
}

export interface JointDecision {
  /** Best priority first. */
  assignments: JointAssignment[];
  unassigned: { taskId: string; reason: string }[];
  /**
   * filled: tasks placed after the optimum (edges did not reach a free agent); placementEdges:
   * edges added beyond the top candidates so the most urgent tasks possible are placed;
   * explored: scored with Thompson draws. solvedIn: on the calling thread in one go, in slices
   * with awaits between, or in a worker thread (longestSliceMs: then the main thread's longest
   * stretch of work for the round, preparing or applying it; workerMs: the worker's own time).
   */
  stats: SliceStats & {
    tasks: number;
    freeAgents: number;
    buckets: number;
    edges: number;
    placementEdges: number;
    filled: number;
    explored: boolean;
    solvedIn: 'one-go' | 'slices' | 'worker';
    workerMs?: number;
  };
}

/** Why a joint round left a task unassigned (JointDecision.unassigned[].reason). */
export const JOINT_NOBODY_QUALIFIED = 'No free agent is qualified for it now';
export const JOINT_TAKEN_BY_OTHERS = 'Every qualified free agent went to a task of higher priority or value';

export interface JointOptions extends SliceOptions {
  /** Candidates per task (default config.topK). */
  topK?: number;
  /** Force exploration on or off for this round (critical tasks never explore). */
  explore?: boolean;
  /**
   * Thompson draws of this round come from SeededRandom(seed) instead of the engine's Random, so
   * a replica in a worker thread and the engine itself draw the same (jointJob() sets it).
   */
  seed?: number;
}

/** A joint round as plain data (structured-clonable): what a replica in a worker thread solves. */
export interface JointJob {
  tasks: DelegationTask[];
  /** The whole roster; open agents carry their recentWorkMs. */
  agents: DelegationAgent[];
  now: number;
  topK: number;
  /** The round's exploration coin, already thrown; seed: its draws (null when not exploring). */
  explore: boolean;
  seed: number | null;
}

/** Where a replica's models stand: an epoch (a new one at each restore) and observations since. */
export interface ModelMark {
  epoch: number;
  seq: number;
}

/** One LearnedModels.observe call as the engine made it, to be replayed by a replica. */
export type ModelObservation = Parameters<LearnedModels['observe']>;

/** What a replica needs to reach this engine's models: the observations it missed, or everything. */
export type ModelUpdate =
  | { mark: ModelMark; replay: ModelObservation[] }
  | { mark: ModelMark; full: { config: ModelConfig; snapshot: ModelsSnapshot } };

/** Observations kept for a replica that lags; beyond this it gets a full snapshot instead. */
const JOURNAL_LIMIT = 20_000;

export interface AgentProfile extends AgentModelProfile {
  name: string | null;
  recentWorkMs: number;
}

export interface EngineSnapshot {
  version: 1;
  models: ModelsSnapshot;
  /** agentId, decayed work ms, as of ms. */
  ledger: [string, number, number][];
  /** "agentId\u0000type" -> the margin seen when the agent was chosen for the type. */
  margins: [string, number | null][];
  /** agentId -> kind, as last seen. */
  kinds?: [string, string][];
  /** Present when the engine's Random is a SeededRandom. */
  random?: RandomState;
}

/** Agents (by position) per skill, highest level first: a bucket looks only at holders of its rarest required skill. */
class SkillIndex {
  private readonly bySkill = new Map<string, { levels: number[]; agents: number[] }>();
  private readonly dense = new Map<string, Float64Array>();

  constructor(private readonly agentCount: number, agents: readonly DelegationAgent[]) {
    const raw = new Map<string, [number, number][]>();
    agents.forEach((agent, ai) => {
      for (const skill in agent.skills) {
        let list = raw.get(skill);
        if (!list) raw.set(skill, (list = []));
        list.push([agent.skills[skill]!, ai]);
      }
    });
    for (const [skill, list] of raw) {
      list.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      this.bySkill.set(skill, { levels: list.map((e) => e[0]), agents: list.map((e) => e[1]) });
    }
  }

  /**
   * Positions of the agents that hold the rarest required skill at its level (a superset of the
   * qualified), as a list and how many of it to read; null: no requirement, every agent.
   */
  holders(requires: Readonly<Record<string, number>> | undefined): { agents: readonly number[]; count: number } | null {
    if (!requires) return null;
    let best: { agents: readonly number[]; count: number } | null = null;
    for (const skill in requires) {
      const entry = this.bySkill.get(skill);
      if (!entry) return { agents: [], count: 0 };
      const need = requires[skill]!;
      // Sorted by level, highest first: the ones at or above `need` are a prefix.
      let lo = 0;
      let hi = entry.levels.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (entry.levels[mid]! >= need) lo = mid + 1;
        else hi = mid;
      }
      if (!best || lo < best.count) best = { agents: entry.agents, count: lo };
    }
    return best;
  }

  /** Every agent's level of `skill` by position (0: does not hold it), built once per round. */
  levels(skill: string): Float64Array {
    let out = this.dense.get(skill);
    if (!out) {
      out = new Float64Array(this.agentCount);
      const entry = this.bySkill.get(skill);
      if (entry) for (let k = 0; k < entry.agents.length; k++) out[entry.agents[k]!] = entry.levels[k]!;
      this.dense.set(skill, out);
    }
    return out;
  }
}

/** A round's prediction for an agent on a type at a margin (and its candidate when the agent is free); a list per agent. */
interface RoundPrediction {
  margin: number | null;
  meanMs: number;
  cand: Candidate | null;
  /** The estimates behind cand, for its Thompson draws. */
  success: SuccessEstimate | null;
  duration: DurationEstimate | null;
  next: RoundPrediction | undefined;
}

/** Answers with the estimates it was last given: lets a joint round reuse its predictions for the draws. */
class GivenEstimates implements Predictor {
  success!: SuccessEstimate;
  duration!: DurationEstimate;

  constructor(private readonly source: Predictor) {}

  set(success: SuccessEstimate, duration: DurationEstimate): this {
    this.success = success;
    this.duration = duration;
    return this;
  }

  predictSuccess(): SuccessEstimate {
    return this.success;
  }

  predictDuration(): DurationEstimate {
    return this.duration;
  }

  sampleSuccess(est: SuccessEstimate, random: Random): number {
    return this.source.sampleSuccess(est, random);
  }

  sampleMeanDuration(est: DurationEstimate, random: Random): number {
    return this.source.sampleMeanDuration(est, random);
  }
}

const DEADLINE = COMPONENTS.indexOf('deadline');
const ZONE = COMPONENTS.indexOf('zone');

function weightSum(w: Weights): number {
  let sum = 0;
  for (const v of Object.values(w)) if (v > 0) sum += v;
  return sum;
}

function grow<A extends Int32Array | Float64Array>(from: A, to: A): A {
  to.set(from);
  return to;
}

/** The tier gap of priorityValue exceeds tolerance x tasks by far below this. */
const MAX_TOLERANCE = 0.5;

const marginKey = (agentId: string, type: string) => `${agentId}\u0000${type}`;

function compareTasks(a: DelegationTask, b: DelegationTask): number {
  const r = PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
  if (r !== 0) return r;
  const da = a.deadline ?? Infinity;
  const db = b.deadline ?? Infinity;
  return da < db ? -1 : da > db ? 1 : 0;
}

export class DelegationEngine {
  readonly config: EngineConfig;
  private _models: LearnedModels;
  private readonly random: Random;
  private readonly scoring: ScoringOptions;
  private readonly predictor: Predictor | undefined;
  private readonly cached: CachedPredictor;
  private readonly ledger = new Map<string, { work: number; at: number }>();
  private readonly margins = new Map<string, number | null>();
  /** Kind of each agent the engine has chosen: the models' group when an outcome does not say. */
  private readonly kinds = new Map<string, string>();
  /** The models' epoch (restore() starts a new one) and observations in it, for replicas. */
  private modelEpoch = 1;
  private modelSeq = 0;
  /** Observations from seq journalBase on; kept only once a replica has asked (modelUpdate). */
  private journal: ModelObservation[] = [];
  private journalBase = 0;
  private journaling = false;

  constructor(deps: EngineDeps) {
    this.config = { ...DEFAULT_ENGINE_CONFIG, ...deps.config };
    this.random = deps.random;
    this.scoring = deps.zoneDistance ? { zoneDistance: deps.zoneDistance } : {};
    this.predictor = deps.predictor;
    this._models = new LearnedModels(this.config.models);
    this.cached = new CachedPredictor(this._models);
  }

  /** The learned models, to read (profiles, learnedWorld). Learn through observe(), which also refreshes the prediction cache. */
  get models(): LearnedModels {
    return this._models;
  }

  private get predict(): Predictor {
    return this.predictor ?? this.cached;
  }

  setWeights(weights: WeightConfig): void {
    this.config.weights = weights;
  }

  setExplorationRate(rate: number): void {
    this.config.exploration = { ...this.config.exploration, rate: Math.min(1, Math.max(0, rate)) };
  }

  /** Decayed work (ms) the agent did recently, from observed outcomes. */
  recentWork(agentId: string, now: number): number {
    const e = this.ledger.get(agentId);
    if (!e) return 0;
    return e.work * Math.pow(2, -Math.max(0, now - e.at) / this.config.fairnessHalfLifeMs);
  }

  /**
   * Chooses the agent for one task among `agents` (pass the whole roster: busy and unavailable
   * agents are listed in the explanation with the rule that excludes them, and the fastest
   * qualified agent of the roster is the yardstick of the speed component).
   */
  decide(task: DelegationTask, agents: readonly DelegationAgent[], now: number, options: DecideOptions = {}): Decision {
    const weights = weightsFor(this.config.weights, task.type);
    const explore =
      task.priority !== 'critical' && (options.explore ?? shouldExplore(task.priority, this.config.exploration.rate, this.random));
    const candidates: Candidate[] = [];
    const margins: (number | null)[] = [];
    const qualified: DelegationAgent[] = [];
    const excluded: ExcludedExplanation[] = [];
    let fastest = Infinity;
    const explain = options.explain ?? true;
    for (const agent of agents) {
      if (!isQualified(task, agent, now)) {
        if (explain) excluded.push(this.excludedOf(task, agent, now));
        continue;
      }
      qualified.push(agent);
      const margin = skillMargin(agent, task.requires);
      const meanMs = this.predict.predictDuration(agent.id, task.type, margin, agent.kind).meanMs;
      if (meanMs < fastest) fastest = meanMs;
      if (!isAgentOpen(agent, now)) {
        if (explain) excluded.push(this.excludedOf(task, agent, now));
        continue;
      }
      candidates.push(this.candidate(task, agent, margin, now, false));
      margins.push(margin);
    }
    if (this.config.speedReference === 'candidates') fastest = Infinity;
    const ref = buildReference(task, candidates, qualified, fastest);
    let scored = scoreCandidates(task, candidates, ref, weights, now, this.scoring);
    let used = candidates;
    let explored = false;
    if (explore && candidates.length > 1) {
      const drawn = candidates.map((c, i) => this.candidate(task, c.agent, margins[i]!, now, true));
      const drawnScored = scoreCandidates(task, drawn, buildReference(task, drawn, qualified, fastest), weights, now, this.scoring);
      if (drawnScored[0]!.agentId !== scored[0]!.agentId) {
        scored = drawnScored;
        used = drawn;
        explored = true;
      }
    }
    const byId = new Map(used.map((c) => [c.agent.id, c]));
    const top = explain ? (options.explainTop ?? Infinity) : 2;
    const explained: CandidateExplanation[] = [];
    for (let i = 0; i < scored.length && i < top; i++) {
      explained.push(explainCandidate(task, byId.get(scored[i]!.agentId)!, scored[i]!, now));
    }
    const winner = scored[0];
    if (winner) {
      const w = byId.get(winner.agentId)!;
      this.margins.set(marginKey(w.agent.id, task.type), skillMargin(w.agent, task.requires));
      this.kinds.set(w.agent.id, w.agent.kind);
    }
    return {
      taskId: task.id,
      agentId: winner?.agentId ?? null,
      score: winner?.total ?? null,
      explored,
      explanation: {
        taskId: task.id,
        taskType: task.type,
        priority: task.priority,
        at: now,
        weights,
        explored,
        winner: explained[0] ?? null,
        runnerUp: explained[1] ?? null,
        candidates: explained,
        excluded,
        timeZone: this.config.timeZone,
      },
    };
  }

  private excludedOf(task: DelegationTask, agent: DelegationAgent, now: number): ExcludedExplanation {
    const f = checkFeasibility(task, agent, now, { timeZone: this.config.timeZone });
    return { agentId: agent.id, name: agent.name ?? agent.id, rules: f.feasible ? [] : f.rules };
  }

  private candidate(
    task: DelegationTask,
    agent: DelegationAgent,
    margin: number | null,
    now: number,
    explore: boolean,
    recentWorkMs?: number,
    random: Random = this.random,
    predictor: Predictor = this.predict,
  ): Candidate {
    return {
      agent,
      prediction: predictCandidate(
        predictor,
        agent.id,
        task.type,
        margin,
        agent.busyForMs ?? 0,
        explore,
        random,
        agent.kind,
        this.config.exploration.untilEvidence ?? DEFAULT_UNTIL_EVIDENCE,
      ),
      recentWorkMs: recentWorkMs ?? agent.recentWorkMs ?? this.recentWork(agent.id, now),
    };
  }

  /**
   * Pull: the tasks `agent` should take next from `ready`, in claim order (priority, then age),
   * among the tasks it is qualified for. Buckets make this independent of the queue's length.
   */
  pickForAgent<T extends IndexedTask>(agent: DelegationAgent, ready: ReadyIndex<T>, limit: number, now: number): T[] {
    if (!isAgentOpen(agent, now)) return [];
    return ready.take(Math.min(limit, agent.capacity - agent.load), (b) => isQualified(b.sample, agent, now));
  }

  /** Joint round, sliced: awaits between slices so the thread is never held long. */
  async decideJoint(
    tasks: readonly DelegationTask[],
    agents: readonly DelegationAgent[],
    now: number,
    options: JointOptions = {},
  ): Promise<JointDecision> {
    const { value, stats } = await runSliced(this.jointSteps(tasks, agents, now, options), options);
    const decision: JointDecision = { ...value, stats: { ...value.stats, ...stats, solvedIn: 'slices' } };
    this.rememberJoint(decision, tasks, agents);
    return decision;
  }

  /** Joint round in one go (small rounds, tests, a worker thread). */
  decideJointSync(tasks: readonly DelegationTask[], agents: readonly DelegationAgent[], now: number, options: JointOptions = {}): JointDecision {
    const started = performance.now();
    const value = runToEnd(this.jointSteps(tasks, agents, now, options));
    const totalMs = performance.now() - started;
    const decision: JointDecision = { ...value, stats: { ...value.stats, slices: 1, longestSliceMs: totalMs, totalMs, solvedIn: 'one-go' } };
    this.rememberJoint(decision, tasks, agents);
    return decision;
  }

  /**
   * Whether a replica in another thread scores exactly like this engine: not when it scores with
   * a stand-in predictor or a site zone-distance function (those cannot cross a thread).
   */
  get portable(): boolean {
    return this.predictor === undefined && this.scoring.zoneDistance === undefined;
  }

  /**
   * A joint round as plain data for a replica (a worker thread): the exploration coin is thrown
   * here (and a seed drawn for its draws), open agents carry their recent work from this engine's
   * ledger. decideJointSync(job.tasks, job.agents, job.now, { topK, explore, seed }) on a replica
   * with the same models gives what this engine gives for the same call.
   */
  jointJob(tasks: readonly DelegationTask[], agents: readonly DelegationAgent[], now: number, options: Pick<JointOptions, 'topK' | 'explore' | 'seed'> = {}): JointJob {
    const rate = this.config.exploration.rate;
    const explore = tasks.some((t) => t.priority !== 'critical') && (options.explore ?? (rate > 0 && this.random.next() < rate));
    const seed = explore ? (options.seed ?? Math.floor(this.random.next() * 0x1_0000_0000)) : null;
    return {
      tasks: tasks.slice(),
      agents: agents.map((a) => (a.recentWorkMs === undefined && isAgentOpen(a, now) ? { ...a, recentWorkMs: this.recentWork(a.id, now) } : a)),
      now,
      topK: Math.max(1, options.topK ?? this.config.topK),
      explore,
      seed,
    };
  }

  /** Remembers what a joint round chose (the margin and kind per agent and type, for learning from its outcomes). */
  rememberJoint(decision: Pick<JointDecision, 'assignments'>, tasks: readonly DelegationTask[], agents: readonly DelegationAgent[]): void {
    if (decision.assignments.length === 0) return;
    const taskById = new Map(tasks.map((t) => [t.id, t]));
    const agentById = new Map(agents.map((a) => [a.id, a]));
    for (const a of decision.assignments) {
      const t = taskById.get(a.taskId);
      const holder = agentById.get(a.agentId);
      if (!t || !holder) continue;
      this.margins.set(marginKey(a.agentId, t.type), skillMargin(holder, t.requires));
      this.kinds.set(a.agentId, holder.kind);
    }
  }

  /**
   * The joint round as steps. Tasks sharing a bucket (same qualification rules) share their
   * qualified agents and the agent-dependent part of the score; each task then gets edges to the
   * bucket's best K agents and to a window of K more starting K + its rank in the bucket, so many
   * identical tasks reach many different agents. A placement pass over every qualified free agent
   * (placementSteps) adds, where the candidates lack it, the edge each task holds in a matching
   * that places the most critical tasks possible, then the most high ones, and so on, so the
   * optimum places that many too. The optimum over those edges is exact, over the first tasks in
   * priority order up to 1.25x the free slots and every task the placement pass placed. Then, in
   * priority order, each task left over takes a free qualified agent, or moves a holder to another
   * free agent it can use and takes its place, or displaces a task of lower priority (which goes
   * back in line).
   */
  private *jointSteps(
    tasksIn: readonly DelegationTask[],
    agents: readonly DelegationAgent[],
    now: number,
    options: JointOptions,
  ): Generator<void, Omit<JointDecision, 'stats'> & { stats: Omit<JointDecision['stats'], keyof SliceStats | 'solvedIn'> }, void> {
    const K = Math.max(1, options.topK ?? this.config.topK);
    // Priority first, then deadline; `arrival` keeps each task's place in the caller's (claim) order for its age.
    const sorted = tasksIn.map((t, i) => ({ t, i })).sort((a, b) => compareTasks(a.t, b.t) || a.i - b.i);
    const tasks = sorted.map((x) => x.t);
    const arrival = Int32Array.from(sorted, (x) => x.i);
    const n = tasks.length;
    const free: DelegationAgent[] = [];
    const freeIndex = new Map<string, number>();
    for (const a of agents) {
      if (isAgentOpen(a, now)) {
        freeIndex.set(a.id, free.length);
        free.push(a);
      }
    }
    const spare = Int32Array.from(free, (a) => Math.max(0, a.capacity - a.load));
    const recentWork = Float64Array.from(free, (a) => a.recentWorkMs ?? this.recentWork(a.id, now));
    // Agent position -> free position (-1: not free or no room).
    const freeOf = new Int32Array(agents.length).fill(-1);
    agents.forEach((a, ai) => {
      const fi = freeIndex.get(a.id);
      if (fi !== undefined && spare[fi]! > 0) freeOf[ai] = fi;
    });
    // type -> agent position -> its predictions at the margins seen (and the candidate when free), for this round.
    const roundCache = new Map<string, (RoundPrediction | undefined)[]>();
    // One exploration draw per round; critical tasks are scored with the means all the same.
    const rate = this.config.exploration.rate;
    const explore =
      tasks.some((t) => t.priority !== 'critical') && (options.explore ?? (rate > 0 && this.random.next() < rate));
    const draws: Random = options.seed !== undefined ? new SeededRandom(options.seed) : this.random;
    // Predictions come straight from the models, never through the engine's cache: this round
    // asks for each agent x type x margin once, and the models keep the pieces many predictions
    // share (type, kind, kind on type) until they next learn, so computing one costs less than
    // finding it in the cache (measured: rounds with a warm cache ran ~15% slower).
    const source: Predictor = this.predictor ?? this._models;
    const given = new GivenEstimates(source);

    const skillIndex = new SkillIndex(agents.length, agents);


    // Buckets: qualified free agents ranked by the agent-dependent score.
    interface Scored {
      cand: Candidate;
      total: number;
      /** Weighted sum without deadline and zone (those depend on the task, not the bucket). */
      partial: number;
    }
    interface BucketPlan {
      sample: DelegationTask;
      /** Free qualified agents, best first by the means; `drawn`: the Thompson-drawn score when exploring. */
      ranked: (Scored & { idx: number; drawn: Scored | null })[];
      taskCount: number;
      weights: Weights & { wsum: number };
      ref: ScoringReference;
      /** Index into ranked of the first agent that may still have a free slot (repair pass). */
      firstFree: number;
      /** Its position among the buckets (placement pass). */
      index: number;
    }
    const plans = new Map<string, BucketPlan>();
    const taskBucket: BucketPlan[] = [];
    const rankInBucket = new Int32Array(n);
    const values = new Float64Array(COMPONENTS.length);
    let work = 0;
    for (let i = 0; i < n; i++) {
      const t = tasks[i]!;
      const key = bucketKey(t);
      let plan = plans.get(key);
      if (!plan) {
        const weights = weightsFor(this.config.weights, t.type);
        const wv = weightVector(weights);
        const wsum = weightSum(weights);
        const qualified: DelegationAgent[] = [];
        const candidates: Candidate[] = [];
        const estimates: RoundPrediction[] = [];
        const idxs: number[] = [];
        let fastest = Infinity;
        // The skill test and the margin in one pass over arrays (this loop runs buckets x agents),
        // and per-round caches by agent position, so nothing here looks anything up by string id
        // or in an agent's own skill record.
        const reqKeys = t.requires ? Object.keys(t.requires) : [];
        const reqLevels = reqKeys.map((k) => t.requires![k]!);
        const heldLevels = reqKeys.map((k) => skillIndex.levels(k));
        let perAgent = roundCache.get(t.type);
        if (!perAgent) roundCache.set(t.type, (perAgent = new Array(agents.length)));
        const holders = skillIndex.holders(t.requires);
        const count = holders ? holders.count : agents.length;
        for (let h = 0; h < count; h++) {
          // A yield resumes this large generator at a cost: one every 512 agents looked at, not per bucket.
          if ((++work & 511) === 0) yield;
          const ai = holders ? holders.agents[h]! : h;
          const a = agents[ai]!;
          let ok = true;
          let marginSum = 0;
          for (let q = 0; q < reqKeys.length; q++) {
            const have = heldLevels[q]![ai]!;
            if (have < reqLevels[q]!) {
              ok = false;
              break;
            }
            marginSum += have - reqLevels[q]!;
          }
          if (!ok || !isQualifiedBesidesSkills(t, a, now)) continue;
          qualified.push(a);
          const margin = reqKeys.length > 0 ? marginSum / reqKeys.length : null;
          // Buckets of the same type share predictions and candidates (same agent, type, margin).
          let cached = perAgent[ai];
          while (cached && cached.margin !== margin) cached = cached.next;
          const fi = freeOf[ai]!;
          if (!cached) {
            if (fi >= 0 && spare[fi]! > 0) {
              const success = source.predictSuccess(a.id, t.type, margin, a.kind);
              const duration = source.predictDuration(a.id, t.type, margin, a.kind);
              const cand = this.candidate(t, a, margin, now, false, recentWork[fi], this.random, given.set(success, duration));
              cached = { margin, meanMs: cand.prediction.durationMs, cand, success, duration, next: perAgent[ai] };
            } else {
              const meanMs = source.predictDuration(a.id, t.type, margin, a.kind).meanMs;
              cached = { margin, meanMs, cand: null, success: null, duration: null, next: perAgent[ai] };
            }
            perAgent[ai] = cached;
          }
          if (cached.meanMs < fastest) fastest = cached.meanMs;
          if (cached.cand) {
            candidates.push(cached.cand);
            estimates.push(cached);
            idxs.push(fi);
          }
        }
        const ref = buildReference(t, candidates, qualified, this.config.speedReference === 'candidates' ? Infinity : fastest);
        // The score and its part without deadline and zone, into `scored` (no allocation per candidate).
        const scored = { total: 0, partial: 0 };
        const score = (cand: Candidate): void => {
          componentValues(t, cand, ref, now, this.scoring, values);
          let partial = 0;
          for (let c = 0; c < values.length; c++) if (c !== DEADLINE && c !== ZONE) partial += wv[c]! * values[c]!;
          scored.partial = partial;
          scored.total = wsum > 0 ? (partial + wv[DEADLINE]! * values[DEADLINE]! + wv[ZONE]! * values[ZONE]!) / wsum : 0;
        };
        const ranked: BucketPlan['ranked'] = [];
        for (let k = 0; k < candidates.length; k++) {
          const cand = candidates[k]!;
          let drawn: Scored | null = null;
          if (explore) {
            const e = estimates[k]!;
            const drawnCand = this.candidate(t, cand.agent, e.margin, now, true, cand.recentWorkMs, draws, given.set(e.success!, e.duration!));
            score(drawnCand);
            drawn = { cand: drawnCand, total: scored.total, partial: scored.partial };
          }
          score(cand);
          ranked.push({ cand, total: scored.total, partial: scored.partial, idx: idxs[k]!, drawn });
        }
        ranked.sort((x, y) => y.total - x.total || x.idx - y.idx);
        plan = { sample: t, ranked, taskCount: 0, weights: { ...weights, wsum }, ref, firstFree: 0, index: plans.size };
        plans.set(key, plan);
      }
      rankInBucket[i] = plan.taskCount++;
      taskBucket.push(plan);
    }

    // Placement over every qualified free agent: the position in its bucket's ranking of the agent
    // each task holds in a matching that places the most urgent tasks possible (-1: none).
    const lists: Int32Array[] = [];
    for (const plan of plans.values()) lists[plan.index] = Int32Array.from(plan.ranked, (r) => r.idx);
    const placed = yield* placementSteps(lists, Int32Array.from(taskBucket, (plan) => plan.index), spare);

    // Edges: top K + a staggered window of K + the placement edge, with the task's own deadline and zone components.
    const rowStart = new Int32Array(n + 1);
    const ageWeight = Math.max(0, this.config.jointAgeWeight);
    let cap = n * 2 * K;
    let edgeAgent = new Int32Array(cap);
    let edgeValue = new Float64Array(cap);
    let edgeScore = new Float64Array(cap);
    let edgeRank = new Int32Array(cap);
    let m = 0;
    let placementEdges = 0;
    for (let i = 0; i < n; i++) {
      rowStart[i] = m;
      const t = tasks[i]!;
      const plan = taskBucket[i]!;
      const ranked = plan.ranked;
      const w = plan.weights;
      const from = Math.max(K, K + rankInBucket[i]!);
      const to = Math.min(ranked.length, from + K);
      const k1 = Math.min(K, ranked.length);
      const p = placed[i]!;
      const extra = p >= k1 && (p < from || p >= to) ? 1 : 0;
      placementEdges += extra;
      if (m + k1 + Math.max(0, to - from) + extra > cap) {
        cap *= 2;
        edgeAgent = grow(edgeAgent, new Int32Array(cap));
        edgeValue = grow(edgeValue, new Float64Array(cap));
        edgeScore = grow(edgeScore, new Float64Array(cap));
        edgeRank = grow(edgeRank, new Int32Array(cap));
      }
      const plain = t.deadline == null && t.zone == null;
      const draw = explore && t.priority !== 'critical';
      const age = n > 1 ? 1 - arrival[i]! / (n - 1) : 1;
      for (let pass = 0; pass < 3; pass++) {
        const lo = pass === 0 ? 0 : pass === 1 ? from : p;
        const hi = pass === 0 ? k1 : pass === 1 ? to : p + extra;
        for (let k = lo; k < hi; k++) {
          const r = draw ? (ranked[k]!.drawn ?? ranked[k]!) : ranked[k]!;
          let score = r.total;
          if (!plain) {
            const own = taskComponents(t, r.cand, now, this.scoring);
            score = w.wsum > 0 ? (r.partial + w.deadline * own.deadline + w.zone * own.zone) / w.wsum : 0;
          }
          edgeAgent[m] = ranked[k]!.idx;
          edgeValue[m] = priorityValue(t.priority, score, n, age, ageWeight);
          edgeScore[m] = score;
          edgeRank[m] = k;
          m++;
        }
      }
      if ((i & 31) === 31) yield;
    }
    rowStart[n] = m;
    // Only so many tasks can be placed: the optimum runs over the first of them in priority and
    // claim order (a margin above the free slots); the rest can still be filled afterwards.
    let totalSpare = 0;
    for (let j = 0; j < spare.length; j++) totalSpare += spare[j]!;
    // Tasks the placement pass placed further down are added too: the optimum must be able to place them.
    const rows = Math.min(n, Math.ceil(totalSpare * 1.25) + K);
    const rowList: number[] = [];
    for (let i = 0; i < n; i++) if (i < rows || placed[i]! >= 0) rowList.push(i);
    // Best first: a task added after better ones rarely displaces them, so each search stays small.
    const bestValue = new Float64Array(n);
    for (const i of rowList) for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) bestValue[i] = Math.max(bestValue[i]!, edgeValue[e]!);
    const order = Int32Array.from(rowList).sort((a, b) => bestValue[b]! - bestValue[a]! || a - b);
    const problem: AssignmentProblem = {
      taskCount: n,
      agentCount: free.length,
      rowStart,
      edgeAgent: edgeAgent.subarray(0, m),
      edgeValue: edgeValue.subarray(0, m),
      capacity: spare,
      order,
      tolerance: Math.min(MAX_TOLERANCE, Math.max(0, this.config.jointTolerance)),
    };
    const chosen = yield* assignmentSteps(problem);

    // Scores of the chosen edges, remaining capacity, then greedy fill of leftovers.
    const left = Int32Array.from(spare);
    const result: (JointAssignment | null)[] = new Array(n).fill(null);
    const componentsFor = (t: DelegationTask, plan: BucketPlan, entry: BucketPlan['ranked'][number]): Components => {
      const r = explore && t.priority !== 'critical' && entry.drawn ? entry.drawn : entry;
      return componentsOf(t, r.cand, plan.ref, now, this.scoring);
    };
    for (let i = 0; i < n; i++) {
      const j = chosen[i]!;
      if (j < 0) continue;
      left[j] = left[j]! - 1;
      for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
        if (edgeAgent[e] === j) {
          const r = taskBucket[i]!.ranked[edgeRank[e]!]!;
          result[i] = { taskId: tasks[i]!.id, agentId: free[j]!.id, score: edgeScore[e]!, components: componentsFor(tasks[i]!, taskBucket[i]!, r) };
          break;
        }
      }
    }
    // Leftovers (tasks the edges did not cover), in priority order: a free qualified agent if
    // any, else one holding a task of strictly lower priority, which then goes back in line.
    // Tasks are sorted by priority, so a displaced task always comes later in this loop.
    const holders: number[][] = free.map(() => []);
    for (let i = 0; i < n; i++) if (result[i]) holders[chosen[i]!]!.push(i);
    const rankOf = (i: number) => PRIORITY_RANK[tasks[i]!.priority];
    // Assigned tasks per priority rank: a displacement search only when something lower is held.
    const heldByRank = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) if (result[i]) heldByRank[rankOf(i)]!++;
    const lowerHeld = (rank: number) => heldByRank.some((c, r) => r > rank && c > 0);
    let filled = 0;
    const unassigned: { taskId: string; reason: string }[] = [];
    const firstFree = (plan: BucketPlan) => {
      // Slots only get used up here, so the first agent with room only moves down the ranking.
      while (plan.firstFree < plan.ranked.length && left[plan.ranked[plan.firstFree]!.idx]! <= 0) plan.firstFree++;
      return plan.ranked[plan.firstFree];
    };
    let totalLeft = 0;
    for (let j = 0; j < left.length; j++) totalLeft += left[j]!;
    /** Two-step move: an agent this task could have holds a task that could move to a free agent. */
    const relocate = (plan: BucketPlan): BucketPlan['ranked'][number] | undefined => {
      for (const x of plan.ranked) {
        for (const h of holders[x.idx]!) {
          const hp = taskBucket[h]!;
          const alt = firstFree(hp);
          if (!alt || alt.idx === x.idx) continue;
          left[alt.idx] = left[alt.idx]! - 1;
          totalLeft--;
          const list = holders[x.idx]!;
          list.splice(list.indexOf(h), 1);
          holders[alt.idx]!.push(h);
          const components = componentsFor(tasks[h]!, hp, alt);
          result[h] = { taskId: tasks[h]!.id, agentId: free[alt.idx]!.id, score: totalOf(components, hp.weights), components };
          return x;
        }
      }
      return undefined;
    };
    // The placement pass counted the most tasks of each priority that can be placed: when the
    // optimum placed that many, no leftover can be placed (that would beat the maximum) and this
    // pass is skipped; it stays as a safety net.
    const placeable = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) if (placed[i]! >= 0) placeable[rankOf(i)]!++;
    const atMaximum = placeable.every((c, r) => heldByRank[r] === c);
    let pending = 0;
    for (let i = 0; i < n && !atMaximum; i++) {
      if (result[i]) continue;
      if ((++pending & 7) === 0) yield;
      const t = tasks[i]!;
      const plan = taskBucket[i]!;
      let take = firstFree(plan);
      if (take) {
        left[take.idx] = left[take.idx]! - 1;
        totalLeft--;
      } else if (totalLeft > 0 && (take = relocate(plan))) {
        // A holder moved to another free agent it is qualified for; its old slot is taken below.
      } else if (lowerHeld(rankOf(i))) {
        let victim = -1;
        let victimRank = rankOf(i);
        for (const x of plan.ranked) {
          for (const h of holders[x.idx]!) {
            if (rankOf(h) > victimRank) {
              victimRank = rankOf(h);
              victim = h;
              take = x;
            }
          }
        }
        if (victim >= 0 && take) {
          result[victim] = null;
          heldByRank[victimRank]!--;
          const list = holders[take.idx]!;
          list.splice(list.indexOf(victim), 1);
        } else {
          take = undefined;
        }
      }
      if (take) {
        holders[take.idx]!.push(i);
        heldByRank[rankOf(i)]!++;
        const components = componentsFor(t, plan, take);
        result[i] = { taskId: t.id, agentId: free[take.idx]!.id, score: totalOf(components, plan.weights), components };
        filled++;
      }
    }
    for (let i = 0; i < n; i++) {
      if (result[i]) continue;
      unassigned.push({ taskId: tasks[i]!.id, reason: taskBucket[i]!.ranked.length === 0 ? JOINT_NOBODY_QUALIFIED : JOINT_TAKEN_BY_OTHERS });
    }
    const assignments: JointAssignment[] = [];
    for (let i = 0; i < n; i++) {
      const a = result[i];
      if (a) assignments.push(a);
    }
    return {
      assignments,
      unassigned,
      stats: { tasks: n, freeAgents: free.length, buckets: plans.size, edges: m, placementEdges, filled, explored: explore },
    };
  }

  /** The engine behind the queue's Assigner interface (see queue-assigner.ts for the mapping). */
  asAssigner(deps: QueueAssignerDeps): Assigner {
    return createQueueAssigner(this, deps);
  }

  /** Learns from one finished attempt. Returns drift alarms raised by it (usually none). */
  observe(outcome: Outcome): DriftEvent[] {
    const key = marginKey(outcome.agentId, outcome.taskType);
    const margin = outcome.margin !== undefined ? outcome.margin : (this.margins.get(key) ?? null);
    if (outcome.durationMs > 0) {
      const prev = this.recentWork(outcome.agentId, outcome.at);
      this.ledger.set(outcome.agentId, { work: prev + outcome.durationMs, at: outcome.at });
    }
    const group = outcome.group ?? this.kinds.get(outcome.agentId) ?? null;
    this.cached.invalidate();
    const args: ModelObservation = [outcome.agentId, outcome.taskType, outcome.success, outcome.durationMs, outcome.at, margin, group];
    this.modelSeq++;
    if (this.journaling) {
      this.journal.push(args);
      if (this.journal.length > JOURNAL_LIMIT) {
        this.journal = [];
        this.journalBase = this.modelSeq;
      }
    }
    return this._models.observe(...args);
  }

  /**
   * What a replica whose models stand at `since` (null: it has none) must apply to match these:
   * the observations it missed when this engine still holds them, else the whole snapshot. From
   * the first call on, observations are kept until a later call shows the replica has them.
   */
  modelUpdate(since: ModelMark | null): ModelUpdate {
    this.journaling = true;
    const mark = { epoch: this.modelEpoch, seq: this.modelSeq };
    if (since && since.epoch === this.modelEpoch && since.seq >= this.journalBase && since.seq <= this.modelSeq) {
      // The replica has everything before `since`: forget that, send the rest.
      this.journal = this.journal.slice(since.seq - this.journalBase);
      this.journalBase = since.seq;
      return { mark, replay: this.journal.slice() };
    }
    this.journal = [];
    this.journalBase = this.modelSeq;
    return { mark, full: { config: this._models.config, snapshot: this._models.toJSON() } };
  }

  /** On a replica: applies modelUpdate()'s answer, so predictions match the engine it came from. */
  applyModelUpdate(update: ModelUpdate): void {
    if ('full' in update) {
      this.config.models = update.full.config;
      this._models = LearnedModels.fromJSON(update.full.snapshot, update.full.config);
      this.cached.setSource(this._models);
      return;
    }
    for (const args of update.replay) this._models.observe(...args);
    if (update.replay.length > 0) this.cached.invalidate();
  }

  /** The learned profile the Agents page shows. Pass the agent for its name. */
  profile(agentId: string, agent?: DelegationAgent, now?: number): AgentProfile {
    const p = this._models.profile(agentId, (type) => {
      const key = marginKey(agentId, type);
      return this.margins.has(key) ? this.margins.get(key)! : null;
    });
    return {
      ...p,
      name: agent?.name ?? null,
      recentWorkMs: now === undefined ? (this.ledger.get(agentId)?.work ?? 0) : this.recentWork(agentId, now),
    };
  }

  snapshot(): EngineSnapshot {
    const snap: EngineSnapshot = {
      version: 1,
      models: this._models.toJSON(),
      ledger: [...this.ledger].map(([id, e]) => [id, e.work, e.at]),
      margins: [...this.margins],
      kinds: [...this.kinds],
    };
    if (this.random instanceof SeededRandom) snap.random = this.random.getState();
    return snap;
  }

  /** Replaces the learned state with a snapshot (as written by snapshot(), e.g. read back from SQLite). */
  restore(snapshot: EngineSnapshot): void {
    if (snapshot.version !== 1) throw new Error(`Unknown engine snapshot version ${String(snapshot.version)}`);
    this._models = LearnedModels.fromJSON(snapshot.models, this.config.models);
    this.modelEpoch++;
    this.modelSeq = 0;
    this.journal = [];
    this.journalBase = 0;
    this.cached.setSource(this._models);
    this.ledger.clear();
    for (const [id, work, at] of snapshot.ledger) this.ledger.set(id, { work, at });
    this.margins.clear();
    for (const [k, v] of snapshot.margins) this.margins.set(k, v);
    this.kinds.clear();
    for (const [k, v] of snapshot.kinds ?? []) this.kinds.set(k, v);
    if (snapshot.random && this.random instanceof SeededRandom) this.random.setState(snapshot.random);
  }

  /** An independent copy (for what-if simulations that must not touch the live engine). */
  clone(random: Random = new SeededRandom(1)): DelegationEngine {
    const copy = new DelegationEngine({ random, config: { ...this.config }, zoneDistance: this.scoring.zoneDistance, predictor: this.predictor });
    const snap = this.snapshot();
    delete snap.random;
    copy.restore(snap);
    return copy;
  }
}

export type { ScoredCandidate };
