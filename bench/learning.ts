// npm run bench:learning — does Delegate learn who is best at what? Not a test: it prints figures.
//
// The site (seeded, one per seed): 36 agents (12 robots, 12 software agents with 2 slots, 12
// people), 10 task types each needing one skill at level 1-2. Hidden truth per agent x type:
//   success  logistic(kind + 0.35 x (level - 3) + hidden pair effect, sd 0.6 on the logit)
//   duration log-normal: type base x kind-on-type affinity (sd 0.4, hidden) x agent speed (sd 0.3,
//            hidden) x level term x hidden pair effect (sd 0.25); spread 0.12 robots, 0.2
//            software, 0.3 people
// Types arrive in proportion to the capacity for them, so no single skill is the bottleneck.
// 3,000 tasks run through the simulator under each policy with the same luck per task attempt:
//   oracle        the engine's own dispatch fed with the hidden truth instead of learned estimates
//   Delegate      the same dispatch (joint rounds) with the learned models, starting from nothing,
//                 learning online from the outcomes it sees, Thompson exploration on
//   informed learner  a reference: the same dispatch fed by a learner told every hidden effect
//                 but each pair's own (and not the slowdown), learning the pair effects exactly
//                 from what it sees: about the most oracle picks 3,000 tasks can teach
//   round-robin, least-loaded (the queue's current rule), skill-match (declared levels): each task
//                 in claim order to a free qualified agent by their rule
// When the 1,500th task starts, the fastest robot's true speed halves (its durations double).
//
// "Task n" counts tasks in the order they start (first attempts; a retry counts where it happens),
// for the slowdown and for every window below. In the backlog day tasks start long after they
// arrive (by the 1,500th arrival only about 500 have started), so counting arrivals would put the
// slowdown inside the "500-1,499" window and measure the recovery on picks made about a thousand
// tasks after the change; in the steady flow the two counts are nearly the same. Each policy's
// run changes at its own 1,500th start, so every policy does the same work before and after it.
//
// Two loads, because they show different things:
//   backlog day   tasks arrive 3x faster than the site can work them: agents are rarely idle, the
//                 choice is mostly which task a freed agent takes next, and the makespan measures
//                 throughput (how well work is matched to agents)
//   steady flow   tasks arrive at 0.9x that rate: several agents are often free together, the
//                 choice is who takes a task; the makespan is set by the arrivals (all alike)
// The makespan ends with the last task: one long task that a slow agent takes at the very end (and
// fails) moves it by 10-25% on its own. "99% done" is the same race without its last 1% of tasks.
//
// "Oracle pick": at each assignment, would the oracle have made the same one from the same state?
// The truth-fed engine is given exactly the waiting tasks and free agents of that dispatch round
// and its joint answer is compared: the assignment counts when the oracle also gives that task to
// that agent. Shares are over contested assignments: backlog day, the round had another free agent
// qualified for the task or another waiting task the agent could take; steady flow, another free
// agent qualified for the task. An uncontested assignment agrees with any oracle and is left out.
import { performance } from 'node:perf_hooks';
import { DelegationEngine } from '../electron/delegation/engine';
import { isAgentOpen, isQualified } from '../electron/delegation/feasibility';
import type { DurationEstimate, Predictor, SuccessEstimate } from '../electron/delegation/models';
import { enginePolicy, leastLoadedPolicy, roundRobinPolicy, skillMatchPolicy, type DispatchPolicy } from '../electron/delegation/policies';
import { hashSeed, SeededRandom } from '../electron/delegation/rng';
import { DEFAULT_WEIGHTS, type Weights } from '../electron/delegation/scoring';
import {
  learnedWorld,
  simulate,
  simulateAsync,
  type AssignEvent,
  type SimInput,
  type SimResult,
  type SimTask,
  type SimWorld,
} from '../electron/delegation/simulator';
import type { AgentKind, DelegationAgent, TaskPriority } from '../electron/delegation/types';

const TASKS = 3000;
const WARMUP = 500;
const CHANGE_AT = 1500;
const WINDOW = 100;
const SEEDS = (process.env.SEEDS ?? '1,2,3,4,5').split(',').map(Number);
const EXPLORATION_RATE = 0.05;
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 6, 0);

