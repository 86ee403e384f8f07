// Learned models per agent x type, updated online from outcomes:
//  - success: Beta-Bernoulli; the prior mean comes from the skill margin (how far the agent's levels
//    exceed the requirement) and the agent's record on other types. How much the prior weighs is
//    learned per group (empirical Bayes, SpreadPool): as much as the spread of the group's pairs
//    around their priors says, so a pair with a thin record is not judged on a few lucky outcomes.
//  - duration: log-normal; running moments of log durations (weighted Welford). Levels share
//    strength so a new pair is predicted well from little data: ln d = the task type's typical
//    duration + the agent's group (its kind: robots, software, people) on that type + the agent's
//    own speed (across all types it did) + the skill margin term, and then the pair's own record,
//    weighed against that prior as the spread of the group's pair means says (empirical Bayes).
//    Success shares strength the same way (group and agent reliability); how far an agent's record
//    on its other types moves a pair's prior is learned too, from how far the group's agents
//    spread in reliability (empirical Bayes, agentStrength).
//  - forgetting: every update first multiplies old evidence by 2^(-1/halfLife) (in observations),
//    so a slowing robot or a tired shift shows up in the estimates.
//  - drift: two-sided Page-Hinkley tests per agent on standardised duration residuals (a sensitive
//    one for small drifts and a quick one with a wide allowance for large jumps, fed only by pairs
//    with a record of their own) and on success residuals. An alarm is a change point: it is
//    recorded (the profile shows it), every type of the agent moves by the change seen since the
//    test's change point, and the old evidence is cut to a fraction so the next outcomes refine
//    it quickly. A far-out duration widens a pair's spread only as a 3-sd one would, so a
//    slowdown is not taken for noise.
// The whole state is plain numbers and strings; toJSON()/fromJSON() restore it exactly.
import type { Random } from '../core/clock';
import { normalFrom } from './rng';
import { betaQuantile, normalQuantile, sampleBeta } from './stats';

export interface DriftConfig {
  /** Page-Hinkley allowance and alarm threshold on standardised log-duration residuals. */
  durationDelta: number;
  durationThreshold: number;
  /**
   * A second, quick Page-Hinkley test on the same duration residuals, for a large sudden change
   * (a robot at half speed): a wide allowance keeps it quiet on noise and on small drifts (the
   * test above and forgetting handle those), a low threshold lets it fire on the second or
   * third slow outcome instead of the fourth to sixth. An infinite threshold turns it off.
   */
  jumpDelta: number;
  jumpThreshold: number;
  /** Observations of the pair before its residuals feed the quick test. */
  jumpMinPairObservations: number;
  /** The same on success residuals (outcome - predicted probability). */
  successDelta: number;
  successThreshold: number;
  /** Agent observations before the tests run (estimates are too rough before). */
  minObservations: number;
  /** On an alarm the agent's old evidence is multiplied by this. */
  forgetTo: number;
  /** An alarm shows as active for this many further observations of the agent. */
  activeFor: number;
}

export interface ModelConfig {
  /** Half-life, in observations of the pair, of an agent x type model. */
  halfLife: number;
  /** Half-life of the agent-level effects (speed, reliability), in observations of the agent. */
  agentHalfLife: number;
  /** Half-life of the type-level duration, in observations of the type. */
  typeHalfLife: number;
  /** Half-life of the group-level effects (agent kinds), in observations of the group. */
  groupHalfLife: number;
  /** Prior success probability for skill margins 0, 1, 2, ... (interpolated; the last entry beyond). */
  successPriorByMargin: readonly number[];
  /** Prior success when the task requires no skill. */
  successPriorNoRequirement: number;
  /**
   * Pseudo-observations behind the success prior until the site's own record shows how far
   * agent x type success rates spread around their priors (then learned: see successPoolStrength).
   */
  successPriorStrength: number;
  /**
   * Observations the default spread (from successPriorStrength) counts for when it is pooled with
   * the spread seen across all pairs of a group; Infinity keeps successPriorStrength fixed.
   */
  successPoolStrength: number;
  /** Bounds of the learned strength of the success prior. */
  successPriorMinStrength: number;
  successPriorMaxStrength: number;
  /**
   * Shrinkage (pseudo-observations) of the agent-level reliability adjustment until the site's
   * own record shows how far agents' reliability spreads within their group (then learned: see
   * agentSuccessPoolStrength).
   */
  agentSuccessStrength: number;
  /**
   * Observations the default agent shrinkage (agentSuccessStrength) counts for when it is pooled
   * with the spread of the group's agents' records; Infinity keeps agentSuccessStrength fixed.
   */
  agentSuccessPoolStrength: number;
  /** Bounds of the learned agent shrinkage. */
  agentSuccessMinStrength: number;
  agentSuccessMaxStrength: number;
  /** Duration assumed for a type never seen. */
  defaultDurationMs: number;
  defaultLogSigma: number;
  /** Pseudo-observations behind defaultDurationMs for a type. */
  typePriorStrength: number;
  /** Pseudo-observations behind the prior spread of log durations. */
  sigmaPriorStrength: number;
  /**
   * The prior spread of a pair's log durations is the spread within the agent's pairs (shrunk to
   * its group's), not its spread across types: the differences between its types are the pair
   * mean's uncertainty (muVar), and counting them in the spread too would make a new pair's
   * expected duration too long and its outcomes look less surprising to the drift tests. false:
   * the spread of the agent's residuals across its types (the earlier rule).
   */
  spreadWithinPairs: boolean;
  /**
   * Pseudo-observations behind a pair's prior mean (type + group on type + agent speed + margin)
   * for a pair with the default spread, until the site's own record shows how far pair means
   * spread around their priors (then learned: see durationPoolStrength).
   */
  pairPriorStrength: number;
  /** Observations the default spread of pair means counts for; Infinity keeps pairPriorStrength fixed. */
  durationPoolStrength: number;
  /** Bounds of the learned strength of a pair's duration prior. */
  pairPriorMinStrength: number;
  pairPriorMaxStrength: number;
  /** Shrinkage of the agent speed effect. */
  agentEffectStrength: number;
  /** Each level of skill margin is assumed this much faster on the log scale (prior only). */
  marginSpeedup: number;
  /**
   * A duration further than this many predicted sds from a pair's mean widens the pair's spread
   * only as much as one this far out would: a slowdown is seen as a shift, not as noise. (Not for
   * an agent's spread across its types, which is the prior spread of its new pairs.)
   */
  durationSpreadClip: number;
  drift: DriftConfig;
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  halfLife: 40,
  agentHalfLife: 60,
  typeHalfLife: 300,
  groupHalfLife: 300,
  successPriorByMargin: [0.88, 0.92, 0.94, 0.95, 0.96],
  successPriorNoRequirement: 0.88,
  successPriorStrength: 4,
  successPoolStrength: 50,
  successPriorMinStrength: 1,
  successPriorMaxStrength: 50,
  agentSuccessStrength: 8,
  agentSuccessPoolStrength: 20,
  agentSuccessMinStrength: 2,
  agentSuccessMaxStrength: 1000,
  defaultDurationMs: 600_000,
  defaultLogSigma: 0.5,
  typePriorStrength: 1,
  sigmaPriorStrength: 3,
  spreadWithinPairs: true,
  pairPriorStrength: 2,
  durationPoolStrength: 200,
  pairPriorMinStrength: 0.1,
  pairPriorMaxStrength: 20,
  agentEffectStrength: 2,
  marginSpeedup: 0.05,
  durationSpreadClip: 3,
  drift: {
    durationDelta: 0.5,
    durationThreshold: 10,
    jumpDelta: 1.5,
    jumpThreshold: 4,
    jumpMinPairObservations: 3,
    successDelta: 0.1,
    successThreshold: 5,
    minObservations: 8,
    forgetTo: 0.2,
    activeFor: 25,
  },
};

