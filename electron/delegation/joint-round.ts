// One joint round of the delegation engine (DelegationEngine.decideJoint / decideJointSync): the
// tasks sorted by priority, buckets of tasks that share their qualified agents, the placement
// pass, the candidate edges, the optimum, and the leftovers. The work is in plain methods, a
// bucket or a few tasks at a time, and steps() is a thin generator that calls them and yields
// between: V8 optimises a plain method on its own (and mid-loop), while a large generator with
// the loops inline ran its first several rounds in slower tiers (measured: the first eight rounds
// of bench:assign took 1.5-2x the later ones).
import type { Random } from '../core/clock';
import { DEFAULT_UNTIL_EVIDENCE, predictCandidate, type ExplorationConfig } from './exploration';
import { isAgentOpen, isQualifiedBesidesSkills } from './feasibility';
import { assignmentSteps, placementSteps, priorityValue, type AssignmentProblem } from './joint';
import { estimatesAt, PREDICTION, PREDICTION_FIELDS, writeEstimates, type DurationEstimate, type Predictor, type SuccessEstimate } from './models';
import { bucketKey } from './ready-index';
import { SeededRandom } from './rng';
import {
  buildReference,
  COMPONENTS,
  componentsOf,
  componentValues,
  taskComponents,
  totalOf,
  weightsFor,
  weightVector,
  type Candidate,
  type CandidatePrediction,
  type Components,
  type ScoringOptions,
  type ScoringReference,
  type WeightConfig,
  type Weights,
} from './scoring';
import { PRIORITY_RANK, type DelegationAgent, type DelegationTask } from './types';

/** What a round needs from its engine. */
export interface RoundContext {
  weights: WeightConfig;
  exploration: ExplorationConfig;
  speedReference: 'qualified' | 'candidates';
  jointAgeWeight: number;
  tolerance: number;
  topK: number;
  /** The engine's Random: the exploration coin, and the draws when the round has no seed. */
  random: Random;
  /**
   * Learned models, or the engine's stand-in predictor; never the engine's prediction cache: a
   * round asks for each agent x type x margin once, and the models keep the pieces many
   * predictions share until they next learn, so computing one costs less than finding it in the
   * cache (measured: rounds with a warm cache ran ~15% slower).
   */
  source: Predictor;
  scoring: ScoringOptions;
  recentWork(agentId: string, now: number): number;
}

export interface RoundOptions {
  topK?: number;
  explore?: boolean;
  seed?: number;
}

export interface JointAssignment {
  taskId: string;
  agentId: string;
  score: number;
  components: Components;
}

export interface RoundResult {
  assignments: JointAssignment[];
  unassigned: { taskId: string; reason: string }[];
  stats: { tasks: number; freeAgents: number; buckets: number; edges: number; placementEdges: number; filled: number; explored: boolean };
}

/** Why a joint round left a task unassigned (JointDecision.unassigned[].reason). */
export const JOINT_NOBODY_QUALIFIED = 'No free agent is qualified for it now';
export const JOINT_TAKEN_BY_OTHERS = 'Every qualified free agent went to a task of higher priority or value';

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

// A round's predictions keep their numbers in one Float64Array, as the models write them
// (Predictor.predictInto): each number field of an object is a separate heap box in V8, and a
// large round makes ~16,000 predictions of a dozen numbers, which garbage collection then had to
// copy while the round ran.
const F_WAIT = PREDICTION_FIELDS;
const F_RECENT = PREDICTION_FIELDS + 1;
/** NaN: no margin (a task without required skills). */
const F_MARGIN = PREDICTION_FIELDS + 2;
const FIELDS = PREDICTION_FIELDS + 3;

class EntryStore {
  data = new Float64Array(FIELDS * 1024);
  private used = 0;

  /** Offset of a new entry's fields (data may be a new array afterwards). */
  alloc(): number {
    if (this.used + FIELDS > this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    const at = this.used;
    this.used += FIELDS;
    return at;
  }
}

/**
 * A round's prediction for an agent on a type at a margin. When the agent is free it is also the
 * candidate and its own prediction (the posterior means, as predictCandidate gives them when not
 * exploring); an agent that is not free only counts for its mean duration (the speed yardstick).
 */
class RoundEntry implements Candidate, CandidatePrediction {
  constructor(
    readonly agent: DelegationAgent,
    private readonly store: EntryStore,
    /** Offset of its figures in the store. */
    readonly at: number,
    readonly free: boolean,
    margin: number | null,
    waitMs: number,
    recentWorkMs: number,
  ) {
    const data = store.data;
    data[at + F_MARGIN] = margin === null ? NaN : margin;
    data[at + F_WAIT] = waitMs;
    data[at + F_RECENT] = recentWorkMs;
  }