/** The bench site's weights (the oracle scores with the same). */
const WEIGHTS: Weights = { ...DEFAULT_WEIGHTS, success: 0.4, speed: 0.4, capability: 0.1, load: 0.1, deadline: 0, zone: 0, cost: 0, fairness: 0 };
const CONFIG = { weights: { default: WEIGHTS } };

interface Regime {
  name: string;
  /** Arrival rate as a multiple of the site's capacity (each agent spread evenly over its types). */
  load: number;
  /** Count task choice (another waiting task the agent could take) as contested, not only agent choice. */
  taskChoice: boolean;
}

const REGIMES: readonly Regime[] = [
  { name: 'backlog day', load: 3, taskChoice: true },
  { name: 'steady flow', load: 0.9, taskChoice: false },
];

interface TypeSpec {
  type: string;
  skill: string;
  kinds: readonly AgentKind[];
  baseMinutes: number;
}

const TYPES: readonly TypeSpec[] = [
  { type: 'weld', skill: 'weld', kinds: ['robot', 'human'], baseMinutes: 20 },
  { type: 'pick', skill: 'pick', kinds: ['robot', 'human'], baseMinutes: 6 },
  { type: 'paint', skill: 'paint', kinds: ['robot', 'human'], baseMinutes: 25 },
  { type: 'inspect', skill: 'vision', kinds: ['robot', 'software', 'human'], baseMinutes: 8 },
  { type: 'pack', skill: 'pack', kinds: ['robot', 'human'], baseMinutes: 10 },
  { type: 'sort', skill: 'sort', kinds: ['robot', 'software', 'human'], baseMinutes: 5 },
  { type: 'report', skill: 'report', kinds: ['software', 'human'], baseMinutes: 15 },
  { type: 'plan', skill: 'plan', kinds: ['software', 'human'], baseMinutes: 30 },
  { type: 'label', skill: 'label', kinds: ['robot', 'software', 'human'], baseMinutes: 4 },
  { type: 'repair', skill: 'repair', kinds: ['human', 'robot'], baseMinutes: 40 },
];

interface Truth {
  p: Map<string, number>;
  mu: Map<string, number>;
  sigma: Map<string, number>;
  /** The same without each pair's own hidden effect (logit of success, ln-mean duration). */
  logit0: Map<string, number>;
  mu0: Map<string, number>;
}

interface Site {
  agents: DelegationAgent[];
  truth: Truth;
  slowAgent: string;
  /** Successful tasks per ms the site manages with each agent spread evenly over its types, and the type mix. */
  capacityRate: number;
  typeRate: Map<string, number>;
}

const key = (agentId: string, type: string) => `${agentId}|${type}`;
/** Spread of each pair's own hidden effect: on the logit of success, on the ln-mean duration. */
const PAIR_LOGIT_SD = 0.6;
const PAIR_MU_SD = 0.25;
const logistic = (x: number) => 1 / (1 + Math.exp(-x));