export function modelConfig(over: Partial<Omit<ModelConfig, 'drift'>> & { drift?: Partial<DriftConfig> } = {}): ModelConfig {
  return { ...DEFAULT_MODEL_CONFIG, ...over, drift: { ...DEFAULT_MODEL_CONFIG.drift, ...over.drift } };
}

/** One agent x type. s, f: decayed successes and failures; w, mean, m2: decayed Welford on ln(ms). */
export interface PairState {
  s: number;
  f: number;
  w: number;
  mean: number;
  m2: number;
  /** Observations ever (not decayed). */
  n: number;
  lastAt: number;
  /**
   * The pair's shares of its group's pools (see SpreadPool), as last added. Success: its prior
   * then, decayed outcomes (s + f), its standardised squared distance from that prior. Duration:
   * its prior ln-mean then, w, w x (mean - prior)^2 - its variance. Absent: none yet.
   */
  spPrior?: number;
  spN?: number;
  spD?: number;
  dpPrior?: number;
  dpN?: number;
  dpD?: number;
}

/**
 * How far a group's pairs spread around their priors (empirical Bayes), so each pair is shrunk
 * toward its prior as far as the site shows it should be: a lot when agents of a kind do about as
 * well as their skill, speed and the type say, little when each pair is its own story.
 *   success   n = sum of decayed outcomes, d = sum of n x (rate - prior)^2 / (prior x (1 - prior)) - 1;
 *             d / n estimates 1 / (strength + 1) of the Beta prior that fits the spread
 *   duration  n = sum of w, d = sum of w x (mean ln ms - prior)^2 - variance; d / n estimates the
 *             variance of pair means around their priors, and the prior's strength is the pair's
 *             variance over it
 * Both start from the configured strength, which counts for successPoolStrength /
 * durationPoolStrength observations.
 */
export interface SpreadPool {
  n: number;
  d: number;
}

/** @deprecated the name of SpreadPool before durations were pooled too. */
export type SuccessPool = SpreadPool;

export interface PageHinkleyState {
  up: number;
  upMin: number;
  down: number;
  downMin: number;
  /**
   * Per side, the observations since its lowest point (the change point's estimate) and the sum
   * of their raw residuals: on an alarm, their mean is the size of the change.
   */
  upN: number;
  upSum: number;
  downN: number;
  downSum: number;
}

export interface DriftEvent {
  metric: 'duration' | 'success';
  /** duration: slower | faster; success: worse | better. */
  direction: 'slower' | 'faster' | 'worse' | 'better';
  at: number;
  /** The agent's observation count when it fired. */
  observation: number;
}

export interface AgentState {
  /** Decayed sum and weight of success residuals (outcome - margin prior). */
  sres: number;
  sw: number;
  /** Decayed Welford on duration residuals (ln ms - type mean - margin term). */
  dw: number;
  dmean: number;
  dm2: number;
  /**
   * Decayed spread of its durations within each pair (the sum of the pairs' Welford increments,
   * and their expected weight): how much one agent's durations vary on one type, without the
   * differences between its types. Absent in older snapshots.
   */
  pm2?: number;
  pw?: number;
  n: number;
  /** The agent's group (kind) as last seen; null if never told. */
  group: string | null;
  phDuration: PageHinkleyState;
  /** The quick test for large jumps in duration (DriftConfig.jumpDelta); absent in older snapshots. */
  phJump?: PageHinkleyState;
  phSuccess: PageHinkleyState;
  /** Most recent first, at most 10. */
  drifts: DriftEvent[];
}

export interface TypeState {
  w: number;
  mean: number;
  m2: number;
  n: number;
}

/** A group of agents (a kind): decayed mean residuals of its agents, duration and success. */
export interface GroupState {
  dw: number;
  dmean: number;
  sw: number;
  sres: number;
  /** The same spread within pairs as AgentState's, over the group's agents. */
  pm2?: number;
  pw?: number;
}

/** A group on one task type: decayed mean duration residual (robots are quick at picking...). */
export interface GroupTypeState {
  w: number;
  mean: number;
}

export interface ModelsSnapshot {
  version: 1;
  pairs: [agentId: string, type: string, state: PairState][];
  agents: [agentId: string, state: AgentState][];
  types: [type: string, state: TypeState][];
  groups?: [group: string, state: GroupState][];
  groupTypes?: [key: string, state: GroupTypeState][];
  /** Group ('' for agents without one) -> its success pool. */
  successPools?: [group: string, pool: SpreadPool][];
  /** Group ('' for agents without one) -> its duration pool. */
  durationPools?: [group: string, pool: SpreadPool][];
}

export interface SuccessEstimate {
  /** Posterior mean. */
  mean: number;
  alpha: number;
  beta: number;
  /** Decayed observations behind it (the prior not counted). */
  ess: number;
  prior: number;
}

export interface DurationEstimate {
  /** Posterior mean and spread of ln(ms). */
  mu: number;
  sigma: number;
  /** Variance of mu itself (how sure the mean is). */
  muVar: number;
  medianMs: number;
  meanMs: number;
  ess: number;
}

/** Offsets of a SuccessEstimate's and a DurationEstimate's figures in Predictor.predictInto's output. */
export const PREDICTION = {
  mean: 0,
  alpha: 1,
  beta: 2,
  successEss: 3,
  prior: 4,
  mu: 5,
  sigma: 6,
  muVar: 7,
  medianMs: 8,
  meanMs: 9,
  durationEss: 10,
} as const;
export const PREDICTION_FIELDS = 11;