  get prediction(): CandidatePrediction {
    return this;
  }
  get margin(): number | null {
    const m = this.store.data[this.at + F_MARGIN]!;
    return Number.isNaN(m) ? null : m;
  }
  get meanMs(): number {
    return this.store.data[this.at + PREDICTION.meanMs]!;
  }
  get recentWorkMs(): number {
    return this.store.data[this.at + F_RECENT]!;
  }
  get success(): number {
    return this.store.data[this.at + PREDICTION.mean]!;
  }
  get durationMs(): number {
    return this.store.data[this.at + PREDICTION.meanMs]!;
  }
  get logMu(): number {
    return this.store.data[this.at + PREDICTION.mu]!;
  }
  get logSigma(): number {
    return this.store.data[this.at + PREDICTION.sigma]!;
  }
  get waitMs(): number {
    return this.store.data[this.at + F_WAIT]!;
  }
  get ess(): number {
    return this.store.data[this.at + PREDICTION.successEss]!;
  }

  /** The estimates behind it, as objects (for Thompson draws). */
  estimates(): { success: SuccessEstimate; duration: DurationEstimate } {
    return estimatesAt(this.store.data, this.at);
  }
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

/**
 * Tasks sharing a bucket (same qualification rules) share their qualified free agents, ranked best
 * first by the agent-dependent score, as parallel arrays (one entry per agent, no object each).
 */
interface Bucket {
  sample: DelegationTask;
  /** Free positions of the qualified free agents, best first by the means. */
  agents: Int32Array;
  cands: Candidate[];
  totals: Float64Array;
  /** Weighted sum without deadline and zone (those depend on the task, not the bucket). */
  partials: Float64Array;
  /** The same from Thompson-drawn predictions when the round explores (same order), else null. */
  drawn: { cands: Candidate[]; totals: Float64Array; partials: Float64Array } | null;
  taskCount: number;
  weights: Weights & { wsum: number };
  ref: ScoringReference;
  /** Index into agents of the first one that may still have a free slot (leftover pass). */
  firstFree: number;
  /** Its position among the buckets (placement pass). */
  index: number;
}

const DEADLINE = COMPONENTS.indexOf('deadline');
const ZONE = COMPONENTS.indexOf('zone');
/** The tier gap of priorityValue exceeds tolerance x tasks by far below this. */
const MAX_TOLERANCE = 0.5;

function weightSum(w: Weights): number {
  let sum = 0;
  for (const v of Object.values(w)) if (v > 0) sum += v;
  return sum;
}

function grow<A extends Int32Array | Float64Array>(from: A, to: A): A {
  to.set(from);
  return to;
}

/**
 * The margin (marginSum / count of required skills) as a small code (below 2^19, so code x 2^32 +
 * agent position stays an exact double in PredictionCache); -1 (not cached, predicted each time)
 * for a margin outside whole levels or absurdly large.
 */
function marginCode(marginSum: number, count: number): number {
  if (count === 0) return 0;
  if (!Number.isInteger(marginSum) || marginSum < 0 || marginSum >= 1 << 16 || count >= 8) return -1;
  return marginSum * 8 + count;
}

/** Slots per agent in a PredictionCache: the margins of one type an agent is seen at in a round. */
const SLOTS = 8;

/**
 * A round's predictions for one task type by agent position and margin code. Each agent's codes
 * sit side by side in one typed array (a cache line), so a lookup reads no objects: buckets look
 * up ~30,000 pairs per large round, and chasing a list of objects per agent cost ~6 ms of it.
 */
class PredictionCache {
  private readonly codes: Int32Array;
  private readonly counts: Uint8Array;
  private readonly entries: (RoundEntry | undefined)[];
  /** An agent seen at more than SLOTS margins of the type (rare). */
  private readonly more = new Map<number, RoundEntry>();

  constructor(agentCount: number) {
    this.codes = new Int32Array(agentCount * SLOTS);
    this.counts = new Uint8Array(agentCount);
    this.entries = new Array<RoundEntry | undefined>(agentCount * SLOTS);
  }