function buildSite(seed: number): Site {
  const r = new SeededRandom(hashSeed('learning-site', seed));
  const agents: DelegationAgent[] = [];
  const speed = new Map<string, number>();
  const kinds: AgentKind[] = ['robot', 'software', 'human'];
  for (const kind of kinds) {
    for (let i = 0; i < 12; i++) {
      const id = `${kind}-${i + 1}`;
      const pool = TYPES.filter((t) => t.kinds.includes(kind));
      const skills: Record<string, number> = {};
      // Each agent holds 3-5 of the skills its kind can have, at levels 1-5.
      const count = Math.min(pool.length, 3 + r.int(3));
      const order = pool.map((t) => ({ t, k: r.next() })).sort((a, b) => a.k - b.k);
      for (const { t } of order.slice(0, count)) skills[t.skill] = 1 + r.int(5);
      agents.push({ id, name: id, kind, status: 'available', skills, capacity: kind === 'software' ? 2 : 1, load: 0 });
      const mean = kind === 'robot' ? -0.2 : kind === 'software' ? -0.6 : 0.1;
      speed.set(id, mean + 0.3 * r.normal());
    }
  }
  const truth: Truth = { p: new Map(), mu: new Map(), sigma: new Map(), logit0: new Map(), mu0: new Map() };
  const affinity = new Map<string, number>();
  for (const kind of kinds) for (const t of TYPES) affinity.set(`${kind}|${t.type}`, 0.4 * r.normal());
  const kindLogit = { robot: 2.6, software: 2.3, human: 2.1 };
  const kindSigma = { robot: 0.12, software: 0.2, human: 0.3 };
  for (const a of agents) {
    for (const t of TYPES) {
      const level = a.skills[t.skill];
      if (!level) continue;
      const logit0 = kindLogit[a.kind] + 0.35 * (level - 3);
      truth.logit0.set(key(a.id, t.type), logit0);
      truth.p.set(key(a.id, t.type), logistic(logit0 + PAIR_LOGIT_SD * r.normal()));
      const mu0 = Math.log(t.baseMinutes * MIN) + affinity.get(`${a.kind}|${t.type}`)! + speed.get(a.id)! - 0.06 * (level - 3);
      truth.mu0.set(key(a.id, t.type), mu0);
      truth.mu.set(key(a.id, t.type), mu0 + PAIR_MU_SD * r.normal());
      truth.sigma.set(key(a.id, t.type), kindSigma[a.kind]);
    }
  }
  const typeRate = new Map<string, number>(TYPES.map((t) => [t.type, 0]));
  for (const a of agents) {
    const types = TYPES.filter((t) => a.skills[t.skill]);
    for (const t of types) {
      const k = key(a.id, t.type);
      const mean = Math.exp(truth.mu.get(k)! + truth.sigma.get(k)! ** 2 / 2);
      typeRate.set(t.type, typeRate.get(t.type)! + ((a.capacity / types.length) * truth.p.get(k)!) / mean);
    }
  }
  const robots = agents.filter((a) => a.kind === 'robot');
  const slowAgent = robots.reduce((best, a) => (speed.get(a.id)! < speed.get(best.id)! ? a : best), robots[0]!).id;
  return { agents, truth, slowAgent, capacityRate: [...typeRate.values()].reduce((x, y) => x + y, 0), typeRate };
}

/** 3,000 tasks in the site's type mix, Poisson arrivals at load x capacity. Same tasks for every policy. */
function tasksFor(site: Site, seed: number, load: number, count = TASKS): SimTask[] {
  const r = new SeededRandom(hashSeed('learning-tasks', seed, load, count));
  const gap = 1 / (site.capacityRate * load);
  const tasks: SimTask[] = [];
  let at = T0;
  for (let i = 0; i < count; i++) {
    let x = r.next() * site.capacityRate;
    const t = TYPES.find((ty) => (x -= site.typeRate.get(ty.type)!) < 0) ?? TYPES[TYPES.length - 1]!;
    const u = r.next();
    const priority: TaskPriority = u < 0.1 ? 'critical' : u < 0.3 ? 'high' : u < 0.8 ? 'normal' : 'low';
    at += -Math.log(1 - r.next()) * gap;
    tasks.push({ id: `task-${i}`, type: t.type, priority, requires: { [t.skill]: 1 + r.int(2) }, arrivalAt: Math.round(at) });
  }
  return tasks;
}

/** The hidden truth: the simulated world, and a Predictor so the engine can be fed with it. */
class TruthWorld implements SimWorld, Predictor {
  slowed = false;
  constructor(
    private readonly truth: Truth,
    private readonly slowAgent: string,
  ) {}

  private mu(agentId: string, type: string): number {
    return this.truth.mu.get(key(agentId, type))! + (this.slowed && agentId === this.slowAgent ? Math.log(2) : 0);
  }

  sample(agent: DelegationAgent, task: SimTask, _startAt: number, luck: { u: number; z: number }) {
    return {
      success: luck.u < this.truth.p.get(key(agent.id, task.type))!,
      durationMs: Math.exp(this.mu(agent.id, task.type) + this.truth.sigma.get(key(agent.id, task.type))! * luck.z),
    };
  }