/** A predictor's two estimates as predictInto writes them (for one without predictInto). */
export function writeEstimates(out: Float64Array, at: number, s: SuccessEstimate, d: DurationEstimate): void {
  out[at + PREDICTION.mean] = s.mean;
  out[at + PREDICTION.alpha] = s.alpha;
  out[at + PREDICTION.beta] = s.beta;
  out[at + PREDICTION.successEss] = s.ess;
  out[at + PREDICTION.prior] = s.prior;
  out[at + PREDICTION.mu] = d.mu;
  out[at + PREDICTION.sigma] = d.sigma;
  out[at + PREDICTION.muVar] = d.muVar;
  out[at + PREDICTION.medianMs] = d.medianMs;
  out[at + PREDICTION.meanMs] = d.meanMs;
  out[at + PREDICTION.durationEss] = d.ess;
}

/** The estimates back from predictInto's figures (for Thompson draws). */
export function estimatesAt(data: Float64Array, at: number): { success: SuccessEstimate; duration: DurationEstimate } {
  return {
    success: { mean: data[at + PREDICTION.mean]!, alpha: data[at + PREDICTION.alpha]!, beta: data[at + PREDICTION.beta]!, ess: data[at + PREDICTION.successEss]!, prior: data[at + PREDICTION.prior]! },
    duration: {
      mu: data[at + PREDICTION.mu]!,
      sigma: data[at + PREDICTION.sigma]!,
      muVar: data[at + PREDICTION.muVar]!,
      medianMs: data[at + PREDICTION.medianMs]!,
      meanMs: data[at + PREDICTION.meanMs]!,
      ess: data[at + PREDICTION.durationEss]!,
    },
  };
}

export interface TypeProfile {
  type: string;
  observations: number;
  success: { mean: number; low: number; high: number; ess: number };
  duration: { medianMs: number; meanMs: number; p10Ms: number; p90Ms: number; ess: number };
  confidence: 'low' | 'medium' | 'high';
  lastAt: number;
}

export interface AgentModelProfile {
  agentId: string;
  observations: number;
  /** exp(agent speed effect): < 1 faster than typical for its kind on the same types and margins. */
  durationFactor: number;
  /** Added to the margin prior of success, from the agent's record on all types. */
  reliabilityShift: number;
  types: TypeProfile[];
  drift: { active: boolean; events: DriftEvent[] };
}

/**
 * What scoring needs from a model of the agents. LearnedModels is the real one; a stand-in (a
 * known truth in a benchmark, an adjusted copy for a what-if) can be given to the engine instead.
 */
export interface Predictor {
  predictSuccess(agentId: string, type: string, margin: number | null, group?: string | null): SuccessEstimate;
  predictDuration(agentId: string, type: string, margin: number | null, group?: string | null): DurationEstimate;
  /** Both at once into out[at + PREDICTION.x] (optional: joint rounds use it when there, else the two above). */
  predictInto?(agentId: string, type: string, margin: number | null, group: string | null | undefined, out: Float64Array, at: number): void;
  sampleSuccess(est: SuccessEstimate, random: Random): number;
  sampleMeanDuration(est: DurationEstimate, random: Random): number;
}

/**
 * The pieces of a prediction shared by many agents (per type, per group, per group x type), kept
 * until the models next change. A joint round asks for tens of thousands of predictions between
 * two observations; each piece is computed once by the same code, so a prediction is the same
 * number with or without them.
 */
interface SharedPieces {
  types: Map<string, { mu: number; var: number }>;
  /** group ('' for none) -> its reliability pieces. */
  groupSuccess: Map<string, GroupSuccessPieces>;
  successStrength: Map<string, number>;
  /** group -> the spread of its pair means around their priors (durationStrength). */
  durationSpread: Map<string, number>;
  /** group -> type -> the group's speed and spread on the type. */
  groupType: Map<string, Map<string, GroupTypePieces>>;
}

interface GroupSuccessPieces {
  /** The group's reliability shift (before an agent's own record). */
  shift: number;
  /** The shrinkage of its agents' reliability shifts (agentStrength); undefined until asked. */
  agentK: number | undefined;
}

interface GroupTypePieces {
  /** The group's speed on the type (ln scale). */
  effect: number;
  /** The prior spread of a new pair's ln durations before the agent's own (spreadWithinPairs). */
  var: number;
}

const newPh = (): PageHinkleyState => ({ up: 0, upMin: 0, down: 0, downMin: 0, upN: 0, upSum: 0, downN: 0, downSum: 0 });

/** A stored test (older snapshots lack the change-point sums: they start from none). */
const phOf = (ph: Partial<PageHinkleyState>): PageHinkleyState => ({ ...newPh(), ...ph });

/**
 * Feeds x (standardised) into both sides, and `raw` (the same residual in its own units) into the
 * sums since each side's change point; returns +1 (rose), -1 (fell) or 0.
 */
function pageHinkley(ph: PageHinkleyState, x: number, raw: number, delta: number, threshold: number): number {
  ph.up += x - delta;
  if (ph.up < ph.upMin) {
    ph.upMin = ph.up;
    ph.upN = 0;
    ph.upSum = 0;
  } else {
    ph.upN++;
    ph.upSum += raw;
  }
  ph.down += -x - delta;
  if (ph.down < ph.downMin) {
    ph.downMin = ph.down;
    ph.downN = 0;
    ph.downSum = 0;
  } else {
    ph.downN++;
    ph.downSum += raw;
  }
  if (ph.up - ph.upMin > threshold) return 1;
  if (ph.down - ph.downMin > threshold) return -1;
  return 0;
}

/** Mean raw residual since the change point of the side that alarmed (0 when there is none). */
function changeSize(ph: PageHinkleyState, sign: number): number {
  const n = sign > 0 ? ph.upN : ph.downN;
  return n > 0 ? (sign > 0 ? ph.upSum : ph.downSum) / n : 0;
}

export class LearnedModels implements Predictor {
  readonly config: ModelConfig;
  private readonly pairs = new Map<string, Map<string, PairState>>();
  private readonly agents = new Map<string, AgentState>();
  private readonly types = new Map<string, TypeState>();
  private readonly groups = new Map<string, GroupState>();
  /** "group\u0000type" */
  private readonly groupTypes = new Map<string, GroupTypeState>();
  private readonly successPools = new Map<string, SpreadPool>();
  private readonly durationPools = new Map<string, SpreadPool>();
  private readonly lambdaPair: number;
  private readonly lambdaGroup: number;
  private readonly lambdaAgent: number;
  private readonly lambdaType: number;
  private readonly logDefault: number;
  /** Shared pieces since the last change (null: none yet); never used while observe() runs. */
  private shared: SharedPieces | null = null;
  private learning = false;

  constructor(config: ModelConfig = DEFAULT_MODEL_CONFIG) {
    this.config = config;
    this.lambdaPair = Math.pow(2, -1 / config.halfLife);
    this.lambdaAgent = Math.pow(2, -1 / config.agentHalfLife);
    this.lambdaType = Math.pow(2, -1 / config.typeHalfLife);
    this.lambdaGroup = Math.pow(2, -1 / config.groupHalfLife);
    this.logDefault = Math.log(config.defaultDurationMs);
  }