  get(ai: number, code: number): RoundEntry | undefined {
    if (code < 0) return undefined;
    const base = ai * SLOTS;
    const n = this.counts[ai]!;
    for (let s = 0; s < n; s++) if (this.codes[base + s] === code) return this.entries[base + s];
    return n === SLOTS ? this.more.get(code * 0x1_0000_0000 + ai) : undefined;
  }

  set(ai: number, code: number, entry: RoundEntry): void {
    if (code < 0) return;
    const n = this.counts[ai]!;
    if (n === SLOTS) {
      this.more.set(code * 0x1_0000_0000 + ai, entry);
      return;
    }
    this.codes[ai * SLOTS + n] = code;
    this.entries[ai * SLOTS + n] = entry;
    this.counts[ai] = n + 1;
  }
}


/**
 * Positions of `totals` best first, ties to the lower `idx` (unique, 0 <= idx < where.length).
 * The key packs the score (to 2^-36) and idx into one double, so a plain numeric sort does it
 * (several times faster than a comparator); scores closer than 2^-36 count as tied. `where` is
 * scratch space.
 */
function rankOrder(totals: Float64Array, idx: readonly number[], where: Int32Array): Int32Array {
  const count = totals.length;
  const order = new Int32Array(count);
  if (count <= 1) return order;
  if (where.length > 65536) {
    const list = Array.from({ length: count }, (_, k) => k).sort((x, y) => totals[y]! - totals[x]! || idx[x]! - idx[y]!);
    for (let r = 0; r < count; r++) order[r] = list[r]!;
    return order;
  }
  const keys = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const t = Math.min(1, Math.max(0, totals[k]!));
    keys[k] = Math.floor((1 - t) * 2 ** 36) * 65536 + idx[k]!;
    where[idx[k]!] = k;
  }
  keys.sort();
  for (let r = 0; r < count; r++) order[r] = where[keys[r]! % 65536]!;
  return order;
}

export function compareTasks(a: DelegationTask, b: DelegationTask): number {
  const r = PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
  if (r !== 0) return r;
  const da = a.deadline ?? Infinity;
  const db = b.deadline ?? Infinity;
  return da < db ? -1 : da > db ? 1 : 0;
}

/**
 * The joint round. Each task gets edges to its bucket's best K agents and to a window of K more
 * starting K + its rank in the bucket, so many identical tasks reach many different agents. A
 * placement pass over every qualified free agent (placementSteps) adds, where the candidates lack
 * it, the edge each task holds in a matching that places the most critical tasks possible, then
 * the most high ones, and so on, so the optimum places that many too. The optimum over those edges
 * is exact (within the context's tolerance), over the first tasks in priority order up to 1.25x
 * the free slots and every task the placement pass placed. Then, in priority order, each task left
 * over takes a free qualified agent, or moves a holder to another free agent it can use and takes
 * its place, or displaces a task of lower priority (which goes back in line).
 */
export class JointRound {
  private readonly K: number;
  private readonly tasks: DelegationTask[];
  /** Each task's place in the caller's (claim) order, for its age. */
  private readonly arrival: Int32Array;
  private readonly n: number;
  private readonly free: DelegationAgent[] = [];
  private readonly spare: Int32Array;
  private readonly recentWorkOf: Float64Array;
  /** Agent position -> free position (-1: not free or no room). */
  private readonly freeOf: Int32Array;
  /** type -> (agent position, margin code) -> its prediction (and candidate when free), for this round. */
  private readonly roundCache = new Map<string, PredictionCache>();
  private readonly entryStore = new EntryStore();
  private readonly explore: boolean;
  private readonly draws: Random;
  private readonly given: GivenEstimates;
  private readonly skillIndex: SkillIndex;
  private readonly buckets = new Map<string, Bucket>();
  private readonly taskBucket: Bucket[] = [];
  private readonly rankInBucket: Int32Array;
  private readonly values = new Float64Array(COMPONENTS.length);
  // Per-bucket scratch, reused from bucket to bucket.
  private scratchCands: RoundEntry[] = [];
  private scratchIdx: number[] = [];
  private scratchQualified: DelegationAgent[] = [];
  private readonly scratchWhere: Int32Array;
  private scoredTotal = 0;
  private scoredPartial = 0;
  /** The speed yardstick and skill holders of the bucket being built (collect -> rank). */
  private fastest = Infinity;
  private holdersOf: ScoringReference['holders'] = {};
  // Edges (CSR by task).
  private readonly rowStart: Int32Array;
  private edgeAgent: Int32Array;
  private edgeValue: Float64Array;
  private edgeScore: Float64Array;
  private edgeRank: Int32Array;
  private m = 0;
  private placementEdges = 0;

