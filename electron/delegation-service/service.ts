// The delegation engine at work in the host: it stands behind the queue's Assigner (push offers
// from tick(), pulls from claim()), records every decision with its explanation, learns from every
// ended attempt (QueueHooks), honours pins and exclusions, and keeps its learned state, the task
// classifier and its settings in SQLite (written after outcomes with a delay, and at dispose;
// restored at start). It never calls the queue: the supervisor and people actions that move tasks
// live in DelegationActions.
import type {
  AgentProfileDto,
  DecisionDto,
  DelegationSettings,
  DelegationWeights,
  SimulationDto,
  StuckWorkDto,
  TaskDelegationDto,
  TaskSuggestion,
  WhyNotNowDto,
} from '../../preload/contract';
import { PULL_HOLD_SECONDS_MAX, PULL_MARGIN_MAX, ZoneDistances } from '../../preload/contract';
import { performance } from 'node:perf_hooks';
import type { SqliteDatabase } from '../../native/sqlite';
import type { AgentRegistry, AgentRow } from '../agents/registry';
import type { Clock, Random } from '../core/clock';
import { AppError, invalidInput, notFound } from '../core/errors';
import type { EventBus } from '../core/events';
import type { IdFactory } from '../core/ids';
import { TaskClassifier, type ClassifierSnapshot } from '../delegation/classifier';
import { runSliced, runToEnd } from '../delegation/joint';
import { DelegationEngine, JOINT_NOBODY_QUALIFIED, type Decision, type EngineSnapshot, type JointDecision } from '../delegation/engine';
import { JointWorkerPool, type JointPoolOptions } from '../delegation/joint-pool';
import { DEFAULT_EXPLORATION } from '../delegation/exploration';
import { formatClock, isQualified } from '../delegation/feasibility';
import { whyNotAgent, whyThisAgent } from '../delegation/explain';
import { DEFAULT_WEIGHTS, type ExcludedExplanation, type Explanation } from '../delegation/scoring';
import { skillMargin, type DelegationAgent, type DelegationTask, type TaskExclusion } from '../delegation/types';
import type { Logger } from '../log';
import { CapabilityAssigner, type AgentCandidate, type Assigner, type BatchAssignment, type BatchPick, type ReadyTask } from '../tasks/assigner';
import { priorityOf } from '../tasks/model';
import type { AttemptEnded, QueueHooks } from '../tasks/queue';
import { isValidTimeZone, layOut } from './availability';
import type { JointPickRecord, RecordedExplanation } from './joint-record';
import { PullWeigher } from './pull-weigher';
import { findStuckWork, type ReadyKindRow } from './stuck-work';
import { DelegationStore, type DecisionSource, type ExclusionKind, type StoredDecision } from './store';
import { taskExtraFromTags } from './task-tags';
import { runWhatIf, type WhatIfInput, type WhatIfProgress } from './what-if';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Stored explanations keep at most this many candidates and excluded agents (big fleets). */
const KEEP_CANDIDATES = 100;
const KEEP_EXCLUDED = 300;

/**
 * Pulls (an agent asks for work): the queue's order proposes, the engine has the last word. The
 * agent takes a task unless another agent free to take it now fits it clearly better: by more than
 * the site's pull margin on the score without its balancing parts (load, fairness: an agent asking
 * for work is the balancing). Then the task waits for that agent (its own claim, or tick's offer),
 * at most the site's pull hold time (0: it never waits). Both are settings; these are the defaults.
 */
export const DEFAULT_PULL_MARGIN = 0.05;
export const DEFAULT_PULL_HOLD_SECONDS = 15;

export const DEFAULT_DELEGATION_SETTINGS: DelegationSettings = {
  weights: { default: { ...DEFAULT_WEIGHTS }, byType: {} },
  explorationRate: DEFAULT_EXPLORATION.rate,
  timeZone: 'UTC',
  humanOfferMinutes: 10,
  pullMargin: DEFAULT_PULL_MARGIN,
  pullHoldSeconds: DEFAULT_PULL_HOLD_SECONDS,
  zoneDistances: [],
};

type SettingsPatch = Partial<Pick<DelegationSettings, 'explorationRate' | 'timeZone' | 'humanOfferMinutes' | 'pullMargin' | 'pullHoldSeconds' | 'zoneDistances'>>;

function isPullMargin(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= PULL_MARGIN_MAX;
}

function isPullHoldSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= PULL_HOLD_SECONDS_MAX;
}

/** Joint rounds up to this many task x free-agent pairs are solved at once; larger ones in a worker thread. */
const JOINT_SYNC_PAIRS = 20_000;
/** Work per slice on the main thread (explanations of a large round; the round itself if the worker fails), ms. */
const JOINT_SLICE_MS = 8;
/** One step of a joint round's explanations: a pick's view and own part, or a task nobody can take. */
type JointRecord = { kind: 'pick'; agentId: string; view: Explanation; pick: JointPickRecord } | { kind: 'nobody'; decision: Decision };

/** A late joint round's explanations are worked out in slices of about this long, ms. */
const EXPLAIN_SLICE_MS = 3;
/** Deferred decision records (tasks nobody can take) per call of a round's commit, ms. */
const RECORD_SLICE_MS = 4;

export interface DelegationServiceDeps {
  sqlite: SqliteDatabase;
  bus: EventBus;
  clock: Clock;
  random: Random;
  newId: IdFactory;
  agents: AgentRegistry;
  log: Logger;
  /** Learned state is written this long after the first unsaved outcome (and at dispose). Default 5 s. */
  saveDelayMs?: number;
  /** The queue's presence window: agents not heard from within it get no offers (default 30 s). */
  presenceMs?: number;
  /** The joint-round worker thread: how it is started and how long a round may take (tests). */
  jointWorker?: Pick<JointPoolOptions, 'spawn' | 'timeoutMs'>;
}

interface RosterEntry {
  agent: DelegationAgent;
  /** People whose presence (not their status) keeps them from new work: the reason in words. */
  presenceNote: string | null;
  /** People who set a presence in the app are reachable through it, polled or not. */
  hasPresence: boolean;
  userId: string | null;
}

interface Roster {
  key: string;
  builtAt: number;
  list: DelegationAgent[];
  byId: Map<string, RosterEntry>;
}

/** The roster as the queue sees it right now: agents it cannot reach are offline, with the reason. */
interface LiveRoster {
  key: string;
  at: number;
  list: DelegationAgent[];
  notes: Map<string, string>;
}

/** What tasks say about delegation beyond the queue's columns (tags: zone:, zone-strict, cert:, kind:). */
type TaskExtra = Pick<DelegationTask, 'deadline' | 'title' | 'zone' | 'zoneStrict' | 'certifications' | 'kinds'>;