  /** Prior success for a skill margin, before the agent's own record. */
  marginPrior(margin: number | null): number {
    if (margin === null) return this.config.successPriorNoRequirement;
    const table = this.config.successPriorByMargin;
    const x = Math.max(0, Math.min(table.length - 1, margin));
    const i = Math.floor(x);
    const lo = table[i]!;
    const hi = table[Math.min(table.length - 1, i + 1)]!;
    return lo + (hi - lo) * (x - i);
  }

  private pair(agentId: string, type: string): PairState | undefined {
    return this.pairs.get(agentId)?.get(type);
  }

  /** The shared pieces while the models stand still; null while they learn. */
  private pieces(): SharedPieces | null {
    if (this.learning) return null;
    return (this.shared ??= {
      types: new Map(),
      groupSuccess: new Map(),
      successStrength: new Map(),
      durationSpread: new Map(),
      groupType: new Map(),
    });
  }

  /** The group's reliability pieces (shift 0 for none or an unknown group). */
  private groupSuccess(name: string | null): GroupSuccessPieces {
    const memo = this.pieces();
    const known = memo?.groupSuccess.get(name ?? '');
    if (known) return known;
    const g = name === null ? undefined : this.groups.get(name);
    const pieces: GroupSuccessPieces = { shift: g ? g.sres / (g.sw + this.config.agentSuccessStrength) : 0, agentK: undefined };
    memo?.groupSuccess.set(name ?? '', pieces);
    return pieces;
  }

  /** The group's reliability shift (0 for none or an unknown group). */
  private groupShift(name: string | null | undefined): number {
    return name == null ? 0 : this.groupSuccess(name).shift;
  }

  /**
   * Pseudo-observations behind the group's shift in an agent's reliability shift (empirical
   * Bayes): the outcome variance v over the variance tau^2 of agents' true shifts around the
   * group's, where sum over agents of sw x (shift - group shift)^2 - v estimates sum of sw x tau^2.
   * An agent's record on its few types is mostly its pairs' own luck and quirks, which its pairs
   * already count: where agents of a kind are about equally reliable this grows large, so a few
   * failures on one type do not mark the agent down on every other type. Starts from
   * agentSuccessStrength, which counts for agentSuccessPoolStrength observations.
   */
  agentStrength(group: string | null | undefined): number {
    const c = this.config;
    if (!(c.agentSuccessPoolStrength < Infinity)) return c.agentSuccessStrength;
    const name = group ?? null;
    const pieces = this.groupSuccess(name);
    if (pieces.agentK !== undefined) return pieces.agentK;
    const groupShift = pieces.shift;
    const p = this.clampPrior(this.marginPrior(1) + groupShift);
    const v = p * (1 - p);
    let spread = 0;
    let weight = 0;
    for (const a of this.agents.values()) {
      if (a.group !== name || !(a.sw > 0)) continue;
      const gap = a.sres / a.sw - groupShift;
      spread += a.sw * gap * gap - v;
      weight += a.sw;
    }
    const k0 = c.agentSuccessPoolStrength;
    const tau2 = (spread + (k0 * v) / c.agentSuccessStrength) / (weight + k0);
    const strength = tau2 > 0 ? v / tau2 : c.agentSuccessMaxStrength;
    const k = Math.min(c.agentSuccessMaxStrength, Math.max(c.agentSuccessMinStrength, strength));
    // Kept with the group's shift while the models stand still (a fresh object while they learn).
    pieces.agentK = k;
    return k;
  }

  /** The agent's reliability shift: its own record shrunk toward its group's. */
  private successShift(agent: AgentState | undefined, group: string | null | undefined): number {
    if (!agent) return this.groupShift(group);
    const pieces = this.groupSuccess(agent.group);
    const k = pieces.agentK ?? this.agentStrength(agent.group);
    return (agent.sres + k * pieces.shift) / (agent.sw + k);
  }

  private clampPrior(p: number): number {
    return Math.min(0.995, Math.max(0.01, p));
  }

  /** The agent's own speed (ln scale, < 0 faster) relative to its group on the same types, shrunk to 0. */
  private speedEffect(agent: AgentState | undefined): number {
    return agent && agent.dw > 0 ? (agent.dw * agent.dmean) / (agent.dw + this.config.agentEffectStrength) : 0;
  }

  /** The group's speed on this type (ln scale), shrunk toward the group's speed on all types. */
  private groupTypeEffect(agent: AgentState | undefined, group: string | null | undefined, type: string): number {
    const name = agent?.group ?? group;
    return name == null ? 0 : this.groupTypePieces(name, type).effect;
  }

  /**
   * The group's speed on this type, and the spread of a new pair's ln durations before the
   * agent's own record: the type's spread shrunk toward the spread within the group's pairs.
   */
  private groupTypePieces(name: string, type: string): GroupTypePieces {
    const memo = this.pieces();
    let byType = memo?.groupType.get(name);
    const known = byType?.get(type);
    if (known !== undefined) return known;
    const c = this.config;
    const k = c.agentEffectStrength;
    const g = this.groups.get(name);
    const overall = g && g.dw > 0 ? (g.dw * g.dmean) / (g.dw + k) : 0;
    const gt = this.groupTypes.get(`${name}\u0000${type}`);
    const effect = gt ? (gt.w * gt.mean + k * overall) / (gt.w + k) : overall;
    let v = this.typeStats(type).var;
    if (c.spreadWithinPairs && g?.pw) v = (g.pm2! + c.sigmaPriorStrength * v) / (g.pw + c.sigmaPriorStrength);
    const pieces = { effect, var: v };
    if (memo) {
      if (!byType) memo.groupType.set(name, (byType = new Map()));
      byType.set(type, pieces);
    }
    return pieces;
  }

  /** Strength (pseudo-observations) of the success prior for a group's pairs, from its pool. */
  successStrength(group: string): number {
    const c = this.config;
    if (!(c.successPoolStrength < Infinity)) return c.successPriorStrength;
    const memo = this.pieces();
    const known = memo?.successStrength.get(group);
    if (known !== undefined) return known;
    const pool = this.successPools.get(group);
    const k0 = c.successPoolStrength;
    const spread = ((pool?.d ?? 0) + k0 / (c.successPriorStrength + 1)) / ((pool?.n ?? 0) + k0);
    const strength = spread > 0 ? 1 / spread - 1 : c.successPriorMaxStrength;
    const k = Math.min(c.successPriorMaxStrength, Math.max(c.successPriorMinStrength, strength));
    memo?.successStrength.set(group, k);
    return k;
  }