  predictSuccess(agentId: string, type: string): SuccessEstimate {
    const p = this.truth.p.get(key(agentId, type)) ?? 0;
    return { mean: p, alpha: p * 1e9, beta: (1 - p) * 1e9, ess: 1e9, prior: p };
  }

  predictDuration(agentId: string, type: string): DurationEstimate {
    const k = key(agentId, type);
    if (!this.truth.mu.has(k)) return { mu: 30, sigma: 0, muVar: 0, medianMs: Infinity, meanMs: Infinity, ess: 0 };
    const mu = this.mu(agentId, type);
    const sigma = this.truth.sigma.get(k)!;
    return { mu, sigma, muVar: 0, medianMs: Math.exp(mu), meanMs: Math.exp(mu + (sigma * sigma) / 2), ess: 1e9 };
  }

  sampleSuccess(est: SuccessEstimate): number {
    return est.mean;
  }

  sampleMeanDuration(est: DurationEstimate): number {
    return est.meanMs;
  }
}

/**
 * A reference, not a contender: a learner told every hidden effect of the site except each pair's
 * own (type, kind on type, agent speed, skill level, noise; not the slowdown), which learns those
 * pair effects from the outcomes it sees with the exact Bayesian update. Its oracle picks are
 * about as many as any learner can make from this many tasks; it ignores the slowdown, so read
 * its picks before task CHANGE_AT.
 */
function informedPolicy(site: Site, seed: number): DispatchPolicy {
  const record = new Map<string, { n: number; s: number; w: number; sumLn: number }>();
  const recordOf = (k: string) => record.get(k) ?? { n: 0, s: 0, w: 0, sumLn: 0 };
  /** Success prior per pair: Beta matched to the mean and variance of logistic(logit0 + sd Z). */
  const betaPrior = new Map<string, { p0: number; k: number }>();
  const predictor: Predictor = {
    predictSuccess: (agentId, type) => {
      const k = key(agentId, type);
      const logit0 = site.truth.logit0.get(k);
      if (logit0 === undefined) return { mean: 0, alpha: 0, beta: 1, ess: 0, prior: 0 };
      let prior = betaPrior.get(k);
      if (!prior) {
        let m1 = 0;
        let m2 = 0;
        let ws = 0;
        for (let z = -4; z <= 4; z += 0.05) {
          const wt = Math.exp((-z * z) / 2);
          const p = logistic(logit0 + PAIR_LOGIT_SD * z);
          m1 += wt * p;
          m2 += wt * p * p;
          ws += wt;
        }
        m1 /= ws;
        m2 /= ws;
        prior = { p0: m1, k: (m1 * (1 - m1)) / (m2 - m1 * m1) - 1 };
        betaPrior.set(k, prior);
      }
      const r = recordOf(k);
      const mean = (prior.k * prior.p0 + r.s) / (prior.k + r.n);
      return { mean, alpha: mean * (prior.k + r.n), beta: (1 - mean) * (prior.k + r.n), ess: r.n, prior: prior.p0 };
    },
    predictDuration: (agentId, type) => {
      const k = key(agentId, type);
      const mu0 = site.truth.mu0.get(k);
      if (mu0 === undefined) return { mu: 30, sigma: 0, muVar: 0, medianMs: Infinity, meanMs: Infinity, ess: 0 };
      const sigma = site.truth.sigma.get(k)!;
      const r = recordOf(k);
      const precision = 1 / PAIR_MU_SD ** 2 + r.w / (sigma * sigma);
      const mu = (mu0 / PAIR_MU_SD ** 2 + r.sumLn / (sigma * sigma)) / precision;
      return { mu, sigma, muVar: 1 / precision, medianMs: Math.exp(mu), meanMs: Math.exp(mu + (sigma * sigma) / 2), ess: r.w };
    },
    sampleSuccess: (est) => est.mean,
    sampleMeanDuration: (est) => est.meanMs,
  };
  const engine = new DelegationEngine({ random: new SeededRandom(hashSeed('informed', seed)), config: { ...CONFIG, exploration: { rate: 0 } }, predictor });
  const policy = enginePolicy(engine, { name: INFORMED });
  policy.observe = (o) => {
    const k = key(o.agentId, o.taskType);
    const r = recordOf(k);
    r.n++;
    if (o.success) {
      r.s++;
      r.w++;
      r.sumLn += Math.log(o.durationMs);
    }
    record.set(k, r);
  };
  return policy;
}