  constructor(
    private readonly ctx: RoundContext,
    tasksIn: readonly DelegationTask[],
    private readonly agents: readonly DelegationAgent[],
    private readonly now: number,
    options: RoundOptions,
  ) {
    this.K = Math.max(1, options.topK ?? ctx.topK);
    // Priority first, then deadline; `arrival` keeps each task's place in the caller's (claim) order for its age.
    const sorted = tasksIn.map((t, i) => ({ t, i })).sort((a, b) => compareTasks(a.t, b.t) || a.i - b.i);
    this.tasks = sorted.map((x) => x.t);
    this.arrival = Int32Array.from(sorted, (x) => x.i);
    this.n = this.tasks.length;
    const freeIndex = new Map<string, number>();
    for (const a of agents) {
      if (isAgentOpen(a, now)) {
        freeIndex.set(a.id, this.free.length);
        this.free.push(a);
      }
    }
    this.spare = Int32Array.from(this.free, (a) => Math.max(0, a.capacity - a.load));
    this.recentWorkOf = Float64Array.from(this.free, (a) => a.recentWorkMs ?? ctx.recentWork(a.id, now));
    this.freeOf = new Int32Array(agents.length).fill(-1);
    agents.forEach((a, ai) => {
      const fi = freeIndex.get(a.id);
      if (fi !== undefined && this.spare[fi]! > 0) this.freeOf[ai] = fi;
    });
    // One exploration draw per round; critical tasks are scored with the means all the same.
    const rate = ctx.exploration.rate;
    this.explore = this.tasks.some((t) => t.priority !== 'critical') && (options.explore ?? (rate > 0 && ctx.random.next() < rate));
    this.draws = options.seed !== undefined ? new SeededRandom(options.seed) : ctx.random;
    this.given = new GivenEstimates(ctx.source);
    this.skillIndex = new SkillIndex(agents.length, agents);
    this.scratchWhere = new Int32Array(this.free.length);
    this.rankInBucket = new Int32Array(this.n);
    this.rowStart = new Int32Array(this.n + 1);
    const cap = Math.max(16, this.n * 2 * this.K);
    this.edgeAgent = new Int32Array(cap);
    this.edgeValue = new Float64Array(cap);
    this.edgeScore = new Float64Array(cap);
    this.edgeRank = new Int32Array(cap);
  }

  /** The round as steps: yields between slices of work (runToEnd or runSliced drive it). */
  *steps(): Generator<void, RoundResult, void> {
    const n = this.n;
    // Buckets: a yield after every ~512 agents looked at.
    let work = 0;
    for (let i = 0; i < n; i++) {
      work += this.bucketOf(i);
      if (work >= 512) {
        work = 0;
        yield;
      }
    }
    // Placement over every qualified free agent: the position in its bucket's ranking of the agent
    // each task holds in a matching that places the most urgent tasks possible (-1: none).
    const lists: Int32Array[] = [];
    for (const b of this.buckets.values()) lists[b.index] = b.agents;
    const placed = yield* placementSteps(lists, Int32Array.from(this.taskBucket, (b) => b.index), this.spare);
    for (let i = 0; i < n; i++) {
      this.addEdges(i, placed[i]!);
      if ((i & 63) === 63) yield;
    }
    this.rowStart[n] = this.m;
    const chosen = yield* assignmentSteps(this.problem(placed));
    const result = this.results(chosen);
    // Leftovers (tasks the edges did not cover), in priority order. The placement pass counted the
    // most tasks of each priority that can be placed: when the optimum placed that many, no
    // leftover can be placed (that would beat the maximum) and this pass is skipped; it stays as a
    // safety net.
    const filler = new LeftoverFill(this, result, chosen, placed);
    let filled = 0;
    if (!filler.atMaximum) {
      for (let i = 0; i < n; i++) {
        if (filler.fill(i)) filled++;
        if ((i & 7) === 7) yield;
      }
    }
    const unassigned: { taskId: string; reason: string }[] = [];
    const assignments: JointAssignment[] = [];
    for (let i = 0; i < n; i++) {
      const a = result[i];
      if (a) assignments.push(a);
      else unassigned.push({ taskId: this.tasks[i]!.id, reason: this.taskBucket[i]!.agents.length === 0 ? JOINT_NOBODY_QUALIFIED : JOINT_TAKEN_BY_OTHERS });
    }
    return {
      assignments,
      unassigned,
      stats: {
        tasks: n,
        freeAgents: this.free.length,
        buckets: this.buckets.size,
        edges: this.m,
        placementEdges: this.placementEdges,
        filled,
        explored: this.explore,
      },
    };
  }