  /** Moves the pair's shares as they stand from `from`'s pools to `to`'s (the agent changed group). */
  private movePools(from: string | null, to: string, pair: PairState): void {
    for (const [pools, n, d] of [
      [this.successPools, pair.spN ?? 0, pair.spD ?? 0],
      [this.durationPools, pair.dpN ?? 0, pair.dpD ?? 0],
    ] as const) {
      const old = pools.get(from ?? '');
      if (old) {
        old.n -= n;
        old.d -= d;
      }
      let pool = pools.get(to);
      if (!pool) pools.set(to, (pool = { n: 0, d: 0 }));
      pool.n += n;
      pool.d += d;
    }
  }

  /** Strength (pseudo-observations) of a pair's duration prior, for a pair with this variance of ln ms. */
  durationStrength(group: string, variance: number): number {
    const c = this.config;
    if (!(c.durationPoolStrength < Infinity)) return c.pairPriorStrength;
    const memo = this.pieces();
    let spread = memo?.durationSpread.get(group);
    if (spread === undefined) {
      const pool = this.durationPools.get(group);
      const k0 = c.durationPoolStrength;
      spread = ((pool?.d ?? 0) + (k0 * c.defaultLogSigma * c.defaultLogSigma) / c.pairPriorStrength) / ((pool?.n ?? 0) + k0);
      memo?.durationSpread.set(group, spread);
    }
    const strength = spread > 0 ? variance / spread : c.pairPriorMaxStrength;
    return Math.min(c.pairPriorMaxStrength, Math.max(c.pairPriorMinStrength, strength));
  }

  /**
   * Takes the pair's share out of `from`'s duration pool and puts its current record (against
   * `prior`, default the one it was last pooled with, and with `variance`) into `to`'s.
   */
  private poolDuration(from: string | null | undefined, to: string | null | undefined, pair: PairState, variance: number, prior = pair.dpPrior): void {
    if (from !== undefined) {
      const old = this.durationPools.get(from ?? '');
      if (old) {
        old.n -= pair.dpN ?? 0;
        old.d -= pair.dpD ?? 0;
      }
    }
    pair.dpN = 0;
    pair.dpD = 0;
    if (to === undefined) return;
    let pool = this.durationPools.get(to ?? '');
    if (!pool) this.durationPools.set(to ?? '', (pool = { n: 0, d: 0 }));
    pair.dpPrior = prior;
    if (prior === undefined || pair.w <= 0) return;
    const gap = pair.mean - prior;
    pair.dpN = pair.w;
    pair.dpD = pair.w * gap * gap - variance;
    pool.n += pair.dpN;
    pool.d += pair.dpD;
  }

  /**
   * Takes the pair's share out of `from`'s success pool and puts its current record (against
   * `prior`, default the one it was last pooled with) into `to`'s. null: out only / in only.
   */
  private pool(from: string | null | undefined, to: string | null | undefined, pair: PairState, prior = pair.spPrior): void {
    if (from !== undefined) {
      const old = this.successPools.get(from ?? '');
      if (old) {
        old.n -= pair.spN ?? 0;
        old.d -= pair.spD ?? 0;
      }
    }
    pair.spN = 0;
    pair.spD = 0;
    if (to === undefined) return;
    let pool = this.successPools.get(to ?? '');
    if (!pool) this.successPools.set(to ?? '', (pool = { n: 0, d: 0 }));
    pair.spPrior = prior;
    const n = pair.s + pair.f;
    if (prior === undefined || n <= 0 || prior <= 0 || prior >= 1) {
      pair.spN = 0;
      pair.spD = 0;
      return;
    }
    const gap = pair.s / n - prior;
    pair.spN = n;
    pair.spD = (n * gap * gap) / (prior * (1 - prior)) - 1;
    pool.n += pair.spN;
    pool.d += pair.spD;
  }

  /** `group`: the agent's kind, for agents the models have not seen yet (known agents remember theirs). */
  predictSuccess(agentId: string, type: string, margin: number | null, group?: string | null): SuccessEstimate {
    const out = this.scratch;
    this.successInto(this.agents.get(agentId), this.pair(agentId, type), margin, group, out, 0);
    return { mean: out[PREDICTION.mean]!, alpha: out[PREDICTION.alpha]!, beta: out[PREDICTION.beta]!, ess: out[PREDICTION.successEss]!, prior: out[PREDICTION.prior]! };
  }

  /**
   * predictSuccess and predictDuration at once, their figures into out[at + PREDICTION.x] (no objects, one
   * lookup of the agent and the pair): for a joint round, which asks for ~16,000 of each.
   */
  predictInto(agentId: string, type: string, margin: number | null, group: string | null | undefined, out: Float64Array, at: number): void {
    const agent = this.agents.get(agentId);
    const pair = this.pair(agentId, type);
    this.successInto(agent, pair, margin, group, out, at);
    this.durationInto(agent, pair, type, margin, group, out, at);
  }

  private readonly scratch = new Float64Array(PREDICTION_FIELDS);

  private successInto(
    agent: AgentState | undefined,
    p: PairState | undefined,
    margin: number | null,
    group: string | null | undefined,
    out: Float64Array,
    at: number,
  ): void {
    const shift = this.successShift(agent, group);
    const prior = this.clampPrior(this.marginPrior(margin) + shift);
    const s = p ? p.s : 0;
    const f = p ? p.f : 0;
    const k = this.successStrength(agent?.group ?? group ?? '');
    const alpha = k * prior + s;
    const beta = k * (1 - prior) + f;
    out[at + PREDICTION.mean] = alpha / (alpha + beta);
    out[at + PREDICTION.alpha] = alpha;
    out[at + PREDICTION.beta] = beta;
    out[at + PREDICTION.successEss] = s + f;
    out[at + PREDICTION.prior] = prior;
  }

  /** ln-mean (for a typical agent at margin 0) and variance of the type's durations. */
  private typeStats(type: string): { mu: number; var: number } {
    const memo = this.pieces();
    const known = memo?.types.get(type);
    if (known) return known;
    const c = this.config;
    const t = this.types.get(type);
    const s0 = c.defaultLogSigma * c.defaultLogSigma;
    const stats = t
      ? {
          mu: (t.w * t.mean + c.typePriorStrength * this.logDefault) / (t.w + c.typePriorStrength),
          var: (t.m2 + c.sigmaPriorStrength * s0) / (t.w + c.sigmaPriorStrength),
        }
      : { mu: this.logDefault, var: s0 };
    memo?.types.set(type, stats);
    return stats;
  }

