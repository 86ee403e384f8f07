// The delegation engine: feasibility -> learned predictions -> scores -> a decision with its
// explanation; joint rounds when many tasks and agents are free together; learning from outcomes.
// Pure and synchronous except decideJoint (sliced, awaits between slices). No I/O: the caller
// persists snapshot() and the decisions' explanations, and feeds outcomes to observe(). A large
// joint round can be solved by a replica in a worker thread (joint-pool.ts): jointJob() is the
// round as plain data, modelUpdate() what the replica's models lack, rememberJoint() the answer.
import type { Random } from '../core/clock';
import type { Assigner } from '../tasks/assigner';
import { DEFAULT_EXPLORATION, DEFAULT_UNTIL_EVIDENCE, predictCandidate, shouldExplore, type ExplorationConfig } from './exploration';
import { checkFeasibility, isAgentOpen, isQualified } from './feasibility';
import {
  runSliced,
  runToEnd,
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
} from './models';
import { JointRound, type JointAssignment, type RoundContext, type RoundResult } from './joint-round';
import { createQueueAssigner, type QueueAssignerDeps } from './queue-assigner';
import type { IndexedTask, ReadyIndex } from './ready-index';
import { SeededRandom, type RandomState } from './rng';
import {
  buildReference,
  DEFAULT_WEIGHTS,
  explainCandidate,
  scoreCandidates,
  weightsFor,
  zoneDistanceTable,
  type Candidate,
  type CandidateExplanation,
  type ExcludedExplanation,
  type Explanation,
  type ScoredCandidate,
  type ScoringOptions,
  type WeightConfig,
  type ZonePair,
} from './scoring';
import { skillMargin, type DelegationAgent, type DelegationTask, type Outcome } from './types';

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
  /**
   * The site's zone distance table (plain data, so a worker's replica scores the same): listed
   * pairs their distance, other zones 1. Ignored when deps.zoneDistance is given.
   */
  zoneDistances: readonly ZonePair[];
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
  zoneDistances: [],
};

export interface EngineDeps {
  /** Exploration draws. Seeded (SeededRandom) for replayable runs; its state is then in snapshot(). */
  random: Random;
  config?: Partial<EngineConfig>;
  /**
   * Site distance between zones as a function, 0..1 (default: config.zoneDistances, else same
   * zone 0, another 1, unknown 0.5). A function keeps joint rounds off worker threads.
   */
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
  /** These agents are explained too when they are candidates past explainTop (in score order). */
  explainAlso?: ReadonlySet<string>;
  /** false: skip the reasons of excluded agents and the candidate list (simulations, benches). */
  explain?: boolean;
  /**
   * Reasons for at most this many excluded agents, the first in roster order (default all): a
   * caller that keeps only so many saves working out the rest (with 1,000 agents most of the time
   * of a decision went there).
   */
  excludedLimit?: number;
  /** Receives every candidate's score (all of them, past explainTop too), best first. */
  scored?: (scored: readonly ScoredCandidate[]) => void;
}

export { JOINT_NOBODY_QUALIFIED, JOINT_TAKEN_BY_OTHERS, type JointAssignment } from './joint-round';

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

const marginKey = (agentId: string, type: string) => `${agentId}\u0000${type}`;

export class DelegationEngine {
  readonly config: EngineConfig;
  private _models: LearnedModels;
  private readonly random: Random;
  private readonly zoneDistance: ScoringOptions['zoneDistance'];
  /** Scoring options for config.zoneDistances, rebuilt when the table is replaced. */
  private zoneScoring: { table: readonly ZonePair[]; options: ScoringOptions } | null = null;
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
    this.zoneDistance = deps.zoneDistance;
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

  /** Replaces the site's zone distance table (from the next decision on). */
  setZoneDistances(pairs: readonly ZonePair[]): void {
    this.config.zoneDistances = pairs.map((p) => ({ ...p }));
  }