interface Pick {
  /** Tasks started before this pick (the bench's task clock). */
  task: number;
  contested: boolean;
  oracle: boolean;
}

interface Run {
  name: string;
  result: SimResult;
  /** From the first arrival until 99% of the tasks that succeeded had (the makespan less its last 1%), ms. */
  p99Ms: number;
  picks: Pick[];
  ms: number;
  engine?: DelegationEngine;
  /** Learning runs: the slowed agent's outcomes after the change until its first 'slower' alarm (null: none), and other alarms. */
  drift?: { flaggedAfter: number | null; otherAlarms: number };
}

function truthEngine(world: TruthWorld): DelegationEngine {
  return new DelegationEngine({ random: new SeededRandom(0), config: { ...CONFIG, exploration: { rate: 0 } }, predictor: world });
}

function run(site: Site, input: SimInput, regime: Regime, name: string, make: (world: TruthWorld) => { policy: DispatchPolicy; engine?: DelegationEngine }): Run {
  const world = new TruthWorld(site.truth, site.slowAgent);
  const oracle = truthEngine(world);
  const { policy, engine } = make(world);
  const picks: Pick[] = [];
  let round = -1;
  let oracleChoice = new Map<string, string>();
  /** Tasks started so far (first attempts): the bench's task clock. */
  let begun = 0;
  const done: number[] = [];
  /** The slowed agent's outcomes seen by the learning engine when the change came. */
  let slowSeenAtChange = 0;
  const started = performance.now();
  const result = simulate(input, policy, world, {
    onFinish: (o) => {
      if (o.success) done.push(o.at);
    },
    onAssign: (e: AssignEvent) => {
      const position = e.attempt === 1 ? begun++ : begun;
      const waiting = e.waiting();
      if (e.round !== round) {
        // The oracle's answer from the state at the start of this round.
        round = e.round;
        oracleChoice = new Map(oracle.decideJointSync(waiting, e.roster, e.now).assignments.map((a) => [a.taskId, a.agentId]));
      }
      const free = e.roster.filter((a) => isAgentOpen(a, e.now));
      let contested = free.some((a) => a.id !== e.agentId && isQualified(e.task, a, e.now));
      if (!contested && regime.taskChoice) {
        const agent = e.roster.find((a) => a.id === e.agentId)!;
        contested = waiting.some((t) => t.id !== e.task.id && isQualified(t, agent, e.now));
      }
      picks.push({ task: position, contested, oracle: oracleChoice.get(e.task.id) === e.agentId });
      // After the oracle's answer for this round: the task starting now is the first in the new world.
      if (position >= CHANGE_AT && !world.slowed) {
        world.slowed = true;
        slowSeenAtChange = engine?.models.profile(site.slowAgent).observations ?? 0;
      }
    },
  });
  done.sort((a, b) => a - b);
  const first = input.tasks.reduce((m, t) => Math.min(m, t.arrivalAt), Infinity);
  const p99Ms = done.length ? done[Math.ceil(0.99 * done.length) - 1]! - first : NaN;
  let drift: Run['drift'];
  if (engine) {
    // Diagnostics only: what the drift tests made of the change (and of the noise elsewhere).
    let flaggedAfter: number | null = null;
    let otherAlarms = 0;
    for (const a of site.agents) {
      for (const e of engine.models.profile(a.id).drift.events) {
        const afterChange = a.id === site.slowAgent && e.observation > slowSeenAtChange;
        if (afterChange && e.metric === 'duration' && e.direction === 'slower') {
          flaggedAfter = Math.min(flaggedAfter ?? Infinity, e.observation - slowSeenAtChange);
        } else {
          otherAlarms++;
        }
      }
    }
    drift = { flaggedAfter, otherAlarms };
  }
  return { name, result, p99Ms, picks, ms: performance.now() - started, engine, drift };
}