  /** A pair's prior before its own record: ln-mean from the type, group on type, agent and margin; variance. */
  private durationPrior(agent: AgentState | undefined, type: string, margin: number | null, group: string | null | undefined): { mu0: number; priorVar: number } {
    const c = this.config;
    const ts = this.typeStats(type);
    const marginTerm = -c.marginSpeedup * (margin ?? 0);
    const name = agent?.group ?? group;
    const gp = name == null ? null : this.groupTypePieces(name, type);
    const effect = this.speedEffect(agent) + (gp ? gp.effect : 0);
    let priorVar = ts.var;
    if (c.spreadWithinPairs) {
      if (gp) priorVar = gp.var;
      if (agent?.pw) priorVar = (agent.pm2! + c.sigmaPriorStrength * priorVar) / (agent.pw + c.sigmaPriorStrength);
    } else if (agent && agent.dw > 0) {
      priorVar = (agent.dm2 + c.sigmaPriorStrength * ts.var) / (agent.dw + c.sigmaPriorStrength);
    }
    return { mu0: ts.mu + marginTerm + effect, priorVar };
  }

  predictDuration(agentId: string, type: string, margin: number | null, group?: string | null): DurationEstimate {
    const out = this.scratch;
    this.durationInto(this.agents.get(agentId), this.pair(agentId, type), type, margin, group, out, 0);
    return { mu: out[PREDICTION.mu]!, sigma: out[PREDICTION.sigma]!, muVar: out[PREDICTION.muVar]!, medianMs: out[PREDICTION.medianMs]!, meanMs: out[PREDICTION.meanMs]!, ess: out[PREDICTION.durationEss]! };
  }

  private durationInto(
    agent: AgentState | undefined,
    p: PairState | undefined,
    type: string,
    margin: number | null,
    group: string | null | undefined,
    out: Float64Array,
    at: number,
  ): void {
    const c = this.config;
    const { mu0, priorVar } = this.durationPrior(agent, type, margin, group);
    const w = p ? p.w : 0;
    const variance = p && w > 0 ? (p.m2 + c.sigmaPriorStrength * priorVar) / (w + c.sigmaPriorStrength) : priorVar;
    const k = this.durationStrength(agent?.group ?? group ?? '', variance);
    const mu = p && w > 0 ? (w * p.mean + k * mu0) / (w + k) : mu0;
    const muVar = variance / (w + k);
    out[at + PREDICTION.mu] = mu;
    out[at + PREDICTION.sigma] = Math.sqrt(variance);
    out[at + PREDICTION.muVar] = muVar;
    out[at + PREDICTION.medianMs] = Math.exp(mu);
    // The expected duration over what is known of the pair's mean too (the posterior predictive
    // mean): with the spread within pairs, a pair with little record is not taken for as quick
    // as one known to be. (The spread across types already held that uncertainty.)
    out[at + PREDICTION.meanMs] = Math.exp(mu + (c.spreadWithinPairs ? variance + muVar : variance) / 2);
    out[at + PREDICTION.durationEss] = w;
  }

  /** Thompson draw of the success probability. */
  sampleSuccess(est: SuccessEstimate, random: Random): number {
    return sampleBeta(est.alpha, est.beta, random);
  }

  /** Thompson draw of the mean duration (ms): mu drawn from its posterior. */
  sampleMeanDuration(est: DurationEstimate, random: Random): number {
    const mu = est.mu + Math.sqrt(est.muVar) * normalFrom(random);
    return Math.exp(mu + (est.sigma * est.sigma) / 2);
  }

  /**
   * Learns from one outcome. Durations are learned from successes only (a failure's time says
   * little about how long the work takes); every outcome teaches success.
   * Returns the drift alarms it raised (usually none).
   */
  observe(
    agentId: string,
    type: string,
    success: boolean,
    durationMs: number,
    at: number,
    margin: number | null,
    group?: string | null,
  ): DriftEvent[] {
    // Everything shared may move: predictions made while learning read the state as it stands.
    this.shared = null;
    this.learning = true;
    try {
      return this.learn(agentId, type, success, durationMs, at, margin, group);
    } finally {
      this.learning = false;
      this.shared = null;
    }
  }