  /** Task i's bucket, built when it is the first of it. Returns the agents looked at. */
  private bucketOf(i: number): number {
    const t = this.tasks[i]!;
    const key = bucketKey(t);
    let b = this.buckets.get(key);
    let looked = 0;
    if (!b) {
      looked = this.collect(t);
      b = this.rank(t);
      this.buckets.set(key, b);
    }
    this.rankInBucket[i] = b.taskCount++;
    this.taskBucket.push(b);
    return looked;
  }

  /**
   * The qualified agents of t's bucket into the scratch lists: the skill test and the margin in
   * one pass over arrays, and predictions cached per round by agent position, so nothing here
   * looks anything up by string id or in an agent's own skill record. Returns the agents looked at.
   */
  private collect(t: DelegationTask): number {
    const { agents, freeOf, spare, now, ctx } = this;
    const source = ctx.source;
    const cands = this.scratchCands;
    const idxs = this.scratchIdx;
    const qualified = this.scratchQualified;
    cands.length = 0;
    idxs.length = 0;
    qualified.length = 0;
    let fastest = Infinity;
    const reqKeys = t.requires ? Object.keys(t.requires) : [];
    const reqLevels = reqKeys.map((k) => t.requires![k]!);
    const heldLevels = reqKeys.map((k) => this.skillIndex.levels(k));
    let cache = this.roundCache.get(t.type);
    if (!cache) this.roundCache.set(t.type, (cache = new PredictionCache(agents.length)));
    const holders = this.skillIndex.holders(t.requires);
    const count = holders ? holders.count : agents.length;
    // Holders per required skill and level among the qualified (capability fit), counted here.
    const countHolders = t.requires !== undefined;
    const heldCounts = reqKeys.map(() => [0, 0, 0, 0, 0, 0]);
    for (let h = 0; h < count; h++) {
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
      const code = marginCode(marginSum, reqKeys.length);
      let cached = cache.get(ai, code);
      const fi = freeOf[ai]!;
      if (!cached) {
        const free = fi >= 0 && spare[fi]! > 0;
        const store = this.entryStore;
        const at = store.alloc();
        if (source.predictInto) {
          source.predictInto(a.id, t.type, margin, a.kind, store.data, at);
        } else {
          writeEstimates(store.data, at, source.predictSuccess(a.id, t.type, margin, a.kind), source.predictDuration(a.id, t.type, margin, a.kind));
        }
        cached = new RoundEntry(a, store, at, free, margin, free ? (a.busyForMs ?? 0) : 0, free ? this.recentWorkOf[fi]! : 0);
        cache.set(ai, code, cached);
      }
      if (cached.meanMs < fastest) fastest = cached.meanMs;
      if (cached.free) {
        cands.push(cached);
        idxs.push(fi);
      }
      if (countHolders) for (let q = 0; q < reqKeys.length; q++) heldCounts[q]![Math.min(5, Math.floor(heldLevels[q]![ai]!))]!++;
    }
    if (countHolders) {
      const holdersOf: Record<string, number[]> = {};
      for (let q = 0; q < reqKeys.length; q++) {
        const h = heldCounts[q]!;
        for (let l = 4; l >= 1; l--) h[l]! += h[l + 1]!;
        holdersOf[reqKeys[q]!] = h;
      }
      this.holdersOf = holdersOf;
    } else {
      this.holdersOf = {};
    }
    this.fastest = ctx.speedReference === 'candidates' ? Infinity : fastest;
    return count;
  }