/** An excluded agent's status rule in the live roster's words ("Not connected", "Away (set in the app)"). */
function withLiveNote(x: ExcludedExplanation, notes: ReadonlyMap<string, string>): ExcludedExplanation {
  const note = notes.get(x.agentId);
  if (!note) return x;
  return { ...x, rules: x.rules.map((r) => (r.rule === 'status' ? { ...r, reason: note } : r)) };
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const PRESENCE_NOTES = { away: 'Away (set in the app)', on_break: 'On a break (set in the app)' } as const;

/**
 * Which fields of a task a single-task decision reads (true), besides the roster, the models and
 * the time. Every field must be listed: a new one does not compile until it is.
 */
const DECISION_FIELDS = {
  id: false,
  title: false,
  type: true,
  priority: true,
  requires: true,
  certifications: true,
  zone: true,
  zoneStrict: true,
  kinds: true,
  excluded: true,
  deadline: true,
} satisfies Record<keyof DelegationTask, boolean>;
const DECISION_KEYS = (Object.keys(DECISION_FIELDS) as (keyof DelegationTask)[]).filter((k) => DECISION_FIELDS[k]);

function decisionKey(t: DelegationTask): string {
  return JSON.stringify(DECISION_KEYS.map((k) => t[k] ?? null));
}

export class DelegationService {
  readonly engine: DelegationEngine;
  /** Large joint rounds run in a worker thread (started at the first one, ended by close()). */
  readonly jointPool: JointWorkerPool;
  readonly store: DelegationStore;
  /** Plug into the queue (TaskQueue deps.assigner): replaces the plain CapabilityAssigner. */
  readonly assigner: Assigner;
  /** Plug into the queue (TaskQueue deps.hooks): outcomes, offer times, expired offers. */
  readonly queueHooks: QueueHooks;
  private readonly deps: DelegationServiceDeps;
  private readonly s;
  private settings: DelegationSettings;
  private settingsVersion = 0;
  private classifier: TaskClassifier;
  /** The last task id the classifier learned from (ULIDs sort by creation). */
  private classifierMark = '';
  private readonly pins = new Map<string, string>();
  private readonly exclusions = new Map<string, TaskExclusion[]>();
  private readonly taskInfo = new Map<string, TaskExtra>();
  /** Tasks whose latest recorded decision is "nobody": not recorded again on every tick. */
  private readonly lastNull = new Set<string>();
  /** Joint views already recorded (by the round's view object), so each is written once. */
  private readonly viewIds = new WeakMap<Explanation, string>();
  private rosterCache: Roster | null = null;
  private stuckCache: { at: number; answer: Promise<StuckWorkDto> } | null = null;
  private liveCache: LiveRoster | null = null;
  /** Weighs what an agent that asks for work should take (pull-weigher.ts). */
  private readonly pulls: PullWeigher;
  private saveTimer: NodeJS.Timeout | null = null;
  private engineDirty = false;
  private classifierDirty = false;
  private disposed = false;
  private closing: Promise<void> = Promise.resolve();
  private simulations = 0;

  constructor(deps: DelegationServiceDeps) {
    this.deps = deps;
    const db = deps.sqlite;
    this.store = new DelegationStore(db);
    this.s = {
      taskInfo: db.prepare<[string], { deadline: number | null; title: string; tags: string }>('SELECT deadline, title, tags FROM tasks WHERE id = ?'),
      taskCore: db.prepare<[string], { id: string; type: string; priority: number; requires: string | null; deadline: number | null; title: string; tags: string; state: string }>(
        'SELECT id, type, priority, requires, deadline, title, tags, state FROM tasks WHERE id = ?',
      ),
      tasksAfter: db.prepare<[string, number], { id: string; title: string; type: string; requires: string | null }>(
        'SELECT id, title, type, requires FROM tasks WHERE id > ? ORDER BY id LIMIT ?',
      ),
      taskHolder: db.prepare<[string], { agent: string | null; state: string }>('SELECT assigned_agent_id AS agent, state FROM tasks WHERE id = ?'),
      lastSeen: db.prepare<[], { id: string; last_seen_at: number | null }>('SELECT id, last_seen_at FROM agents'),
      loads: db.prepare<[], { agent: string; n: number }>(
        "SELECT assigned_agent_id AS agent, count(*) AS n FROM tasks WHERE assigned_agent_id IS NOT NULL AND state IN ('assigned', 'running') GROUP BY assigned_agent_id",
      ),
    };

    this.settings = this.loadSettings();
    this.engine = new DelegationEngine({
      random: deps.random,
      config: {
        weights: { default: { ...this.settings.weights.default }, byType: { ...this.settings.weights.byType } },
        exploration: { ...DEFAULT_EXPLORATION, rate: this.settings.explorationRate },
        timeZone: this.settings.timeZone,
        zoneDistances: this.settings.zoneDistances ?? [],
      },
    });
    this.jointPool = new JointWorkerPool(this.engine, { ...deps.jointWorker, syncPairs: JOINT_SYNC_PAIRS, sliceMs: JOINT_SLICE_MS, log: deps.log });
    const snapshot = this.store.getState<EngineSnapshot>('engine');
    if (snapshot) {
      try {
        this.engine.restore(snapshot);
      } catch (error) {
        deps.log.warn({ err: error }, 'learned delegation models could not be restored; starting afresh');
      }
    }
    this.classifier = new TaskClassifier();
    const saved = this.store.getState<{ snapshot: ClassifierSnapshot; mark: string }>('classifier');
    if (saved) {
      try {
        this.classifier = TaskClassifier.fromJSON(saved.snapshot);
        this.classifierMark = saved.mark;
      } catch (error) {
        deps.log.warn({ err: error }, 'task classifier could not be restored; retraining from the task history');
      }
    }
    this.trainFromHistory();
    const capability = new CapabilityAssigner(db);
    this.pulls = new PullWeigher({
      engine: this.engine,
      clock: deps.clock,
      presenceMs: deps.presenceMs ?? 30_000,
      capability,
      roster: () => this.roster(),
      liveRoster: () => this.liveRoster(),
      loads: () => this.s.loads.all(),
      settings: () => this.settings,
      pinOf: (taskId) => this.pins.get(taskId),
      exclusionsOf: (taskId) => this.exclusions.get(taskId),
      tagExtra: (tags) => taskExtraFromTags(parseJson<string[]>(tags, [])),
      recordPull: (agentId, view, pick) => this.recordPick('pull', agentId, view, pick),
      recordPin: (taskId, agentId) => this.recordManual(taskId, agentId, 'pin', this.store.pinOf(taskId)?.actor ?? null, null),
    });
    for (const p of this.store.openPins()) this.pins.set(p.task_id, p.agent_id);
    for (const e of this.store.openExclusions()) this.addExclusionInMemory(e.task_id, e.agent_id, e.reason);

    const inner = this.engine.asAssigner({
      clock: deps.clock,
      fallback: capability,
      agent: (id) => this.rosterEntry(id)?.agent,
      task: (id) => this.taskExtra(id),
      roster: () => this.liveRoster().list,
      onDecision: (d) => this.recordEngineDecision(d),
      excludedLimit: KEEP_EXCLUDED,
    });
    this.assigner = {
      pickAgent: (task, candidates) => {
        const pinned = this.pins.get(task.id);
        if (pinned === undefined) return inner.pickAgent(task, candidates);
        // A pinned task waits for its agent (a retry, an expired offer): the supervisor's choice again.
        if (!candidates.some((c) => c.id === pinned)) return null;
        const pin = this.store.pinOf(task.id);
        const expires = this.userOf(pinned) !== null ? this.deps.clock.now() + this.humanOfferMs : null;
        this.recordManual(task.id, pinned, 'pin', pin?.actor ?? null, expires);
        return pinned;
      },
      pickForAgent: (agent, limit) => this.pulls.weigh(agent, limit),
      assignBatch: (tasks, candidates, now) => this.jointRound(tasks, candidates, now),
    };
    this.queueHooks = {
      offerMs: (agentId) => (this.rosterEntry(agentId)?.agent.kind === 'human' ? this.humanOfferMs : undefined),
      onOfferExpired: (taskId, agentId, now) => {
        if (this.rosterEntry(agentId)?.agent.kind !== 'human') return;
        this.exclude(taskId, agentId, 'offer_timeout', 'did not accept the offer in time', null, now);
      },
      onAttemptEnded: (ended) => this.learn(ended),
      onRetryScheduled: (taskId, agentId, how, attempt, now) => this.preferAnotherAgent(taskId, agentId, how, attempt, now),
    };
  }

  // ---------------------------------------------------------------------------------------
  // Settings
  // ---------------------------------------------------------------------------------------

  private loadSettings(): DelegationSettings {
    const saved = this.store.getState<Partial<DelegationSettings>>('settings');
    const d = DEFAULT_DELEGATION_SETTINGS;
    return {
      weights: {
        default: { ...d.weights.default, ...saved?.weights?.default },
        byType: { ...saved?.weights?.byType },
      },
      explorationRate: saved?.explorationRate ?? d.explorationRate,
      timeZone: saved?.timeZone && isValidTimeZone(saved.timeZone) ? saved.timeZone : d.timeZone,
      humanOfferMinutes: saved?.humanOfferMinutes ?? d.humanOfferMinutes,
      // Settings stored before these existed (or out of range) get the defaults.
      pullMargin: isPullMargin(saved?.pullMargin) ? saved.pullMargin : d.pullMargin,
      pullHoldSeconds: isPullHoldSeconds(saved?.pullHoldSeconds) ? saved.pullHoldSeconds : d.pullHoldSeconds,
      zoneDistances: this.savedZoneDistances(saved?.zoneDistances),
    };
  }

  /** The stored table if it still passes the contract's checks; otherwise none (and a warning). */
  private savedZoneDistances(saved: unknown): NonNullable<DelegationSettings['zoneDistances']> {
    if (saved === undefined) return [];
    const parsed = ZoneDistances.safeParse(saved);
    if (parsed.success) return parsed.data;
    this.deps.log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'stored zone distances are not valid; every other zone counts as far');
    return [];
  }

  getSettings(): DelegationSettings {
    return structuredClone(this.settings);
  }

  get humanOfferMs(): number {
    return this.settings.humanOfferMinutes * 60_000;
  }

  get timeZone(): string {
    return this.settings.timeZone;
  }

  /**
   * '*': the defaults (null: back to the built-in ones); a type: its own weights (null: none),
   * merged into its current ones, or with `replace` exactly these (none left: back to the defaults).
   * Inside the caller's transaction.
   */
  setWeights(taskType: string, weights: Partial<DelegationWeights> | null, options: { replace?: boolean } = {}): DelegationSettings {
    const next = this.getSettings();
    if (taskType === '*') {
      next.weights.default = weights === null ? { ...DEFAULT_WEIGHTS } : { ...next.weights.default, ...weights };
      if (Object.values(next.weights.default).every((w) => w <= 0)) {
        throw invalidInput('At least one default weight must be above 0', { field: 'weights' });
      }
    } else if (weights === null || (options.replace && Object.keys(weights).length === 0)) {
      delete next.weights.byType[taskType];
    } else {
      const merged = options.replace ? { ...weights } : { ...next.weights.byType[taskType], ...weights };
      if (Object.values({ ...next.weights.default, ...merged }).every((w) => w <= 0)) {
        throw invalidInput(`At least one weight for ${taskType} must be above 0`, { field: 'weights' });
      }
      next.weights.byType[taskType] = merged;
    }
    return this.saveSettings(next);
  }

  updateSettings(patch: SettingsPatch): DelegationSettings {
    if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) {
      throw invalidInput(`Unknown time zone "${patch.timeZone}" (use an IANA name such as Europe/Berlin)`, { field: 'timeZone' });
    }
    // Callers other than the bridge (which parsed them already) get the same checks: the pull weigher relies on them.
    if (patch.pullMargin !== undefined && !isPullMargin(patch.pullMargin)) {
      throw invalidInput(`The pull margin must be from 0 to ${PULL_MARGIN_MAX}`, { field: 'pullMargin' });
    }
    if (patch.pullHoldSeconds !== undefined && !isPullHoldSeconds(patch.pullHoldSeconds)) {
      throw invalidInput(`The pull hold time must be whole seconds from 0 to ${PULL_HOLD_SECONDS_MAX}`, { field: 'pullHoldSeconds' });
    }
    if (patch.zoneDistances !== undefined) {
      // Callers other than the bridge (which parsed it already) get the same checks.
      const parsed = ZoneDistances.safeParse(patch.zoneDistances);
      if (!parsed.success) throw invalidInput(`Zone distances: ${parsed.error.issues[0]?.message ?? 'not valid'}`, { field: 'zoneDistances' });
      patch = { ...patch, zoneDistances: parsed.data.map((p) => ({ a: p.a, b: p.b, distance: p.distance })) };
    }
    const next = { ...this.getSettings(), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    return this.saveSettings(next);
  }

  private saveSettings(next: DelegationSettings): DelegationSettings {
    this.store.putState('settings', next, this.deps.clock.now());
    this.deps.bus.afterCommitRun(() => this.applySettings(next));
    this.deps.bus.emit('delegation.settingsChanged', next);
    return structuredClone(next);
  }

  private applySettings(next: DelegationSettings): void {
    this.settings = structuredClone(next);
    this.settingsVersion++;
    this.engine.setWeights({ default: { ...next.weights.default }, byType: structuredClone(next.weights.byType) });
    this.engine.setExplorationRate(next.explorationRate);
    this.engine.config.timeZone = next.timeZone;
    this.engine.setZoneDistances(next.zoneDistances ?? []);
  }

  // ---------------------------------------------------------------------------------------
  // Roster and tasks as the engine sees them
  // ---------------------------------------------------------------------------------------

  /** An agent row as the engine sees it: windows laid out around `now`, presence as a status. */
  agentFromRow(r: AgentRow, now: number, from = now - DAY, to = now + 8 * DAY): RosterEntry {
    const laid = layOut(parseJson(r.availability, []), from, to, this.settings.timeZone);
    let status = r.status;
    let presenceNote: string | null = null;
    if (r.kind === 'human' && r.status === 'available' && (r.presence === 'away' || r.presence === 'on_break')) {
      status = r.presence === 'away' ? 'offline' : 'paused';
      presenceNote = PRESENCE_NOTES[r.presence];
    }
    const agent: DelegationAgent = {
      id: r.id,
      name: r.name,
      kind: r.kind,
      status,
      skills: parseJson<Record<string, number>>(r.skills, {}),
      capacity: r.capacity,
      load: 0,
      certifications: parseJson<{ name: string; expiresAt: number | null }[]>(r.certifications, []),
      zone: r.zone,
    };
    if (laid.shifts.length) agent.shifts = laid.shifts;
    if (laid.breaks.length) agent.breaks = laid.breaks;
    if (laid.maintenance.length) agent.maintenance = laid.maintenance;
    if (r.cost_per_hour !== null) agent.costPerHour = r.cost_per_hour;
    return { agent, presenceNote, userId: r.user_id, hasPresence: r.presence !== null };
  }

  /** Every agent, cached until an agent changes, the settings change or an hour passes. */
  private roster(): Roster {
    const now = this.deps.clock.now();
    const key = `${this.deps.agents.version}:${this.settingsVersion}`;
    const c = this.rosterCache;
    if (c && c.key === key && now >= c.builtAt - HOUR && now < c.builtAt + HOUR) return c;
    const byId = new Map<string, RosterEntry>();
    const list: DelegationAgent[] = [];
    for (const r of this.deps.agents.rows()) {
      const entry = this.agentFromRow(r, now);
      byId.set(r.id, entry);
      list.push(entry.agent);
    }
    this.rosterCache = { key, builtAt: now, list, byId };
    return this.rosterCache;
  }

  /**
   * The roster with agents the queue cannot reach now (not heard from within the presence window,
   * people who never set a presence included) as offline, so "Why not X?" names the real reason.
   * Rebuilt at most once a second.
   */
  private liveRoster(): LiveRoster {
    const now = this.deps.clock.now();
    const base = this.roster();
    const c = this.liveCache;
    if (c && c.key === base.key && now >= c.at && now - c.at < 1000) return c;
    const since = now - (this.deps.presenceMs ?? 30_000);
    const seen = new Map(this.s.lastSeen.all().map((r) => [r.id, r.last_seen_at]));
    const notes = new Map<string, string>();
    const list = base.list.map((a) => {
      const entry = base.byId.get(a.id)!;
      if (entry.presenceNote) notes.set(a.id, entry.presenceNote);
      if (a.status !== 'available' || (a.kind === 'human' && entry.hasPresence)) return a;
      const last = seen.get(a.id) ?? null;
      if (last !== null && last >= since) return a;
      notes.set(a.id, last === null ? 'Not connected yet (never heard from)' : `Not connected (last heard from ${formatClock(last, now, this.settings.timeZone)})`);
      return { ...a, status: 'offline' as const };
    });
    this.liveCache = { key: base.key, at: now, list, notes };
    return this.liveCache;
  }

  /**
   * The live roster with today's loads, as the engine would see it deciding now: agents the queue
   * cannot reach are offline (notes: the words for why), an agent that asked for work lately is
   * reachable whatever the gateway last saw (as for pulls), and `ownTaskId`'s holder is not
   * counted as loaded by that task (a decision about the task it holds).
   */
  private liveAgents(now: number, ownTaskId?: string): { agents: DelegationAgent[]; notes: ReadonlyMap<string, string> } {
    const live = this.liveRoster();
    const base = this.roster();
    const loads = new Map(this.s.loads.all().map((l) => [l.agent, l.n]));
    const holder = ownTaskId === undefined ? undefined : this.s.taskHolder.get(ownTaskId);
    if (holder && holder.agent !== null && (holder.state === 'assigned' || holder.state === 'running')) {
      loads.set(holder.agent, Math.max(0, (loads.get(holder.agent) ?? 1) - 1));
    }
    const agents = live.list.map((a): DelegationAgent => {
      const own = this.pulls.askedLately(a.id, now) ? (base.byId.get(a.id)?.agent ?? a) : a;
      return { ...own, load: loads.get(a.id) ?? 0 };
    });
    return { agents, notes: live.notes };
  }

  private rosterEntry(id: string): RosterEntry | undefined {
    return this.roster().byId.get(id);
  }

  /** The roster with every agent's current load (manual decisions, simulations). */
  rosterWithLoads(): DelegationAgent[] {
    const loads = new Map(this.s.loads.all().map((l) => [l.agent, l.n]));
    return this.roster().list.map((a) => ({ ...a, load: loads.get(a.id) ?? 0 }));
  }

  agentName(id: string | null): string | null {
    if (id === null) return null;
    return this.rosterEntry(id)?.agent.name ?? null;
  }

  /** The user whose inbox shows this agent's tasks (people only). */
  userOf(agentId: string): string | null {
    const e = this.rosterEntry(agentId);
    return e && e.agent.kind === 'human' ? e.userId : null;
  }

  private taskExtra(id: string): Partial<DelegationTask> | undefined {
    let info = this.taskInfo.get(id);
    if (!info) {
      const r = this.s.taskInfo.get(id);
      if (!r) return undefined;
      info = { deadline: r.deadline, title: r.title, ...taskExtraFromTags(parseJson<string[]>(r.tags, [])) };
      if (this.taskInfo.size > 50_000) this.taskInfo.clear();
      this.taskInfo.set(id, info);
    }
    const excluded = this.exclusions.get(id);
    return excluded ? { ...info, excluded } : info;
  }

  /** The whole task as the engine sees it, or null when it does not exist. */
  delegationTask(id: string): DelegationTask | null {
    const r = this.s.taskCore.get(id);
    if (!r) return null;
    const requires = parseJson<Record<string, number> | null>(r.requires, null);
    return {
      ...this.taskExtra(id),
      id: r.id,
      type: r.type,
      priority: priorityOf(r.priority),
      requires: requires && Object.keys(requires).length ? requires : undefined,
    };
  }

  // ---------------------------------------------------------------------------------------
  // Decisions
  // ---------------------------------------------------------------------------------------

  /** Presence words for people, and a cap on what is kept of a very large fleet. */
  private finish(e: Explanation): RecordedExplanation {
    const live = this.liveRoster();
    const excluded = e.excluded.slice(0, KEEP_EXCLUDED).map((x) => withLiveNote(x, live.notes));
    return { ...e, candidates: e.candidates.slice(0, KEEP_CANDIDATES), excluded };
  }

  private record(taskId: string, source: DecisionSource, agentId: string | null, actor: string | null, e: RecordedExplanation, explored: boolean): void {
    this.store.addDecision({ id: this.deps.newId(), taskId, decidedAt: e.at, source, agentId, actor, explanation: e });
    this.deps.bus.emit('decision.made', { taskId, agentId, agentName: this.agentName(agentId), source, explored });
  }

  /** A push decision (tick's offer), recorded in tick's transaction. */
  private recordEngineDecision(d: Decision): void {
    if (d.agentId === null) {
      if (this.lastNull.has(d.taskId)) return;
      if (this.lastNull.size > 50_000) this.lastNull.clear();
      this.lastNull.add(d.taskId);
    } else {
      this.lastNull.delete(d.taskId);
    }
    if (d.agentId !== null) this.pulls.forget(d.taskId);
    this.record(d.taskId, 'engine', d.agentId, null, this.finish(d.explanation), d.explored);
    if (d.agentId !== null) this.announceOffer(d.taskId, d.agentId, d.explanation.at + this.humanOfferMs);
  }

  /**
   * A supervisor's choice (pin, re-assignment), recorded with the engine's own view: the chosen
   * agent first, and who the engine would have taken.
   */
  recordManual(taskId: string, agentId: string, source: 'pin' | 'reassign', actor: string | null, offerExpiresAt: number | null): void {
    const task = this.delegationTask(taskId);
    if (!task) return;
    const now = this.deps.clock.now();
    // The live roster (an agent never connected is offline, and says so), the task's new holder
    // not counted as loaded by this very task.
    const live = this.liveAgents(now, taskId);
    const d = this.engine.decide(task, live.agents, now, { explore: false });
    const e = d.explanation;
    const chosen = e.candidates.find((c) => c.agentId === agentId) ?? null;
    const engineTop = e.candidates[0] ?? null;
    const others = e.candidates.filter((c) => c.agentId !== agentId);
    const excluded = e.excluded.map((x) => withLiveNote(x, live.notes));
    // The chosen agent's own exclusion (if the rules kept it out) leads, so the cap keeps it.
    const own = excluded.filter((x) => x.agentId === agentId);
    const recorded: RecordedExplanation = {
      ...e,
      excluded: [...own, ...excluded.filter((x) => x.agentId !== agentId)],
      explored: false,
      winner: chosen,
      runnerUp: chosen ? (others[0] ?? null) : null,
      candidates: chosen ? [chosen, ...others] : others,
      engineChoice: engineTop ? { agentId: engineTop.agentId, name: engineTop.name, total: engineTop.total } : null,
    };
    this.lastNull.delete(taskId);
    this.record(taskId, source, agentId, actor, this.finish(recorded), false);
    this.announceOffer(taskId, agentId, offerExpiresAt);
  }

  /**
   * tick()'s joint round: pinned tasks go to their agent when it has room; the others are matched
   * together by the engine (priority first, so a critical task keeps its only qualified agent).
   * Small rounds answer at once; large ones are solved in a worker thread (or, should it fail, in
   * slices on this thread) and explained in slices (the queue applies the answer later).
   * Decisions are recorded in commit(), inside the queue's transaction, for the offers it actually
   * made (and for tasks no free agent can take, once, as on the single path).
   */
  private jointRound(tasks: readonly ReadyTask[], candidates: readonly AgentCandidate[], now: number): BatchAssignment | Promise<BatchAssignment> {
    const room = new Map(candidates.map((c) => [c.id, c.capacity - c.load]));
    const free = candidates.filter((c) => (room.get(c.id) ?? 0) > 0).length;
    if (tasks.length * free <= JOINT_SYNC_PAIRS) {
      const { pinned, open, agents } = runToEnd(this.jointPrep(tasks, candidates, room));
      if (open.length === 0 || free === 0) return this.jointAnswer(pinned, [], [], null);
      const solved = this.jointPool.decide(open, agents, now);
      if (!(solved instanceof Promise)) return this.jointAnswer(pinned, solved.assignments, runToEnd(this.jointExplanations(solved, open, agents, now)), solved);
      return this.lateJoint(pinned, open, agents, now, solved);
    }
    // A large round: even reading the tasks and the roster into the engine's terms took ~25 ms
    // with 2,000 tasks and 1,000 agents, so that is sliced too (the queue applies the answer later).
    return (async () => {
      // Not inside tick(): its own work is enough for one stretch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const { value } = await runSliced(this.jointPrep(tasks, candidates, room), { sliceMs: EXPLAIN_SLICE_MS });
      const { pinned, open, agents } = value;
      if (open.length === 0) return this.jointAnswer(pinned, [], [], null);
      const solved = this.jointPool.decide(open, agents, now);
      return this.lateJoint(pinned, open, agents, now, solved instanceof Promise ? solved : Promise.resolve(solved));
    })();
  }

  /** A joint round's tasks and roster in the engine's terms; pinned tasks aside (their agent has room). */
  private *jointPrep(
    tasks: readonly ReadyTask[],
    candidates: readonly AgentCandidate[],
    room: Map<string, number>,
  ): Generator<void, { pinned: BatchPick[]; open: DelegationTask[]; agents: DelegationAgent[] }, void> {
    const pinned: BatchPick[] = [];
    const open: DelegationTask[] = [];
    for (let i = 0; i < tasks.length; i++) {
      if ((i & 255) === 255) yield;
      const t = tasks[i]!;
      const pin = this.pins.get(t.id);
      if (pin === undefined) {
        const requires = parseJson<Record<string, number> | null>(t.requires, null);
        open.push({
          ...this.taskExtra(t.id),
          id: t.id,
          type: t.type,
          priority: priorityOf(t.priority),
          requires: requires && Object.keys(requires).length ? requires : undefined,
        });
      } else if ((room.get(pin) ?? 0) > 0) {
        // A pinned task waits for its agent (a retry, an expired offer): the supervisor's choice again.
        room.set(pin, room.get(pin)! - 1);
        pinned.push({ taskId: t.id, agentId: pin });
      }
    }
    const offered = new Set(candidates.map((c) => c.id));
    const agents: DelegationAgent[] = [];
    for (let i = 0; i < candidates.length; i++) {
      if ((i & 255) === 255) yield;
      const c = candidates[i]!;
      agents.push({
        kind: 'software',
        status: 'available',
        ...this.rosterEntry(c.id)?.agent,
        id: c.id,
        skills: parseJson<Record<string, number>>(c.skills, {}),
        capacity: c.capacity,
        load: c.capacity - (room.get(c.id) ?? 0),
      });
    }
    yield;
    // Agents the queue did not offer have no room as far as it knows (explanations still name them).
    for (const a of this.liveRoster().list) {
      if (!offered.has(a.id)) agents.push(a.status === 'available' ? { ...a, load: Math.max(a.load, a.capacity) } : a);
    }
    return { pinned, open, agents };
  }

  /** A round answered later: explained in slices once solved. */
  private async lateJoint(
    pinned: BatchPick[],
    open: readonly DelegationTask[],
    agents: readonly DelegationAgent[],
    now: number,
    solved: Promise<JointDecision>,
  ): Promise<BatchAssignment> {
    const joint = await solved;
    // The answer was just read back (a few ms): explaining starts on a turn of its own. A step
    // (one single-task view with 1,000 agents) takes 1-10 ms: short slices keep the holds short.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const { value: explained } = await runSliced(this.jointExplanations(joint, open, agents, now), { sliceMs: EXPLAIN_SLICE_MS });
    return this.jointAnswer(pinned, joint.assignments, explained, joint);
  }

  /**
   * The engine's single-task view of each joint pick (shared by alike tasks, see joint-record.ts)
   * and what is the pick's own, then the decision for each task no free agent is qualified for
   * (not yet recorded as such): a yield after each.
   */
  private *jointExplanations(
    joint: JointDecision,
    tasks: readonly DelegationTask[],
    agents: readonly DelegationAgent[],
    now: number,
  ): Generator<void, JointRecord[], void> {
    const records: JointRecord[] = [];
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const note = `Chosen in a joint round of ${joint.stats.tasks} waiting tasks and ${joint.stats.freeAgents} free agents: the offers that serve the most urgent tasks first, then the best total score.`;
    // Tasks alike in everything a decision reads (all but id and title) get the same single-task
    // view against the same roster: worked out once per kind of task, not once per pick (~1 ms
    // each with 1,000 agents), recorded once, and told under each task's own id.
    // Each view explains the candidates a record keeps, and every agent a pick of its kind chose.
    const keys: string[] = [];
    const chosenBy = new Map<string, Set<string>>();
    for (let i = 0; i < joint.assignments.length; i++) {
      if ((i & 511) === 511) yield;
      const a = joint.assignments[i]!;
      const key = decisionKey(byId.get(a.taskId)!);
      keys.push(key);
      let chosen = chosenBy.get(key);
      if (!chosen) chosenBy.set(key, (chosen = new Set()));
      chosen.add(a.agentId);
    }
    const views = new Map<string, Explanation>();
    for (let i = 0; i < joint.assignments.length; i++) {
      const a = joint.assignments[i]!;
      const task = byId.get(a.taskId)!;
      const key = keys[i]!;
      let view = views.get(key);
      if (!view) {
        const options = { explore: false, excludedLimit: KEEP_EXCLUDED, explainTop: KEEP_CANDIDATES, explainAlso: chosenBy.get(key) };
        views.set(key, (view = this.engine.decide(task, agents, now, options).explanation));
      }
      const top = view.candidates[0];
      let text = note;
      if (top && top.agentId !== a.agentId) {
        text += ` On its own this task would have gone to ${top.name} (score ${top.total.toFixed(2)}), who went to another task in the round.`;
      }
      const pick: JointPickRecord = {
        taskId: task.id,
        explored: joint.stats.explored && task.priority !== 'critical',
        chosen: view.candidates.find((c) => c.agentId === a.agentId) ?? null,
        joint: { tasks: joint.stats.tasks, freeAgents: joint.stats.freeAgents, note: text },
      };
      records.push({ kind: 'pick', agentId: a.agentId, view, pick });
      yield;
    }
    for (const u of joint.unassigned) {
      if (this.lastNull.has(u.taskId) || u.reason !== JOINT_NOBODY_QUALIFIED) continue;
      const d = this.engine.decide(byId.get(u.taskId)!, agents, now, { explore: false, excludedLimit: KEEP_EXCLUDED });
      if (d.agentId === null) records.push({ kind: 'nobody', decision: d });
      yield;
    }
    return records;
  }

  /** A joint pick's decision (recordPick), and the person's inbox lights up. */
  private recordJointPick(agentId: string, view: Explanation, pick: JointPickRecord): void {
    this.recordPick('engine', agentId, view, pick);
    this.announceOffer(pick.taskId, agentId, view.at + this.humanOfferMs);
  }

  /**
   * A decision that shares its view (a joint round's or a pull round's): the view is written with
   * the first pick that uses it (again should the transaction that wrote it have rolled back),
   * then the pick's own part.
   */
  private recordPick(source: 'engine' | 'pull', agentId: string, view: Explanation, pick: JointPickRecord): void {
    let viewId = this.viewIds.get(view);
    if (viewId === undefined || !this.store.hasView(viewId)) {
      viewId = this.deps.newId();
      this.viewIds.set(view, viewId);
      this.store.addView(viewId, view.at, this.finish(view));
    }
    this.lastNull.delete(pick.taskId);
    this.pulls.forget(pick.taskId);
    this.store.addJointPick({ id: this.deps.newId(), taskId: pick.taskId, decidedAt: view.at, source, agentId, actor: null }, viewId, pick);
    this.deps.bus.emit('decision.made', { taskId: pick.taskId, agentId, agentName: this.agentName(agentId), source, explored: pick.explored });
  }

  /**
   * The queue carries a round out pick by pick (a large one over several transactions): each
   * applied pick's decision is recorded as it is made; the records of tasks nobody can take are
   * deferred to the queue's calls with no picks, a few ms' worth each.
   */
  private jointAnswer(pinned: BatchPick[], picks: readonly BatchPick[], explained: readonly JointRecord[], joint: JointDecision | null): BatchAssignment {
    const pins = new Map(pinned.map((p) => [p.taskId, p.agentId]));
    const decided = new Map<string, Extract<JointRecord, { kind: 'pick' }>>();
    const nobody: Decision[] = [];
    if (joint) {
      for (const r of explained) {
        if (r.kind === 'nobody') nobody.push(r.decision);
        else decided.set(r.pick.taskId, r);
      }
    }
    let nextNobody = 0;
    return {
      picks: [...pinned, ...picks.map((p) => ({ taskId: p.taskId, agentId: p.agentId }))],
      commit: (applied) => {
        for (const p of applied) {
          if (pins.get(p.taskId) === p.agentId) {
            pins.delete(p.taskId);
            const pin = this.store.pinOf(p.taskId);
            const expires = this.userOf(p.agentId) !== null ? this.deps.clock.now() + this.humanOfferMs : null;
            this.recordManual(p.taskId, p.agentId, 'pin', pin?.actor ?? null, expires);
            continue;
          }
          // Picks the queue dropped (the task or the agent changed while a large round was solved) are decided again next tick.
          const r = decided.get(p.taskId);
          if (r && r.agentId === p.agentId) {
            decided.delete(p.taskId);
            this.recordJointPick(r.agentId, r.view, r.pick);
          }
        }
        if (applied.length > 0) return nextNobody < nobody.length;
        const t0 = performance.now();
        while (nextNobody < nobody.length && performance.now() - t0 < RECORD_SLICE_MS) this.recordEngineDecision(nobody[nextNobody++]!);
        return nextNobody < nobody.length;
      },
    };
  }

  /** work.offered for a person with an account: their inbox lights up. */
  private announceOffer(taskId: string, agentId: string, offerExpiresAt: number | null): void {
    const userId = this.userOf(agentId);
    if (userId === null) return;
    const task = this.s.taskCore.get(taskId);
    if (!task) return;
    this.deps.bus.emit('work.offered', {
      taskId,
      title: task.title,
      priority: priorityOf(task.priority),
      agentId,
      userId,
      offerExpiresAt,
    });
  }

  // ---------------------------------------------------------------------------------------
  // Pins and exclusions (inside the caller's transaction; memory follows after the commit)
  // ---------------------------------------------------------------------------------------

  pinOf(taskId: string): string | null {
    return this.pins.get(taskId) ?? this.store.pinOf(taskId)?.agent_id ?? null;
  }

  pin(taskId: string, agentId: string | null, actor: string | null): void {
    if (agentId === null) {
      this.store.unpin(taskId);
      this.deps.bus.afterCommitRun(() => this.pins.delete(taskId));
      return;
    }
    this.store.pin({ task_id: taskId, agent_id: agentId, actor, at: this.deps.clock.now() });
    this.deps.bus.afterCommitRun(() => this.pins.set(taskId, agentId));
  }

  exclude(taskId: string, agentId: string, kind: ExclusionKind, reason: string, actor: string | null, at = this.deps.clock.now()): void {
    this.store.exclude({ task_id: taskId, agent_id: agentId, kind, reason, actor, at });
    this.deps.bus.afterCommitRun(() => this.addExclusionInMemory(taskId, agentId, reason));
  }

  unexclude(taskId: string, agentId: string): void {
    if (!this.store.unexclude(taskId, agentId)) return;
    this.deps.bus.afterCommitRun(() => {
      const list = this.exclusions.get(taskId)?.filter((e) => e.agentId !== agentId);
      if (list && list.length) this.exclusions.set(taskId, list);
      else this.exclusions.delete(taskId);
    });
  }

  /**
   * A task's attempt failed and it will be retried: the agent that failed it is kept off the
   * retry when another agent in the roster could take the task at all (skills, kinds,
   * certifications, strict zone; busy or off shift counts as "could"). When nobody else could,
   * the same agent may try again: an exclusion would leave the task waiting forever.
   */
  private preferAnotherAgent(taskId: string, agentId: string, how: AttemptEnded['how'], attempt: number, now: number): void {
    if (this.disposed) return;
    const task = this.delegationTask(taskId);
    if (!task) return;
    const excluded = [...(task.excluded ?? []), { agentId }];
    const others = this.roster().list.some((a) => a.id !== agentId && isQualified({ ...task, excluded }, a, now));
    if (!others) return;
    const what = how === 'timed_out' ? 'timed out' : how === 'lease_expired' ? 'stopped reporting (lease lost)' : 'failed';
    this.exclude(taskId, agentId, 'failed', `${what} on attempt ${attempt}; the retry goes to another agent`, null, now);
  }

  private addExclusionInMemory(taskId: string, agentId: string, reason: string): void {
    const list = (this.exclusions.get(taskId) ?? []).filter((e) => e.agentId !== agentId);
    list.push({ agentId, reason });
    this.exclusions.set(taskId, list);
  }

  // ---------------------------------------------------------------------------------------
  // Reading: explanations, profiles
  // ---------------------------------------------------------------------------------------

  private whyOf(d: StoredDecision): string {
    const e = d.explanation as RecordedExplanation;
    const name = (d.agentId && (e.winner?.agentId === d.agentId ? e.winner.name : this.agentName(d.agentId))) || d.agentId || 'nobody';
    if (d.source === 'pull') {
      // Records from before pulls were weighed have no view: the queue's order decided.
      return e.joint?.note ?? `${name} asked for work and took this task: it met every rule, and the task was first in line (priority, then waiting time).`;
    }
    if (d.source === 'pin' || d.source === 'reassign') {
      const who = d.actor ? `A supervisor (${d.actor})` : 'A supervisor';
      let text = d.source === 'pin' ? `${who} pinned this task to ${name}.` : `${who} re-assigned this task to ${name}.`;
      const ex = e.excluded.find((x) => x.agentId === d.agentId);
      const choice = e.engineChoice;
      if (ex) text += ` By the engine's rules ${name} could not take it: ${ex.rules.map((r) => r.reason).join('; ')}.`;
      if (choice && choice.agentId !== d.agentId) {
        const own = e.winner ? ` against ${e.winner.total.toFixed(2)} for ${name}` : '';
        text += ` The engine's own choice was ${choice.name} (score ${choice.total.toFixed(2)}${own}).`;
      } else if (choice) {
        text += ' It is also the agent the engine would have chosen.';
      }
      return text;
    }
    const joint = (e as RecordedExplanation).joint;
    return joint ? `${whyThisAgent(e)} ${joint.note}` : whyThisAgent(e);
  }

  private decisionDto(d: StoredDecision): DecisionDto {
    const e = d.explanation;
    const winnerId = d.agentId;
    const others = [
      ...e.candidates.filter((c) => c.agentId !== winnerId).map((c) => ({ agentId: c.agentId, name: c.name })),
      ...e.excluded.filter((x) => x.agentId !== winnerId).map((x) => ({ agentId: x.agentId, name: x.name })),
    ];
    return {
      id: d.id,
      taskId: d.taskId,
      decidedAt: d.decidedAt,
      source: d.source,
      actor: d.actor,
      agentId: d.agentId,
      agentName: d.agentId ? (e.winner?.agentId === d.agentId ? e.winner.name : this.agentName(d.agentId)) : null,
      taskType: e.taskType,
      priority: e.priority,
      explored: e.explored,
      weights: e.weights,
      winner: e.winner,
      runnerUp: e.runnerUp,
      candidates: e.candidates,
      excluded: e.excluded,
      why: this.whyOf(d),
      whyNot: others.map((o) => ({ ...o, text: whyNotAgent(e, o.agentId) })),
    };
  }

  /** The sentence behind "Why this agent?" of a task's latest decision, or null. */
  latestWhy(taskId: string): string | null {
    const d = this.store.latestDecision(taskId);
    return d ? this.whyOf(d) : null;
  }

  explain(taskId: string): TaskDelegationDto {
    const task = this.s.taskCore.get(taskId);
    if (!task) throw notFound(`No task with id ${taskId}`);
    const [latest, ...earlier] = this.store.decisions(taskId, 50);
    if (latest && latest.explanation.taskType === '') {
      // Pulls are recorded without the task's facts (hot path): the task has them.
      latest.explanation = { ...latest.explanation, taskType: task.type, priority: priorityOf(task.priority) };
    }
    return {
      taskId,
      decision: latest ? this.decisionDto(latest) : null,
      history: earlier.map((d) => ({
        id: d.id,
        decidedAt: d.decidedAt,
        source: d.source,
        agentId: d.agentId,
        agentName: d.agentId ? this.agentName(d.agentId) : null,
        actor: d.actor,
        why: this.whyOf(d),
      })),
      pinnedAgentId: this.store.pinOf(taskId)?.agent_id ?? null,
      exclusions: this.store.exclusionsOf(taskId).map((x) => ({
        agentId: x.agent_id,
        agentName: this.agentName(x.agent_id),
        reason: x.reason,
        kind: x.kind,
        actor: x.actor,
        at: x.at,
      })),
    };
  }

  /**
   * "Why not X?" worked out now for any agent, also one the recorded decision does not list (it
   * keeps KEEP_CANDIDATES / KEEP_EXCLUDED, a pull's view fewer): the engine decides again over the
   * live roster (agents it cannot reach are offline, with the reason), today's loads and the
   * learned models, without exploring and without recording anything. The task's own agent is
   * not counted as loaded by it. Finished tasks are answered too, as of now.
   */
  whyNotNow(taskId: string, agentId: string): WhyNotNowDto {
    const task = this.delegationTask(taskId);
    const holder = this.s.taskHolder.get(taskId);
    if (!task || !holder) throw notFound(`No task with id ${taskId}`);
    if (!this.rosterEntry(agentId)) throw notFound(`No agent with id ${agentId}`);
    const now = this.deps.clock.now();
    const live = this.liveAgents(now, taskId);
    const agents = live.agents;
    const asked = agents.find((a) => a.id === agentId)!;
    // Only the asked agent's part is needed: no reasons for the others (a big fleet's time went there).
    const e = this.engine.decide(task, agents, now, { explore: false, explainTop: 2, explainAlso: new Set([agentId]), excludedLimit: 0 }).explanation;
    const name = asked.name ?? agentId;
    const pin = this.pinOf(taskId);
    const pinNote = pin === null ? '' : ` The task is pinned to ${this.agentName(pin) ?? 'an agent'}: the engine does not choose for it while the pin holds.`;
    const head = { taskId, agentId, name, at: now };
    const candidate = e.candidates.find((c) => c.agentId === agentId);
    if (candidate && e.winner?.agentId === agentId) {
      return { ...head, kind: 'chosen', text: whyThisAgent({ ...e, excluded: [] }, { now: true }) + pinNote, reasons: [], total: candidate.total };
    }
    if (candidate) return { ...head, kind: 'lower', text: whyNotAgent(e, agentId) + pinNote, reasons: [], total: candidate.total };
    // Kept out by a rule: the same reasons a recorded decision gives, with the live roster's words for its status.
    const alone = this.engine.decide(task, [asked], now, { explore: false }).explanation;
    const ex = alone.excluded.find((x) => x.agentId === agentId);
    const excluded = ex ? withLiveNote(ex, live.notes) : { agentId, name, rules: [] };
    const text = excluded.rules.length > 0 ? whyNotAgent({ ...alone, excluded: [excluded] }, agentId) : `${name} was not among the agents the engine could consider for this task.`;
    return { ...head, kind: 'excluded', text: text + pinNote, reasons: excluded.rules.map((r) => r.reason), total: null };
  }

  /**
   * Waiting work no agent can take now (stuck-work.ts), from the waiting tasks counted by kind
   * (`readyKinds`, read off the main thread): judged against the live roster "Why not X?" uses,
   * with today's loads. An answer is shared for up to 2 s (every open dashboard asks every 5 s;
   * judging 60 kinds against 1,000 agents takes ~6 ms).
   */
  stuckWork(readyKinds: () => Promise<ReadyKindRow[]>): Promise<StuckWorkDto> {
    const asked = this.deps.clock.now();
    const last = this.stuckCache;
    if (last && asked >= last.at && asked - last.at < 2000) return last.answer;
    const answer = readyKinds().then((rows) => {
      const now = this.deps.clock.now();
      const live = this.liveAgents(now);
      return findStuckWork(rows, live.agents, live.notes, now, this.settings.timeZone);
    });
    const entry = { at: asked, answer };
    this.stuckCache = entry;
    // A failed read is not kept: the next caller reads again.
    answer.catch(() => {
      if (this.stuckCache === entry) this.stuckCache = null;
    });
    return answer;
  }

  profile(agentId: string): AgentProfileDto {
    const entry = this.rosterEntry(agentId);
    if (!entry) throw notFound(`No agent with id ${agentId}`);
    const p = this.engine.profile(agentId, entry.agent, this.deps.clock.now());
    return {
      agentId,
      name: entry.agent.name ?? null,
      observations: p.observations,
      durationFactor: p.durationFactor,
      reliabilityShift: p.reliabilityShift,
      recentWorkMs: p.recentWorkMs,
      types: p.types.map((t) => ({ ...t })),
      drift: { active: p.drift.active, events: p.drift.events.map((x) => ({ ...x })) },
    };
  }

  // ---------------------------------------------------------------------------------------
  // Learning
  // ---------------------------------------------------------------------------------------

  private learn(ended: AttemptEnded): void {
    if (this.disposed) return;
    const entry = this.rosterEntry(ended.agentId);
    const requires = parseJson<Record<string, number> | null>(ended.requires, null) ?? undefined;
    const drift = this.engine.observe({
      agentId: ended.agentId,
      taskType: ended.type,
      success: ended.success,
      durationMs: Math.max(1, ended.at - (ended.startedAt ?? ended.at)),
      at: ended.at,
      margin: entry ? skillMargin(entry.agent, requires) : undefined,
      group: entry?.agent.kind,
    });
    for (const ev of drift) {
      this.deps.log.info({ agentId: ended.agentId, type: ended.type, drift: ev }, 'agent behaviour changed');
      this.deps.bus.emit('delegation.driftDetected', {
        agentId: ended.agentId,
        agentName: entry?.agent.name ?? null,
        taskType: ended.type,
        metric: ev.metric,
        direction: ev.direction,
        at: ev.at,
      });
    }
    this.engineDirty = true;
    this.scheduleSave();
  }

  // ---------------------------------------------------------------------------------------
  // Task classifier
  // ---------------------------------------------------------------------------------------

  /** Learns from tasks created since the last time (title -> type, requires). */
  private trainFromHistory(): void {
    for (;;) {
      const rows = this.s.tasksAfter.all(this.classifierMark, 2000);
      if (rows.length === 0) return;
      for (const r of rows) {
        this.classifier.learn({ text: r.title, type: r.type, skills: parseJson<Record<string, number> | null>(r.requires, null) ?? {} });
      }
      this.classifierMark = rows[rows.length - 1]!.id;
      this.classifierDirty = true;
      if (rows.length < 2000) break;
    }
    if (this.classifierDirty) this.scheduleSave();
  }

  suggest(text: string): TaskSuggestion {
    this.trainFromHistory();
    const s = this.classifier.suggest(text);
    const [best, ...rest] = s.types;
    return {
      type: best?.type ?? null,
      confidence: best?.probability ?? 0,
      skills: Object.fromEntries(s.skills.map((k) => [k.skill, k.level])),
      alternatives: rest.map((t) => ({ type: t.type, p: t.probability })),
      trainedOn: this.classifier.size,
    };
  }

  /** A supervisor's correction, saved in the caller's transaction. */
  correct(text: string, type: string, requires: Readonly<Record<string, number>>): TaskSuggestion {
    this.trainFromHistory();
    this.classifier.correct(text, type, requires);
    this.store.putState('classifier', { snapshot: this.classifier.toJSON(), mark: this.classifierMark }, this.deps.clock.now());
    this.classifierDirty = false;
    return this.suggest(text);
  }

  // ---------------------------------------------------------------------------------------
  // What if
  // ---------------------------------------------------------------------------------------

  /**
   * Runs in slices; at most two at once, so what-ifs cannot starve the live work of CPU.
   * onProgress hears how far it is, at once and then at most every 100 ms.
   */
  async simulate(input: WhatIfInput, onProgress?: (progress: WhatIfProgress) => void): Promise<SimulationDto> {
    if (this.simulations >= 2) throw new AppError('unavailable', 'Two simulations are running already; try again when one is done');
    if (this.disposed) throw new AppError('unavailable', 'The host is shutting down');
    this.simulations++;
    try {
      return await this.runSimulation(input, onProgress);
    } finally {
      this.simulations--;
    }
  }

  private runSimulation(input: WhatIfInput, onProgress: ((progress: WhatIfProgress) => void) | undefined): Promise<SimulationDto> {
    return runWhatIf(input, {
      sqlite: this.deps.sqlite,
      engine: this.engine,
      now: this.deps.clock.now(),
      agentRows: () => this.deps.agents.rows(),
      agentFromRow: (r, now, from, to) => this.agentFromRow(r, now, from, to).agent,
      unreachable: () => {
        // The live roster's judgement (an agent that asked for work lately is reachable): offline there, not by its status.
        const live = this.liveAgents(this.deps.clock.now());
        const base = this.roster();
        const out = new Map<string, string>();
        for (const a of live.agents) {
          // People are planned by their shifts and presence, not by a connection.
          if (a.kind === 'human' || a.status !== 'offline' || base.byId.get(a.id)?.agent.status === 'offline') continue;
          out.set(a.id, live.notes.get(a.id) ?? 'Not connected');
        }
        return out;
      },
      timeZone: this.settings.timeZone,
      taskExtra: (id) => this.taskExtra(id),
      aborted: () => this.disposed,
      ...(onProgress ? { onProgress } : {}),
    });
  }

  // ---------------------------------------------------------------------------------------
  // Persistence
  // ---------------------------------------------------------------------------------------

  private scheduleSave(): void {
    if (this.saveTimer || this.disposed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.save();
    }, this.deps.saveDelayMs ?? 5000);
    this.saveTimer.unref();
  }

  /** Writes the learned models and the classifier if they changed (the timer and dispose call it). */
  save(): void {
    if (!this.engineDirty && !this.classifierDirty) return;
    try {
      const at = this.deps.clock.now();
      this.deps.sqlite.transaction(() => {
        if (this.engineDirty) this.store.putState('engine', this.engine.snapshot(), at);
        if (this.classifierDirty) this.store.putState('classifier', { snapshot: this.classifier.toJSON(), mark: this.classifierMark }, at);
      })();
      this.engineDirty = false;
      this.classifierDirty = false;
    } catch (error) {
      this.deps.log.error({ err: error }, 'could not save the learned delegation state');
    }
  }

  /** Saves what is unsaved and stops the timer; close() also waits for the joint-round worker to end. */
  dispose(): void {
    if (this.disposed) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.save();
    this.disposed = true;
    this.closing = this.jointPool.close().catch((error: unknown) => this.deps.log.warn({ err: error }, 'the joint-round worker did not stop cleanly'));
  }

  /** dispose(), then the joint-round worker thread has ended (host.close()). */
  async close(): Promise<void> {
    this.dispose();
    await this.closing;
  }
}