  private learn(
    agentId: string,
    type: string,
    success: boolean,
    durationMs: number,
    at: number,
    margin: number | null,
    group: string | null | undefined,
  ): DriftEvent[] {
    const c = this.config;
    const d = c.drift;
    let agent = this.agents.get(agentId);
    if (!agent) {
      agent = {
        sres: 0,
        sw: 0,
        dw: 0,
        dmean: 0,
        dm2: 0,
        pm2: 0,
        pw: 0,
        n: 0,
        group: null,
        phDuration: newPh(),
        phJump: newPh(),
        phSuccess: newPh(),
        drifts: [],
      };
      this.agents.set(agentId, agent);
    }
    if (group != null && group !== agent.group) {
      // A new group: the agent's pairs move to its success pool.
      for (const p of this.pairs.get(agentId)?.values() ?? []) this.movePools(agent.group, group, p);
      agent.group = group;
    }
    let g: GroupState | undefined;
    if (agent.group !== null) {
      g = this.groups.get(agent.group);
      if (!g) {
        g = { dw: 0, dmean: 0, sw: 0, sres: 0, pm2: 0, pw: 0 };
        this.groups.set(agent.group, g);
      }
    }
    let byType = this.pairs.get(agentId);
    if (!byType) {
      byType = new Map();
      this.pairs.set(agentId, byType);
    }
    let pair = byType.get(type);
    if (!pair) {
      pair = { s: 0, f: 0, w: 0, mean: 0, m2: 0, n: 0, lastAt: at };
      byType.set(type, pair);
    }
    const alarms: DriftEvent[] = [];
    /** On an alarm: how far the agent moved since the change point (probability; ln ms). */
    let successShift = 0;
    let durationShift = 0;
    const testing = agent.n >= d.minObservations;
    const x = success ? 1 : 0;

    // Success: residual against the current prediction for drift, against the margin prior for reliability.
    const predicted = this.predictSuccess(agentId, type, margin).mean;
    if (testing) {
      const sign = pageHinkley(agent.phSuccess, x - predicted, x - predicted, d.successDelta, d.successThreshold);
      if (sign !== 0) {
        alarms.push({ metric: 'success', direction: sign > 0 ? 'better' : 'worse', at, observation: agent.n + 1 });
        successShift = changeSize(agent.phSuccess, sign);
      }
    }
    const la = this.lambdaAgent;
    const lg = this.lambdaGroup;
    const reliability = x - this.marginPrior(margin);
    agent.sres = la * agent.sres + reliability;
    agent.sw = la * agent.sw + 1;
    if (g) {
      g.sres = lg * g.sres + reliability;
      g.sw = lg * g.sw + 1;
    }
    const lp = this.lambdaPair;
    pair.s = lp * pair.s + x;
    pair.f = lp * pair.f + (1 - x);
    // The spread is measured against the group's prior, not the agent's: the agent's shift is
    // learned mostly from this very pair when it works one type, and would hide its spread.
    this.pool(agent.group, agent.group, pair, this.clampPrior(this.marginPrior(margin) + this.successShift(undefined, agent.group)));

    if (success && durationMs > 0 && Number.isFinite(durationMs)) {
      const y = Math.log(durationMs);
      const est = this.predictDuration(agentId, type, margin);
      const prior = this.durationPrior(agent, type, margin, null).mu0;
      if (testing) {
        const z = (y - est.mu) / Math.sqrt(est.sigma * est.sigma + est.muVar);
        let ph = agent.phDuration;
        let sign = pageHinkley(ph, z, y - est.mu, d.durationDelta, d.durationThreshold);
        // Only residuals of pairs with a record of their own: the first outcomes of a type new to
        // the agent (or its kind) say as much about the type as about the agent.
        const jump =
          d.jumpThreshold < Infinity && pair.n >= d.jumpMinPairObservations
            ? pageHinkley((agent.phJump ??= newPh()), z, y - est.mu, d.jumpDelta, d.jumpThreshold)
            : 0;
        if (sign === 0 && jump !== 0) {
          sign = jump;
          ph = agent.phJump!;
        }
        if (sign !== 0) {
          alarms.push({ metric: 'duration', direction: sign > 0 ? 'slower' : 'faster', at, observation: agent.n + 1 });
          durationShift = changeSize(ph, sign);
        }
      }
      // Online backfitting of ln d = type + group on type + agent + margin term: each level
      // learns from the duration with the others' current estimates removed, so a type done so
      // far only by slow agents is not taken for a slow type, nor a slow agent for a slow kind.
      const ts = this.typeStats(type);
      const marginTerm = -c.marginSpeedup * (margin ?? 0);
      const effect = this.speedEffect(agent);
      const gtEffect = this.groupTypeEffect(agent, null, type);
      welford(agent, 'dw', 'dmean', 'dm2', y - ts.mu - marginTerm - gtEffect, la);
      if (g) {
        const residual = y - ts.mu - marginTerm - effect;
        g.dw = lg * g.dw + 1;
        g.dmean += (residual - g.dmean) / g.dw;
        const gk = `${agent.group}\u0000${type}`;
        let gt = this.groupTypes.get(gk);
        if (!gt) {
          gt = { w: 0, mean: 0 };
          this.groupTypes.set(gk, gt);
        }
        gt.w = lg * gt.w + 1;
        gt.mean += (residual - gt.mean) / gt.w;
      }
      let t = this.types.get(type);
      if (!t) {
        t = { w: 0, mean: 0, m2: 0, n: 0 };
        this.types.set(type, t);
      }
      welford(t, 'w', 'mean', 'm2', y - effect - gtEffect - marginTerm, this.lambdaType);
      t.n++;
      const m2Before = pair.m2;
      welford(pair, 'w', 'mean', 'm2', y, lp, c.durationSpreadClip * est.sigma);
      // The pair's increment of spread, and its expected weight (an outcome adds sigma^2 x (1 -
      // 1 / w) to a weighted Welford sum; the first outcome of a pair adds nothing).
      const inc = pair.m2 - lp * m2Before;
      const incWeight = 1 - 1 / pair.w;
      agent.pm2 = la * (agent.pm2 ?? 0) + inc;
      agent.pw = la * (agent.pw ?? 0) + incWeight;
      if (g) {
        g.pm2 = lg * (g.pm2 ?? 0) + inc;
        g.pw = lg * (g.pw ?? 0) + incWeight;
      }
      this.poolDuration(agent.group, agent.group, pair, est.sigma * est.sigma, prior);
    }
    pair.n++;
    pair.lastAt = at;
    agent.n++;

    if (alarms.length > 0) {
      this.resetAgent(agentId, d.forgetTo, alarms, successShift, durationShift);
      agent.drifts = [...alarms, ...agent.drifts].slice(0, 10);
    }
    return alarms;
  }

  /**
   * A change point (drift alarm): the agent changed, not one pair, so every type of the agent
   * moves by the change seen since the change point (`durationShift` on ln ms, `successShift` on
   * the success probability), and the old evidence is cut to `factor` so what comes next refines
   * it quickly. Types the agent has not done since the change move too: a robot running at half
   * speed is slow at all its work. The metrics that alarmed choose what moves.
   */
  private resetAgent(agentId: string, factor: number, alarms: readonly DriftEvent[], successShift: number, durationShift: number): void {
    const agent = this.agents.get(agentId)!;
    const durations = alarms.some((a) => a.metric === 'duration');
    const successes = alarms.some((a) => a.metric === 'success');
    if (durations) {
      if (agent.dw > 0) agent.dmean += durationShift;
      agent.dw *= factor;
      agent.dm2 *= factor;
      agent.phDuration = newPh();
      agent.phJump = newPh();
    }
    if (successes) {
      const mean = agent.sw > 0 ? agent.sres / agent.sw : 0;
      agent.sw *= factor;
      agent.sres = (mean + successShift) * agent.sw;
      agent.phSuccess = newPh();
    }
    for (const p of this.pairs.get(agentId)?.values() ?? []) {
      if (durations) {
        const variance = p.w > 0 ? p.m2 / p.w : 0;
        if (p.w > 0) p.mean += durationShift;
        p.w *= factor;
        p.m2 *= factor;
        // Its prior moved with the agent: the same distance from it, with less evidence.
        this.poolDuration(agent.group, agent.group, p, variance, p.dpPrior === undefined ? undefined : p.dpPrior + durationShift);
      }
      if (successes) {
        const n = p.s + p.f;
        const rate = n > 0 ? Math.min(0.99, Math.max(0.01, p.s / n + successShift)) : 0;
        p.s = n * factor * rate;
        p.f = n * factor * (1 - rate);
        this.pool(agent.group, agent.group, p);
      }
    }
  }

  /** Whether an alarm fired within the last drift.activeFor observations of the agent. */
  driftActive(agentId: string): boolean {
    const agent = this.agents.get(agentId);
    const last = agent?.drifts[0];
    return !!agent && !!last && agent.n - last.observation < this.config.drift.activeFor;
  }

  /** What the Agents page shows: per type success and duration with confidence, and drift. */
  profile(agentId: string, margins: (type: string) => number | null = () => null): AgentModelProfile {
    const agent = this.agents.get(agentId);
    const types: TypeProfile[] = [];
    for (const [type, p] of this.pairs.get(agentId) ?? []) {
      const margin = margins(type);
      const s = this.predictSuccess(agentId, type, margin);
      const du = this.predictDuration(agentId, type, margin);
      const spread = Math.sqrt(du.sigma * du.sigma + du.muVar);
      const z = normalQuantile(0.9);
      const ess = Math.min(s.ess, du.ess > 0 ? du.ess : s.ess);
      types.push({
        type,
        observations: p.n,
        success: { mean: s.mean, low: betaQuantile(0.05, s.alpha, s.beta), high: betaQuantile(0.95, s.alpha, s.beta), ess: s.ess },
        duration: {
          medianMs: du.medianMs,
          meanMs: du.meanMs,
          p10Ms: Math.exp(du.mu - z * spread),
          p90Ms: Math.exp(du.mu + z * spread),
          ess: du.ess,
        },
        confidence: ess < 3 ? 'low' : ess < 10 ? 'medium' : 'high',
        lastAt: p.lastAt,
      });
    }
    types.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    return {
      agentId,
      observations: agent?.n ?? 0,
      durationFactor: Math.exp(this.speedEffect(agent)),
      reliabilityShift: this.successShift(agent, null),
      types,
      drift: { active: this.driftActive(agentId), events: agent ? agent.drifts.map((e) => ({ ...e })) : [] },
    };
  }