  /** What scoring needs beyond the weights: the zone distance in force. */
  private get scoring(): ScoringOptions {
    if (this.zoneDistance) return { zoneDistance: this.zoneDistance };
    const table = this.config.zoneDistances;
    if (table.length === 0) return {};
    if (this.zoneScoring?.table !== table) this.zoneScoring = { table, options: { zoneDistance: zoneDistanceTable(table) } };
    return this.zoneScoring.options;
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
    const excludedLimit = options.excludedLimit ?? Infinity;
    for (const agent of agents) {
      if (!isQualified(task, agent, now)) {
        if (explain && excluded.length < excludedLimit) excluded.push(this.excludedOf(task, agent, now));
        continue;
      }
      qualified.push(agent);
      const margin = skillMargin(agent, task.requires);
      const meanMs = this.predict.predictDuration(agent.id, task.type, margin, agent.kind).meanMs;
      if (meanMs < fastest) fastest = meanMs;
      if (!isAgentOpen(agent, now)) {
        if (explain && excluded.length < excludedLimit) excluded.push(this.excludedOf(task, agent, now));
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
    options.scored?.(scored);
    const byId = new Map(used.map((c) => [c.agent.id, c]));
    const top = explain ? (options.explainTop ?? Infinity) : 2;
    const also = explain ? options.explainAlso : undefined;
    const explained: CandidateExplanation[] = [];
    for (let i = 0; i < scored.length; i++) {
      if (i >= top && !also?.has(scored[i]!.agentId)) {
        if (!also) break;
        continue;
      }
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

  /** The explanation of one scored candidate (from DecideOptions.scored) without deciding again. */
  explainScored(task: DelegationTask, agent: DelegationAgent, scored: ScoredCandidate, now: number): CandidateExplanation {
    return explainCandidate(task, this.candidate(task, agent, skillMargin(agent, task.requires), now, false), scored, now);
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
   * a stand-in predictor or a zone-distance function (those cannot cross a thread; the table in
   * config.zoneDistances does).
   */
  get portable(): boolean {
    return this.predictor === undefined && this.zoneDistance === undefined;
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
      if (t && holder) this.rememberPick(t, holder);
    }
  }

  /** rememberJoint by positions: picks holds (task position, agent position) pairs (a worker's answer). */
  rememberPicks(tasks: readonly DelegationTask[], agents: readonly DelegationAgent[], picks: Int32Array): void {
    for (let k = 0; k + 1 < picks.length; k += 2) {
      const t = tasks[picks[k]!];
      const holder = agents[picks[k + 1]!];
      if (t && holder) this.rememberPick(t, holder);
    }
  }

  private rememberPick(t: DelegationTask, holder: DelegationAgent): void {
    this.margins.set(marginKey(holder.id, t.type), skillMargin(holder, t.requires));
    this.kinds.set(holder.id, holder.kind);
  }

  /** The joint round as steps (joint-round.ts). */
  private jointSteps(tasks: readonly DelegationTask[], agents: readonly DelegationAgent[], now: number, options: JointOptions): Generator<void, RoundResult, void> {
    const ctx: RoundContext = {
      weights: this.config.weights,
      exploration: this.config.exploration,
      speedReference: this.config.speedReference,
      jointAgeWeight: this.config.jointAgeWeight,
      tolerance: this.config.jointTolerance,
      topK: this.config.topK,
      random: this.random,
      source: this.predictor ?? this._models,
      scoring: this.scoring,
      recentWork: (id, at) => this.recentWork(id, at),
    };
    return new JointRound(ctx, tasks, agents, now, options).steps();
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
    const copy = new DelegationEngine({ random, config: { ...this.config }, zoneDistance: this.zoneDistance, predictor: this.predictor });
    const snap = this.snapshot();
    delete snap.random;
    copy.restore(snap);
    return copy;
  }
}

export type { ScoredCandidate };