  /** Scores the collected candidates of t's bucket and ranks them best first. */
  private rank(t: DelegationTask): Bucket {
    const ctx = this.ctx;
    const weights = weightsFor(ctx.weights, t.type);
    const wv = weightVector(weights);
    const wsum = weightSum(weights);
    const cands = this.scratchCands;
    const ref = buildReference(t, cands, this.scratchQualified, this.fastest, this.holdersOf);
    const count = cands.length;
    const totals = new Float64Array(count);
    const partials = new Float64Array(count);
    let drawnCands: Candidate[] | null = null;
    let drawnTotals: Float64Array | null = null;
    let drawnPartials: Float64Array | null = null;
    if (this.explore) {
      drawnCands = new Array<Candidate>(count);
      drawnTotals = new Float64Array(count);
      drawnPartials = new Float64Array(count);
    }
    const untilEvidence = ctx.exploration.untilEvidence ?? DEFAULT_UNTIL_EVIDENCE;
    for (let k = 0; k < count; k++) {
      const cand = cands[k]!;
      if (drawnCands) {
        const a = cand.agent;
        const est = cand.estimates();
        const prediction = predictCandidate(this.given.set(est.success, est.duration), a.id, t.type, cand.margin, a.busyForMs ?? 0, true, this.draws, a.kind, untilEvidence);
        const drawnCand: Candidate = { agent: a, prediction, recentWorkMs: cand.recentWorkMs };
        this.score(t, drawnCand, ref, wv, wsum);
        drawnCands[k] = drawnCand;
        drawnTotals![k] = this.scoredTotal;
        drawnPartials![k] = this.scoredPartial;
      }
      this.score(t, cand, ref, wv, wsum);
      totals[k] = this.scoredTotal;
      partials[k] = this.scoredPartial;
    }
    const order = rankOrder(totals, this.scratchIdx, this.scratchWhere);
    const agentsOut = new Int32Array(count);
    const candsOut = new Array<Candidate>(count);
    const totalsOut = new Float64Array(count);
    const partialsOut = new Float64Array(count);
    for (let r = 0; r < count; r++) {
      const k = order[r]!;
      agentsOut[r] = this.scratchIdx[k]!;
      candsOut[r] = cands[k]!;
      totalsOut[r] = totals[k]!;
      partialsOut[r] = partials[k]!;
    }
    let drawn: Bucket['drawn'] = null;
    if (drawnCands && drawnTotals && drawnPartials) {
      drawn = { cands: new Array<Candidate>(count), totals: new Float64Array(count), partials: new Float64Array(count) };
      for (let r = 0; r < count; r++) {
        const k = order[r]!;
        drawn.cands[r] = drawnCands[k]!;
        drawn.totals[r] = drawnTotals[k]!;
        drawn.partials[r] = drawnPartials[k]!;
      }
    }
    return {
      sample: t,
      agents: agentsOut,
      cands: candsOut,
      totals: totalsOut,
      partials: partialsOut,
      drawn,
      taskCount: 0,
      weights: { ...weights, wsum },
      ref,
      firstFree: 0,
      index: this.buckets.size,
    };
  }

  /** The score and its part without deadline and zone, into scoredTotal / scoredPartial. */
  private score(t: DelegationTask, cand: Candidate, ref: ScoringReference, wv: Float64Array, wsum: number): void {
    const values = this.values;
    componentValues(t, cand, ref, this.now, this.ctx.scoring, values);
    let partial = 0;
    for (let c = 0; c < values.length; c++) if (c !== DEADLINE && c !== ZONE) partial += wv[c]! * values[c]!;
    this.scoredPartial = partial;
    this.scoredTotal = wsum > 0 ? (partial + wv[DEADLINE]! * values[DEADLINE]! + wv[ZONE]! * values[ZONE]!) / wsum : 0;
  }