  /** Types this agent has a record for. */
  typesOf(agentId: string): string[] {
    return [...(this.pairs.get(agentId)?.keys() ?? [])];
  }

  /** Forgets an agent entirely (deleted from the registry). */
  remove(agentId: string): void {
    this.shared = null;
    const group = this.agents.get(agentId)?.group ?? null;
    for (const p of this.pairs.get(agentId)?.values() ?? []) {
      this.pool(group, undefined, p);
      this.poolDuration(group, undefined, p, 0);
    }
    this.pairs.delete(agentId);
    this.agents.delete(agentId);
  }

  toJSON(): ModelsSnapshot {
    const pairs: ModelsSnapshot['pairs'] = [];
    for (const [agentId, byType] of this.pairs) for (const [type, p] of byType) pairs.push([agentId, type, { ...p }]);
    return {
      version: 1,
      pairs,
      agents: [...this.agents].map(([id, a]) => [
        id,
        {
          ...a,
          phDuration: { ...a.phDuration },
          ...(a.phJump ? { phJump: { ...a.phJump } } : {}),
          phSuccess: { ...a.phSuccess },
          drifts: a.drifts.map((e) => ({ ...e })),
        },
      ]),
      types: [...this.types].map(([type, t]) => [type, { ...t }]),
      groups: [...this.groups].map(([group, g]) => [group, { ...g }]),
      groupTypes: [...this.groupTypes].map(([k, g]) => [k, { ...g }]),
      successPools: [...this.successPools].map(([group, pool]) => [group, { ...pool }]),
      durationPools: [...this.durationPools].map(([group, pool]) => [group, { ...pool }]),
    };
  }

  static fromJSON(snapshot: ModelsSnapshot, config: ModelConfig = DEFAULT_MODEL_CONFIG): LearnedModels {
    if (snapshot.version !== 1) throw new Error(`Unknown models snapshot version ${String(snapshot.version)}`);
    const m = new LearnedModels(config);
    for (const [agentId, type, p] of snapshot.pairs) {
      let byType = m.pairs.get(agentId);
      if (!byType) {
        byType = new Map();
        m.pairs.set(agentId, byType);
      }
      byType.set(type, { ...p });
    }
    for (const [id, a] of snapshot.agents) {
      m.agents.set(id, {
        ...a,
        pm2: a.pm2 ?? 0,
        pw: a.pw ?? 0,
        phDuration: phOf(a.phDuration),
        phJump: phOf(a.phJump ?? {}),
        phSuccess: phOf(a.phSuccess),
        drifts: a.drifts.map((e) => ({ ...e })),
      });
    }
    for (const [type, t] of snapshot.types) m.types.set(type, { ...t });
    for (const [group, g] of snapshot.groups ?? []) m.groups.set(group, { ...g, pm2: g.pm2 ?? 0, pw: g.pw ?? 0 });
    for (const [k, g] of snapshot.groupTypes ?? []) m.groupTypes.set(k, { ...g });
    for (const [group, pool] of snapshot.successPools ?? []) m.successPools.set(group, { ...pool });
    for (const [group, pool] of snapshot.durationPools ?? []) m.durationPools.set(group, { ...pool });
    return m;
  }
}

/** Weighted Welford with forgetting: old weight scaled by lambda, the new point weighs 1. */
function welford<K extends string>(o: Record<K, number>, wKey: K, meanKey: K, m2Key: K, x: number, lambda: number, bound = Infinity): void {
  const w = lambda * o[wKey] + 1;
  const delta = x - o[meanKey];
  const mean = o[meanKey] + delta / w;
  // A point further than `bound` from the mean adds to the spread as one `bound` away would: a
  // sudden change does not widen the spread and so hide itself from the drift test.
  o[m2Key] = lambda * o[m2Key] + (o[wKey] > 0 && Math.abs(delta) > bound ? bound * bound * (1 - 1 / w) : delta * (x - mean));
  o[meanKey] = mean;
  o[wKey] = w;
}

interface CacheEntry {
  v: number;
  margin: number | null;
  group: string | null;
  s: SuccessEstimate;
  d: DurationEstimate;
}

/**
 * Memoises a Predictor's answers per agent x type (and margin, group) until invalidate(): one
 * joint round asks for the same pairs many times, and a what-if asks again every round while
 * nothing is learned. The owner calls invalidate() whenever the source learns.
 */
export class CachedPredictor implements Predictor {
  private version = 0;
  /** agent -> type -> margin (-1 for none) -> entry */
  private readonly byAgent = new Map<string, Map<string, Map<number, CacheEntry>>>();

  constructor(private source: Predictor) {}

  invalidate(): void {
    this.version++;
    if (this.byAgent.size > 100_000) this.byAgent.clear();
  }

  setSource(source: Predictor): void {
    this.source = source;
    this.byAgent.clear();
    this.version++;
  }

  private entry(agentId: string, type: string, margin: number | null, group: string | null | undefined): CacheEntry {
    const g = group ?? null;
    let byType = this.byAgent.get(agentId);
    if (!byType) {
      byType = new Map();
      this.byAgent.set(agentId, byType);
    }
    let byMargin = byType.get(type);
    if (!byMargin) byType.set(type, (byMargin = new Map()));
    const mk = margin ?? -1;
    let e = byMargin.get(mk);
    if (!e || e.v !== this.version || e.group !== g) {
      e = {
        v: this.version,
        margin,
        group: g,
        s: this.source.predictSuccess(agentId, type, margin, g),
        d: this.source.predictDuration(agentId, type, margin, g),
      };
      byMargin.set(mk, e);
    }
    return e;
  }

  predictSuccess(agentId: string, type: string, margin: number | null, group?: string | null): SuccessEstimate {
    return this.entry(agentId, type, margin, group).s;
  }

  predictDuration(agentId: string, type: string, margin: number | null, group?: string | null): DurationEstimate {
    return this.entry(agentId, type, margin, group).d;
  }

  sampleSuccess(est: SuccessEstimate, random: Random): number {
    return this.source.sampleSuccess(est, random);
  }

  sampleMeanDuration(est: DurationEstimate, random: Random): number {
    return this.source.sampleMeanDuration(est, random);
  }
}