const share = (xs: readonly { oracle: boolean }[]) => (xs.length ? xs.filter((x) => x.oracle).length / xs.length : NaN);
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
/** Over the seeds that have a figure (a policy that falls behind may have no contested picks in a window). */
const finite = (xs: readonly number[]) => xs.filter((x) => Number.isFinite(x));
const mean = (xs: readonly number[]) => finite(xs).reduce((s, x) => s + x, 0) / finite(xs).length;
const range = (xs: readonly number[], f: (x: number) => string) => {
  const v = finite(xs);
  const gaps = xs.length - v.length;
  return v.length === 0 ? 'n/a' : `${f(Math.min(...v))}..${f(Math.max(...v))}${gaps > 0 ? `, ${gaps} seed(s) none` : ''}`;
};

/** Tasks after the change until the next WINDOW contested picks reach `level`; null: not in this run. */
function recovery(picks: readonly Pick[], level: number): number | null {
  const after = picks.filter((p) => p.contested && p.task >= CHANGE_AT);
  let hits = 0;
  for (let i = 0; i < after.length; i++) {
    if (after[i]!.oracle) hits++;
    if (i >= WINDOW && after[i - WINDOW]!.oracle) hits--;
    if (i >= WINDOW - 1 && hits / WINDOW >= level) return after[i - WINDOW + 1]!.task - CHANGE_AT;
  }
  return null;
}

function lowestWindow(picks: readonly Pick[]): number {
  const after = picks.filter((p) => p.contested && p.task >= CHANGE_AT);
  let low = 1;
  let hits = 0;
  for (let i = 0; i < after.length; i++) {
    if (after[i]!.oracle) hits++;
    if (i >= WINDOW && after[i - WINDOW]!.oracle) hits--;
    if (i >= WINDOW - 1) low = Math.min(low, hits / WINDOW);
  }
  return low;
}

const INFORMED = 'informed learner';
const NAMES = ['oracle', 'Delegate', INFORMED, 'round-robin', 'least-loaded', 'skill-match'] as const;

interface RegimeFigures {
  stable: Map<string, number[]>;
  after500: Map<string, number[]>;
  makespan: Map<string, number[]>;
  p99: Map<string, number[]>;
  contested: Map<string, number[]>;
  hours: number[];
  recovery95: (number | null)[];
  recoveryLevel: (number | null)[];
  preChange: number[];
  lowest: number[];
  /** Delegate's drift diagnostics per seed. */
  drift: NonNullable<Run['drift']>[];
}

function runRegime(regime: Regime, sites: readonly Site[], keep: { engine?: DelegationEngine; site?: Site }): RegimeFigures {
  const f: RegimeFigures = {
    stable: new Map(NAMES.map((n) => [n, []])),
    after500: new Map(NAMES.map((n) => [n, []])),
    makespan: new Map(NAMES.map((n) => [n, []])),
    p99: new Map(NAMES.map((n) => [n, []])),
    contested: new Map(NAMES.map((n) => [n, []])),
    hours: [],
    recovery95: [],
    recoveryLevel: [],
    preChange: [],
    lowest: [],
    drift: [],
  };
  sites.forEach((site, k) => {
    const seed = SEEDS[k]!;
    const input: SimInput = { tasks: tasksFor(site, seed, regime.load), agents: site.agents, seed };
    const runs = [
      run(site, input, regime, 'oracle', (w) => ({ policy: enginePolicy(truthEngine(w), { name: 'oracle' }) })),
      run(site, input, regime, 'Delegate', () => {
        const engine = new DelegationEngine({
          random: new SeededRandom(hashSeed('delegate', seed)),
          config: { ...CONFIG, exploration: { rate: EXPLORATION_RATE } },
        });
        return { policy: enginePolicy(engine, { learn: true }), engine };
      }),
      run(site, input, regime, INFORMED, () => ({ policy: informedPolicy(site, seed) })),
      run(site, input, regime, 'round-robin', () => ({ policy: roundRobinPolicy() })),
      run(site, input, regime, 'least-loaded', () => ({ policy: leastLoadedPolicy() })),
      run(site, input, regime, 'skill-match', () => ({ policy: skillMatchPolicy() })),
    ];
    const oracle = runs[0]!;
    f.hours.push(oracle.result.makespanMs / 3_600_000);
    for (const r of runs) {
      const contested = r.picks.filter((p) => p.contested);
      f.stable.get(r.name)!.push(share(contested.filter((p) => p.task >= WARMUP && p.task < CHANGE_AT)));
      f.after500.get(r.name)!.push(share(contested.filter((p) => p.task >= WARMUP)));
      f.contested.get(r.name)!.push(contested.length / r.picks.length);
      f.makespan.get(r.name)!.push(r.result.makespanMs / oracle.result.makespanMs);
      f.p99.get(r.name)!.push(r.p99Ms / oracle.p99Ms);
    }
    const d = runs[1]!;
    const pre = share(d.picks.filter((p) => p.contested && p.task >= CHANGE_AT - 300 && p.task < CHANGE_AT));
    f.preChange.push(pre);
    f.recovery95.push(recovery(d.picks, 0.95));
    f.recoveryLevel.push(recovery(d.picks, pre - 0.02));
    f.lowest.push(lowestWindow(d.picks));
    if (d.drift) f.drift.push(d.drift);
    if (k === 0 && regime.taskChoice) {
      keep.engine = d.engine;
      keep.site = site;
    }
  });
  return f;
}