  /** Task i's edges: top K + a staggered window of K + the placement edge, with its own deadline and zone components. */
  private addEdges(i: number, p: number): void {
    const { K, n } = this;
    const t = this.tasks[i]!;
    const b = this.taskBucket[i]!;
    const len = b.agents.length;
    const w = b.weights;
    this.rowStart[i] = this.m;
    const from = Math.max(K, K + this.rankInBucket[i]!);
    const to = Math.min(len, from + K);
    const k1 = Math.min(K, len);
    const extra = p >= k1 && (p < from || p >= to) ? 1 : 0;
    this.placementEdges += extra;
    const need = this.m + k1 + Math.max(0, to - from) + extra;
    if (need > this.edgeAgent.length) {
      const cap = Math.max(need, this.edgeAgent.length * 2);
      this.edgeAgent = grow(this.edgeAgent, new Int32Array(cap));
      this.edgeValue = grow(this.edgeValue, new Float64Array(cap));
      this.edgeScore = grow(this.edgeScore, new Float64Array(cap));
      this.edgeRank = grow(this.edgeRank, new Int32Array(cap));
    }
    const plain = t.deadline == null && t.zone == null;
    const draw = this.explore && t.priority !== 'critical' && b.drawn !== null;
    const totals = draw ? b.drawn!.totals : b.totals;
    const partials = draw ? b.drawn!.partials : b.partials;
    const cands = draw ? b.drawn!.cands : b.cands;
    const age = n > 1 ? 1 - this.arrival[i]! / (n - 1) : 1;
    const ageWeight = Math.max(0, this.ctx.jointAgeWeight);
    const { edgeAgent, edgeValue, edgeScore, edgeRank } = this;
    let m = this.m;
    for (let pass = 0; pass < 3; pass++) {
      const lo = pass === 0 ? 0 : pass === 1 ? from : p;
      const hi = pass === 0 ? k1 : pass === 1 ? to : p + extra;
      for (let k = lo; k < hi; k++) {
        let score = totals[k]!;
        if (!plain) {
          const own = taskComponents(t, cands[k]!, this.now, this.ctx.scoring);
          score = w.wsum > 0 ? (partials[k]! + w.deadline * own.deadline + w.zone * own.zone) / w.wsum : 0;
        }
        edgeAgent[m] = b.agents[k]!;
        edgeValue[m] = priorityValue(t.priority, score, n, age, ageWeight);
        edgeScore[m] = score;
        edgeRank[m] = k;
        m++;
      }
    }
    this.m = m;
  }

  /** The optimum's problem: the first tasks up to 1.25x the free slots, and every task the placement pass placed. */
  private problem(placed: Int32Array): AssignmentProblem {
    const { n, rowStart, edgeValue } = this;
    // Only so many tasks can be placed: the optimum runs over the first of them in priority and
    // claim order (a margin above the free slots); the rest can still be filled afterwards.
    let totalSpare = 0;
    for (let j = 0; j < this.spare.length; j++) totalSpare += this.spare[j]!;
    // Tasks the placement pass placed further down are added too: the optimum must be able to place them.
    const rows = Math.min(n, Math.ceil(totalSpare * 1.25) + this.K);
    const rowList: number[] = [];
    for (let i = 0; i < n; i++) if (i < rows || placed[i]! >= 0) rowList.push(i);
    // Best first: a task added after better ones rarely displaces them, so each search stays small.
    const bestValue = new Float64Array(n);
    for (const i of rowList) for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) bestValue[i] = Math.max(bestValue[i]!, edgeValue[e]!);
    const order = Int32Array.from(rowList).sort((a, b) => bestValue[b]! - bestValue[a]! || a - b);
    return {
      taskCount: n,
      agentCount: this.free.length,
      rowStart,
      edgeAgent: this.edgeAgent.subarray(0, this.m),
      edgeValue: edgeValue.subarray(0, this.m),
      capacity: this.spare,
      order,
      tolerance: Math.min(MAX_TOLERANCE, Math.max(0, this.ctx.tolerance)),
    };
  }

  /** The chosen edges as assignments (null: none). */
  private results(chosen: Int32Array): (JointAssignment | null)[] {
    const { n, rowStart, edgeAgent } = this;
    const result: (JointAssignment | null)[] = new Array<JointAssignment | null>(n).fill(null);
    for (let i = 0; i < n; i++) {
      const j = chosen[i]!;
      if (j < 0) continue;
      for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
        if (edgeAgent[e] === j) {
          const t = this.tasks[i]!;
          result[i] = { taskId: t.id, agentId: this.free[j]!.id, score: this.edgeScore[e]!, components: this.componentsAt(i, this.edgeRank[e]!) };
          break;
        }
      }
    }
    return result;
  }

  /** Components of task i with the agent at position k of its bucket (drawn when the task explored). */
  componentsAt(i: number, k: number): Components {
    const t = this.tasks[i]!;
    const b = this.taskBucket[i]!;
    const cand = this.explore && t.priority !== 'critical' && b.drawn ? b.drawn.cands[k]! : b.cands[k]!;
    return componentsOf(t, cand, b.ref, this.now, this.ctx.scoring);
  }

  // For the leftover pass.
  taskAt(i: number): DelegationTask {
    return this.tasks[i]!;
  }
  bucketAt(i: number): Bucket {
    return this.taskBucket[i]!;
  }
  freeAgent(j: number): DelegationAgent {
    return this.free[j]!;
  }
  get freeSpare(): Int32Array {
    return this.spare;
  }
  get taskCount(): number {
    return this.n;
  }
}