function printRegime(regime: Regime, f: RegimeFigures): void {
  console.log(
    `\n${regime.name}: arrivals at ${regime.load}x the site's capacity; oracle makespan ${range(f.hours, (x) => `${x.toFixed(1)} h`)}; ` +
      `contested = ${regime.taskChoice ? 'another free agent for the task or another task for the agent' : 'another free agent for the task'}`,
  );
  const header = ['policy', `oracle picks ${WARMUP}-${CHANGE_AT - 1}`, `oracle picks ${WARMUP}-${TASKS - 1}`, 'makespan / oracle', '99% done / oracle', 'contested'];
  const rows = NAMES.map((n) => [
    n,
    `${pct(mean(f.stable.get(n)!))} [${range(f.stable.get(n)!, pct)}]`,
    `${pct(mean(f.after500.get(n)!))} [${range(f.after500.get(n)!, pct)}]`,
    `${mean(f.makespan.get(n)!).toFixed(3)}x [${range(f.makespan.get(n)!, (x) => x.toFixed(3))}]`,
    `${mean(f.p99.get(n)!).toFixed(3)}x [${range(f.p99.get(n)!, (x) => x.toFixed(3))}]`,
    pct(mean(f.contested.get(n)!)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  const fmt = (xs: readonly (number | null)[]) => xs.map((x) => (x === null ? 'never' : String(x))).join(', ');
  console.log(
    `  after the slowdown at task ${CHANGE_AT}: Delegate's share over the 300 tasks before it ${pct(mean(f.preChange))}, ` +
      `lowest ${WINDOW}-pick window after it ${pct(Math.min(...f.lowest))}`,
  );
  console.log(`    tasks until the next ${WINDOW} contested picks are >= 95% oracle picks: ${fmt(f.recovery95)}`);
  console.log(`    tasks until they are back to the pre-change share (-2 points): ${fmt(f.recoveryLevel)}`);
  console.log(
    `    drift tests: the slowed agent flagged on its outcome no. ${fmt(f.drift.map((x) => x.flaggedAfter))} after the change ` +
      `(the first may be a task begun before it); other alarms (last 10 per agent): ${f.drift.map((x) => x.otherAlarms).join(', ')}`,
  );
}

async function main(): Promise<void> {
  const t0 = performance.now();
  console.log(`bench:learning — ${TASKS} tasks per run, ${SEEDS.length} seeded sites (36 agents: 12 robots, 12 software, 12 people; ${TYPES.length} task types)`);
  console.log(
    `Delegate: joint dispatch, exploration rate ${EXPLORATION_RATE} (Thompson), default model and engine settings; ` +
      `weights success ${WEIGHTS.success}, speed ${WEIGHTS.speed}, capability ${WEIGHTS.capability}, load ${WEIGHTS.load}`,
  );
  console.log('oracle pick: the truth-fed engine, given the same waiting tasks and free agents, makes the same assignment');
  console.log(
    `${INFORMED} (a reference, not a contender): the engine fed by a learner told every hidden effect but each pair's own (and not the slowdown), ` +
      'learning the pair effects exactly: about the most oracle picks this many tasks can teach (read it before the slowdown)',
  );
  const sites = SEEDS.map(buildSite);
  const keep: { engine?: DelegationEngine; site?: Site } = {};
  const figures = REGIMES.map((regime) => {
    const f = runRegime(regime, sites, keep);
    printRegime(regime, f);
    return f;
  });

  const backlog = figures[0]!;
  const steady = figures[1]!;
  const dm = mean(backlog.makespan.get('Delegate')!);
  const ll = mean(backlog.makespan.get('least-loaded')!);
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const bShare = mean(backlog.after500.get('Delegate')!);
  const sShare = mean(steady.after500.get('Delegate')!);
  const shorter = 1 - dm / ll;
  const oracleShorter = 1 - 1 / ll;
  console.log('\ntargets (Delegate, mean over seeds):');
  console.log(`  >= 95% oracle picks after ${WARMUP} tasks:  backlog day ${pct(bShare)}, steady flow ${pct(sShare)} — ${met(bShare >= 0.95 && sShare >= 0.95)}`);
  console.log(
    `    before the slowdown (${WARMUP}-${CHANGE_AT - 1}): Delegate ${pct(mean(backlog.stable.get('Delegate')!))} / ${pct(mean(steady.stable.get('Delegate')!))}, ` +
      `the ${INFORMED} ${pct(mean(backlog.stable.get(INFORMED)!))} / ${pct(mean(steady.stable.get(INFORMED)!))}`,
  );
  console.log(`  makespan <= 1.05x oracle (backlog day):     ${dm.toFixed(3)}x — ${met(dm <= 1.05)}`);
  console.log(
    `  >= 20% shorter makespan than least-loaded:   ${(100 * shorter).toFixed(1)}% shorter (${dm.toFixed(3)}x vs ${ll.toFixed(3)}x) — ${met(shorter >= 0.2)}` +
      ` (the oracle itself: ${(100 * oracleShorter).toFixed(1)}% shorter)`,
  );
  const within = (xs: readonly (number | null)[]) => xs.filter((x) => x !== null && x <= 150).length;
  const back95 = within(backlog.recovery95) + within(steady.recovery95);
  console.log(
    `  back to >= 95% within 150 tasks of the slowdown: backlog day ${within(backlog.recovery95)}/${SEEDS.length} seeds, ` +
      `steady flow ${within(steady.recovery95)}/${SEEDS.length} — ${met(back95 === 2 * SEEDS.length)}; back to the pre-change share within 150: ` +
      `${within(backlog.recoveryLevel)}/${SEEDS.length} and ${within(steady.recoveryLevel)}/${SEEDS.length}`,
  );

  // The digital double at size: 10,000 tasks from the models Delegate learned on seed 1's backlog day.
  if (keep.engine && keep.site) {
    const input: SimInput = { tasks: tasksFor(keep.site, SEEDS[0]!, 3, 10_000), agents: keep.site.agents, seed: 'what-if' };
    const world = learnedWorld(keep.engine.models);
    for (const mode of ['joint', 'push'] as const) {
      const policy = enginePolicy(keep.engine.clone(new SeededRandom(7)), { mode });
      const started = performance.now();
      const { result, stats } = await simulateAsync(input, policy, world, {}, { sliceMs: 8 });
      console.log(
        `\ndigital double, ${mode} dispatch: 10,000 tasks x 36 agents from the learned models in ${((performance.now() - started) / 1000).toFixed(2)} s ` +
          `(${stats.slices} slices, longest ${stats.longestSliceMs.toFixed(1)} ms); predicted makespan ${(result.makespanMs / 3_600_000).toFixed(1)} h, ` +
          `p95 wait ${(result.waits.p95Ms / 60_000).toFixed(0)} min; ${result.bottleneck.summary}`,
      );
    }
  }
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