/**
 * Leftovers in priority order: a free qualified agent if any, else one holding a task of
 * strictly lower priority, which then goes back in line (tasks are sorted by priority, so a
 * displaced task always comes later), or a two-step move (a holder moves to another free agent).
 */
class LeftoverFill {
  private readonly left: Int32Array;
  private totalLeft = 0;
  private readonly holders: number[][];
  private readonly heldByRank = [0, 0, 0, 0];
  readonly atMaximum: boolean;

  constructor(
    private readonly round: JointRound,
    private readonly result: (JointAssignment | null)[],
    chosen: Int32Array,
    placed: Int32Array,
  ) {
    const n = round.taskCount;
    this.left = Int32Array.from(round.freeSpare);
    this.holders = Array.from(round.freeSpare, () => []);
    for (let i = 0; i < n; i++) {
      if (!result[i]) continue;
      const j = chosen[i]!;
      this.left[j] = this.left[j]! - 1;
      this.holders[j]!.push(i);
      this.heldByRank[this.rankOf(i)]!++;
    }
    for (let j = 0; j < this.left.length; j++) this.totalLeft += this.left[j]!;
    const placeable = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) if (placed[i]! >= 0) placeable[this.rankOf(i)]!++;
    this.atMaximum = placeable.every((c, r) => this.heldByRank[r] === c);
  }

  private rankOf(i: number): number {
    return PRIORITY_RANK[this.round.taskAt(i).priority];
  }

  /** Position in b's ranking of the first agent with room (slots only get used up here, so it only moves down). */
  private firstFree(b: Bucket): number {
    while (b.firstFree < b.agents.length && this.left[b.agents[b.firstFree]!]! <= 0) b.firstFree++;
    return b.firstFree < b.agents.length ? b.firstFree : -1;
  }

  private assign(i: number, b: Bucket, k: number): void {
    const components = this.round.componentsAt(i, k);
    this.result[i] = { taskId: this.round.taskAt(i).id, agentId: this.round.freeAgent(b.agents[k]!).id, score: totalOf(components, b.weights), components };
  }

  /** Two-step move: an agent this task could have holds a task that could move to a free agent. Returns the freed position in b, or -1. */
  private relocate(b: Bucket): number {
    for (let k = 0; k < b.agents.length; k++) {
      const x = b.agents[k]!;
      for (const h of this.holders[x]!) {
        const hb = this.round.bucketAt(h);
        const alt = this.firstFree(hb);
        if (alt < 0 || hb.agents[alt] === x) continue;
        const altAgent = hb.agents[alt]!;
        this.left[altAgent] = this.left[altAgent]! - 1;
        this.totalLeft--;
        const list = this.holders[x]!;
        list.splice(list.indexOf(h), 1);
        this.holders[altAgent]!.push(h);
        this.assign(h, hb, alt);
        return k;
      }
    }
    return -1;
  }

  /** Places leftover task i if it can. */
  fill(i: number): boolean {
    if (this.result[i]) return false;
    const b = this.round.bucketAt(i);
    const rank = this.rankOf(i);
    let take = this.firstFree(b);
    if (take >= 0) {
      const j = b.agents[take]!;
      this.left[j] = this.left[j]! - 1;
      this.totalLeft--;
    } else if (this.totalLeft > 0 && (take = this.relocate(b)) >= 0) {
      // A holder moved to another free agent it is qualified for; its old slot is taken below.
    } else if (this.heldByRank.some((c, r) => r > rank && c > 0)) {
      let victim = -1;
      let victimRank = rank;
      for (let k = 0; k < b.agents.length; k++) {
        for (const h of this.holders[b.agents[k]!]!) {
          if (this.rankOf(h) > victimRank) {
            victimRank = this.rankOf(h);
            victim = h;
            take = k;
          }
        }
      }
      if (victim >= 0) {
        this.result[victim] = null;
        this.heldByRank[victimRank]!--;
        const list = this.holders[b.agents[take]!]!;
        list.splice(list.indexOf(victim), 1);
      } else {
        take = -1;
      }
    }
    if (take < 0) return false;
    this.holders[b.agents[take]!]!.push(i);
    this.heldByRank[rank]!++;
    this.assign(i, b, take);
    return true;
  }
}
