// THE contract between the renderer and the engine room: every call and every event, as data.
// Pure TypeScript + zod, imported by electron/, preload/ and renderer/. Nothing here runs I/O.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Roles and errors
// ---------------------------------------------------------------------------------------------

export const ROLES = ['operator', 'supervisor', 'engineer', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Who may make a call: a role (and every role above it), or anyone, even without a session. */
export type Access = Role | 'public';

const ROLE_RANK: Record<Role, number> = { operator: 1, supervisor: 2, engineer: 3, admin: 4 };

/** True when `role` is at least `needed` in operator < supervisor < engineer < admin. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

export const ERROR_CODES = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'unavailable',
  'internal',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const BridgeErrorData = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type BridgeErrorData = z.infer<typeof BridgeErrorData>;

// ---------------------------------------------------------------------------------------------
// Shared value schemas
// ---------------------------------------------------------------------------------------------

/** Sortable ids (ULID: 26 Crockford base32 characters). */
export const Id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an id');
/** Integer milliseconds since the Unix epoch, UTC. */
export const Millis = z.number().int().nonnegative();

export const Username = z
  .string()
  .trim()
  .min(3, 'at least 3 characters')
  .max(64, 'at most 64 characters')
  .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');
export const Password = z
  .string()
  .min(10, 'at least 10 characters')
  .max(256, 'at most 256 characters');
/** A password typed at login: never length-checked beyond a sane cap, so old passwords still work. */
const LoginPassword = z.string().min(1, 'required').max(256);
export const DisplayName = z.string().trim().min(1, 'required').max(120);

export const UserDto = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  role: Role,
  disabled: z.boolean(),
  lockedUntil: Millis.nullable(),
  createdAt: Millis,
  lastLoginAt: Millis.nullable(),
});
export type UserDto = z.infer<typeof UserDto>;

export const SessionDto = z.object({
  token: z.string(),
  user: UserDto,
  expiresAt: Millis,
  idleLockMs: z.number().int().positive(),
});
export type SessionDto = z.infer<typeof SessionDto>;

export const AUDIT_OUTCOMES = ['ok', ...ERROR_CODES] as const;
export const AuditOutcome = z.enum(AUDIT_OUTCOMES);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  id: Id,
  ts: Millis,
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  outcome: AuditOutcome,
  target: z.string().nullable(),
  details: z.unknown(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * An agent's routine work over the gateway: claims, heartbeats and reports that went through. They
 * are audited like every call, but a person reading the trail can hide them (audit.list
 * hideAgentRoutine): refused ones, task creation and cancellation by agents stay.
 */
export const AGENT_ROUTINE_ACTIONS = ['gateway.claim', 'gateway.heartbeat', 'gateway.complete', 'gateway.completeBatch', 'gateway.fail'] as const;

export function isAgentRoutine(entry: { action: string; outcome: AuditOutcome }): boolean {
  return entry.outcome === 'ok' && (AGENT_ROUTINE_ACTIONS as readonly string[]).includes(entry.action);
}

export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int().nonnegative(),
  firstBadSeq: z.number().int().nullable(),
  problem: z.string().nullable(),
});
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;

export const Settings = z.object({
  siteName: z.string().trim().min(1).max(120),
  sessionIdleLockMinutes: z.number().int().min(1).max(240),
  sessionMaxHours: z.number().int().min(1).max(72),
  lockoutThreshold: z.number().int().min(3).max(20),
  lockoutMinutes: z.number().int().min(1).max(1440),
  /** Finished tasks older than this are rolled into daily aggregates, then pruned (read on every run). */
  taskRetentionDays: z.number().int().min(1).max(3650),
  /** Waiting work moves up one priority level per taskAgingStepMinutes, so low work is never starved. */
  taskAging: z.boolean(),
  taskAgingStepMinutes: z.number().int().min(1).max(1440),
});
export type Settings = z.infer<typeof Settings>;

export const SystemInfo = z.object({
  version: z.string(),
  mode: z.enum(['desktop', 'headless']),
  dataDir: z.string(),
  dbPath: z.string(),
  startedAt: Millis,
  schemaVersion: z.number().int(),
  node: z.string(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

// ---------------------------------------------------------------------------------------------
// Agents and tasks: the agent registry, its API keys and the durable task queue
// ---------------------------------------------------------------------------------------------

/** A JSON value: what a task's payload, result and error details may hold. */
export const JsonValue = z.json();
export type JsonValue = z.infer<typeof JsonValue>;

export const SkillName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.:-]{0,63}$/, 'a skill is 1-64 letters, digits, dot, colon, dash or underscore');
/** 1 (can just do it) to 5 (expert). */
export const SkillLevel = z.number().int().min(1).max(5);
export const SkillMap = z
  .record(SkillName, SkillLevel)
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 skills');
export type SkillMap = z.infer<typeof SkillMap>;
export const Tag = z.string().trim().min(1, 'required').max(64);
const Tags = z.array(Tag).max(20, 'at most 20 tags');

export const AGENT_KINDS = ['robot', 'software', 'human'] as const;
export const AgentKind = z.enum(AGENT_KINDS);
export type AgentKind = z.infer<typeof AgentKind>;
/** Only `available` agents are given new work; the others keep what they hold. */
export const AGENT_STATUSES = ['available', 'busy', 'paused', 'offline', 'fault', 'estopped'] as const;
export const AgentStatus = z.enum(AGENT_STATUSES);
export type AgentStatus = z.infer<typeof AgentStatus>;
export const AgentName = z
  .string()
  .trim()
  .min(1, 'required')
  .max(64, 'at most 64 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9 ._-]*$/, 'letters, digits, space, dot, dash and underscore only');
/** Tasks an agent may hold at once. */
export const AgentCapacity = z.number().int().min(1).max(1000);

/** People: what they say about themselves in the app. Only `available` people are offered work. */
export const PRESENCES = ['available', 'away', 'on_break'] as const;
export const Presence = z.enum(PRESENCES);
export type Presence = z.infer<typeof Presence>;

/** "HH:MM", 24 h, in the site's time zone (delegation settings). */
export const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');
export const AVAILABILITY_KINDS = ['shift', 'break', 'maintenance'] as const;
/** "YYYY-MM-DD", a real calendar day (no 2026-02-30), years 2000-2099. */
export const CalendarDate = z
  .string()
  .regex(/^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date as YYYY-MM-DD')
  .refine((text) => {
    const [y, m, d] = text.split('-').map(Number);
    // A malformed text was refused by the regex already.
    return y === undefined || m === undefined || d === undefined || new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
  }, 'not a day in the calendar');
/**
 * A window, weekly unless dated. shift: when any are listed, new work only inside one (people);
 * break: no new work (people); maintenance: no new work (robots, anyone). end <= start crosses
 * midnight. days: 0 = Sunday .. 6 = Saturday (the day the window starts); absent: every day.
 * date: that one day only (the day it starts, site time zone), instead of days.
 */
export const AvailabilityWindow = z
  .object({
    kind: z.enum(AVAILABILITY_KINDS),
    start: ClockTime,
    end: ClockTime,
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7).optional(),
    date: CalendarDate.optional(),
  })
  .strict()
  .refine((w) => w.date === undefined || w.days === undefined, { message: 'a window on a date takes no weekdays', path: ['days'] });
export type AvailabilityWindow = z.infer<typeof AvailabilityWindow>;
export const Certification = z
  .object({
    name: z.string().trim().min(1, 'required').max(64, 'at most 64 characters'),
    /** null: does not expire. */
    expiresAt: Millis.nullable().default(null),
  })
  .strict();
export const ZoneName = z.string().trim().min(1, 'required').max(64, 'at most 64 characters');
export const CostPerHour = z.number().min(0).max(1_000_000);

export const AgentDto = z.object({
  id: Id,
  name: z.string(),
  kind: AgentKind,
  skills: z.record(z.string(), z.number()),
  capacity: z.number().int(),
  status: AgentStatus,
  tags: z.array(z.string()),
  createdAt: Millis,
  updatedAt: Millis,
  lastSeenAt: Millis.nullable(),
  /** Tasks it holds now (assigned or running). */
  load: z.number().int().nonnegative(),
  /** Where it works (a zone or station name); scores the way to the work. */
  zone: z.string().nullable(),
  costPerHour: z.number().nullable(),
  certifications: z.array(z.object({ name: z.string(), expiresAt: Millis.nullable() })),
  availability: z.array(AvailabilityWindow),
  /** People: the user account whose My work inbox shows this agent's tasks. */
  userId: z.string().nullable(),
  /** People: what they said in the app (null for robots and software). */
  presence: Presence.nullable(),
});
export type AgentDto = z.infer<typeof AgentDto>;

/** agent: claim and report its own tasks; submit: create and read tasks; admin: everything. */
export const API_KEY_SCOPES = ['agent', 'submit', 'admin'] as const;
export const ApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const ApiKeyDto = z.object({
  id: Id,
  agentId: Id,
  name: z.string(),
  /** The first characters of the key (`dlg_<prefix>_…`), so people can tell keys apart. */
  prefix: z.string(),
  scopes: z.array(ApiKeyScope),
  createdAt: Millis,
  revokedAt: Millis.nullable(),
  lastUsedAt: Millis.nullable(),
});
export type ApiKeyDto = z.infer<typeof ApiKeyDto>;

/**
 * pending: waits for its runAt · ready: may be claimed · blocked: a dependency is unfinished ·
 * assigned: offered to one agent, not started · running: an attempt holds a lease ·
 * failed / timed_out: the attempt ended badly, a retry waits for its backoff ·
 * succeeded / cancelled / dead (attempts used up or not retryable): finished.
 */
export const TASK_STATES = [
  'pending',
  'ready',
  'blocked',
  'assigned',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'dead',
] as const;
export const TaskState = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof TaskState>;
export const FINISHED_TASK_STATES = ['succeeded', 'cancelled', 'dead'] as const satisfies readonly TaskState[];

export const TASK_PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
export const TaskPriority = z.enum(TASK_PRIORITIES);
export type TaskPriority = z.infer<typeof TaskPriority>;

export const TaskType = z
  .string()
  .trim()
  .min(1, 'required')
  .max(64, 'at most 64 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.:/-]*$/, 'letters, digits, dot, colon, slash, dash and underscore only');
export const TaskBackoff = z
  .object({
    /** First retry delay; doubles per failure. */
    baseMs: z.number().int().min(0).max(3_600_000),
    /** Cap of the delay. */
    maxMs: z.number().int().min(0).max(86_400_000),
  })
  .strict();

/** A new task. Omitted fields take the queue's defaults (priority normal, 3 attempts, 1 s .. 30 s backoff). */
export const TaskInput = z
  .object({
    type: TaskType,
    /** Defaults to the type. */
    title: z.string().trim().min(1, 'required').max(200, 'at most 200 characters').optional(),
    /** Size-capped (256 KiB by default). */
    payload: JsonValue.optional(),
    priority: TaskPriority.optional(),
    /** Skills an agent needs, with the lowest level that will do. */
    requires: SkillMap.optional(),
    /** When it should be done by (shown, and used to rank; a late task still runs). */
    deadline: Millis.optional(),
    /** Not before this time (delayed start). */
    runAt: Millis.optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    backoff: TaskBackoff.partial().optional(),
    /** Per attempt; an attempt running longer ends timed_out. */
    timeoutMs: z.number().int().min(100).max(7 * 86_400_000).optional(),
    /** The same key with the same content returns the existing task; with other content it is a conflict. */
    idempotencyKey: z.string().min(1).max(200).optional(),
    /** Tasks that must succeed first. Unknown ids are refused. */
    dependsOn: z.array(Id).max(100, 'at most 100 dependencies').optional(),
    tags: Tags.optional(),
    workflowRunId: Id.optional(),
    workflowStepId: z.string().min(1).max(64).optional(),
  })
  .strict();
export type TaskInput = z.input<typeof TaskInput>;
export type TaskSpec = z.output<typeof TaskInput>;

export const TASK_BATCH_MAX = 1000;
/** A task inside a batch may name itself (ref) so later items of the same batch can depend on it. */
export const TaskBatchItem = TaskInput.extend({
  ref: z.string().min(1).max(64).optional(),
  dependsOnRefs: z.array(z.string().min(1).max(64)).max(100).optional(),
}).strict();
export type TaskBatchItem = z.output<typeof TaskBatchItem>;
export const TaskBatchInput = z
  .object({ tasks: z.array(TaskBatchItem).min(1, 'at least one task').max(TASK_BATCH_MAX, `at most ${TASK_BATCH_MAX} tasks`) })
  .strict();

export const TaskError = z.object({
  message: z.string(),
  code: z.string().optional(),
  retryable: z.boolean().optional(),
  details: JsonValue.optional(),
});
export type TaskError = z.infer<typeof TaskError>;

/** What an agent reports while it works (heartbeat). */
export const TaskProgress = z
  .object({
    percent: z.number().min(0).max(100).optional(),
    message: z.string().max(500).optional(),
  })
  .strict();
export type TaskProgress = z.infer<typeof TaskProgress>;

/** A task without its payload and result: what lists and events carry. */
export const TaskSummary = z.object({
  id: Id,
  type: z.string(),
  title: z.string(),
  priority: TaskPriority,
  state: TaskState,
  requires: z.record(z.string(), z.number()),
  deadline: Millis.nullable(),
  runAt: Millis.nullable(),
  maxAttempts: z.number().int(),
  /** Deliveries so far (1 on the first claim); an agent reports with the attempt it was given. */
  attempt: z.number().int().nonnegative(),
  /** Attempts that ended failed, timed out or with a lost lease (counted against maxAttempts). */
  failures: z.number().int().nonnegative(),
  backoff: z.object({ baseMs: z.number().int(), maxMs: z.number().int() }),
  timeoutMs: z.number().int().nullable(),
  idempotencyKey: z.string().nullable(),
  dependsOn: z.array(z.string()),
  tags: z.array(z.string()),
  creator: z.string().nullable(),
  workflowRunId: z.string().nullable(),
  workflowStepId: z.string().nullable(),
  assignedAgentId: z.string().nullable(),
  leaseExpiresAt: Millis.nullable(),
  startedAt: Millis.nullable(),
  finishedAt: Millis.nullable(),
  lastError: TaskError.nullable(),
  progress: TaskProgress.nullable(),
  cancelRequested: z.boolean(),
  cancelReason: z.string().nullable(),
  createdAt: Millis,
  updatedAt: Millis,
});
export type TaskSummary = z.infer<typeof TaskSummary>;

export const TaskDto = TaskSummary.extend({ payload: JsonValue, result: JsonValue.nullable() });
export type TaskDto = z.infer<typeof TaskDto>;

/** One row of a task's timeline: a state transition (from -> to) or a note (priority, cancel request). */
export const TaskEventDto = z.object({
  seq: z.number().int().positive(),
  at: Millis,
  kind: z.string(),
  from: TaskState.nullable(),
  to: TaskState,
  attempt: z.number().int().nonnegative(),
  agentId: z.string().nullable(),
  actor: z.string().nullable(),
  note: z.string().nullable(),
});
export type TaskEventDto = z.infer<typeof TaskEventDto>;

export const TASK_SORTS = ['created', 'updated', 'priority', 'deadline', 'state', 'type'] as const;
export const TASK_PAGE_MAX = 500;
export const TaskListInput = z
  .object({
    status: z.array(TaskState).max(TASK_STATES.length).optional(),
    priority: z.array(TaskPriority).max(TASK_PRIORITIES.length).optional(),
    type: z.string().max(64).optional(),
    agentId: Id.optional(),
    tag: z.string().max(64).optional(),
    /** Matched against title, type and id. */
    search: z.string().max(200).optional(),
    sort: z.enum(TASK_SORTS).default('created'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(TASK_PAGE_MAX).default(100),
    /** nextCursor of the previous page (same filters and sort). */
    cursor: z.string().max(512).optional(),
  })
  .strict();
export type TaskListQuery = z.output<typeof TaskListInput>;
export const TaskPage = z.object({
  tasks: z.array(TaskSummary),
  /** Tasks matching the filters, all pages together. */
  total: z.number().int().nonnegative(),
  nextCursor: z.string().nullable(),
});
export type TaskPage = z.infer<typeof TaskPage>;

const Count = z.number().int().nonnegative();

/** The floor at a glance (the dashboard): tasks by state now, and the queue's last hour by minute. */
export const TaskOverview = z.object({
  at: Millis,
  /** The minutes count what happened since then (the host's start) or within the hour. */
  countingSince: Millis,
  /** Tasks by state and priority (finished ones until retention prunes them); missing pairs are 0. */
  depth: z.array(z.object({ state: TaskState, priority: TaskPriority, count: Count })),
  /** One entry per minute, oldest first, the current one last (still counting). */
  minutes: z.array(
    z.object({
      at: Millis,
      created: Count,
      /** Attempts started. */
      claimed: Count,
      succeeded: Count,
      /** Attempts that failed (lost leases included). */
      failed: Count,
      timedOut: Count,
      leaseExpired: Count,
      cancelled: Count,
      dead: Count,
    }),
  ),
});
export type TaskOverview = z.infer<typeof TaskOverview>;

/** Waiting work no agent can take now, by kind (what decides who may take it), the most harmful first. */
export const StuckWorkDto = z.object({
  at: Millis,
  /** Tasks waiting for an agent (ready), all kinds. */
  waiting: Count,
  /** Of them, in the kinds below (all of them, also past the listed ones). */
  stuck: Count,
  kinds: z.array(
    z.object({
      type: z.string(),
      requires: z.record(z.string(), z.number()),
      /** The tags that steer delegation (cert:, kind:, zone:, zone-strict). */
      tags: z.array(z.string()),
      /** The most urgent priority among them. */
      priority: TaskPriority,
      count: Count,
      oldestCreatedAt: Millis,
      /** nobody: no agent could ever take it; unavailable: those that could are all stopped. */
      reason: z.enum(['nobody', 'unavailable']),
      text: z.string(),
      /** unavailable: the agents that could take it (at most 5) and why each is not taking work. */
      agents: z.array(z.object({ id: Id, name: z.string(), why: z.string() })),
    }),
  ),
  /** Further stuck kinds not listed. */
  more: Count,
});
export type StuckWorkDto = z.infer<typeof StuckWorkDto>;

export const TaskDetails = z.object({
  task: TaskDto,
  timeline: z.array(TaskEventDto),
  dependencies: z.array(TaskSummary),
  dependents: z.array(TaskSummary),
  /** Dependency ids whose tasks were pruned by retention. */
  prunedDependencies: z.array(z.string()),
});
export type TaskDetails = z.infer<typeof TaskDetails>;

const AgentFields = {
  name: AgentName,
  kind: AgentKind,
  skills: SkillMap,
  capacity: AgentCapacity,
  status: AgentStatus,
  tags: Tags,
  zone: ZoneName.nullable(),
  costPerHour: CostPerHour.nullable(),
  certifications: z.array(Certification).max(50, 'at most 50 certifications'),
  availability: z.array(AvailabilityWindow).max(50, 'at most 50 windows'),
  userId: Id.nullable(),
  presence: Presence,
};
export const AgentInput = z
  .object({
    ...AgentFields,
    skills: AgentFields.skills.optional(),
    capacity: AgentFields.capacity.optional(),
    status: AgentFields.status.optional(),
    tags: AgentFields.tags.optional(),
    zone: AgentFields.zone.optional(),
    costPerHour: AgentFields.costPerHour.optional(),
    certifications: AgentFields.certifications.optional(),
    availability: AgentFields.availability.optional(),
    userId: AgentFields.userId.optional(),
    presence: AgentFields.presence.optional(),
  })
  .strict();
export type AgentInput = z.output<typeof AgentInput>;
export const AgentPatch = z
  .object({
    name: AgentFields.name.optional(),
    kind: AgentFields.kind.optional(),
    skills: AgentFields.skills.optional(),
    capacity: AgentFields.capacity.optional(),
    status: AgentFields.status.optional(),
    tags: AgentFields.tags.optional(),
    zone: AgentFields.zone.optional(),
    costPerHour: AgentFields.costPerHour.optional(),
    certifications: AgentFields.certifications.optional(),
    availability: AgentFields.availability.optional(),
    userId: AgentFields.userId.optional(),
    presence: AgentFields.presence.optional(),
  })
  .strict();
export type AgentPatch = z.output<typeof AgentPatch>;
export const ApiKeyName = z.string().trim().min(1, 'required').max(64, 'at most 64 characters');
export const ApiKeyScopes = z.array(ApiKeyScope).min(1, 'at least one scope').max(API_KEY_SCOPES.length);

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

// ---------------------------------------------------------------------------------------------
// Delegation: who gets each task, why, what was learned, and what-ifs
// ---------------------------------------------------------------------------------------------

/** The score components, each in [0, 1]. */
export const DELEGATION_COMPONENTS = ['capability', 'success', 'speed', 'deadline', 'load', 'zone', 'cost', 'fairness'] as const;
export type DelegationComponent = (typeof DELEGATION_COMPONENTS)[number];
const Weight = z.number().min(0).max(1);
export const DelegationWeights = z
  .object({
    capability: Weight,
    success: Weight,
    speed: Weight,
    deadline: Weight,
    load: Weight,
    zone: Weight,
    cost: Weight,
    fairness: Weight,
  })
  .strict();
export type DelegationWeights = z.infer<typeof DelegationWeights>;
export const DelegationComponents = z.object({
  capability: z.number(),
  success: z.number(),
  speed: z.number(),
  deadline: z.number(),
  load: z.number(),
  zone: z.number(),
  cost: z.number(),
  fairness: z.number(),
});

/** A site's zone distance table holds at most this many pairs. */
export const ZONE_DISTANCES_MAX = 200;
/**
 * How far apart two zones are, 0 (the same place) to 1 (far); either way round. Zones are the
 * agents' zone and the tasks' `zone:` tag, as written. Pairs not listed count as far (1).
 */
export const ZoneDistance = z.object({ a: ZoneName, b: ZoneName, distance: z.number().min(0).max(1) }).strict();
export type ZoneDistance = z.infer<typeof ZoneDistance>;
/** The whole table as set: each pair once (in either order), never a zone with itself. */
export const ZoneDistances = z
  .array(ZoneDistance)
  .max(ZONE_DISTANCES_MAX, `at most ${ZONE_DISTANCES_MAX} pairs`)
  .superRefine((pairs, ctx) => {
    const seen = new Set<string>();
    pairs.forEach((p, i) => {
      if (p.a === p.b) ctx.addIssue({ code: 'custom', path: [i, 'b'], message: `a zone is always 0 from itself: ${p.a} needs no row` });
      const key = JSON.stringify(p.a < p.b ? [p.a, p.b] : [p.b, p.a]);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'b'], message: `${p.a} and ${p.b} are listed twice` });
      seen.add(key);
    });
  });

/**
 * Pulls (an agent asks for work): the agent takes a task unless another free agent fits it better
 * by more than the margin (0 to PULL_MARGIN_MAX of the score without load and fair share); then the
 * task waits for that agent at most the hold time (0 to PULL_HOLD_SECONDS_MAX s; 0: never waits).
 */
export const PULL_MARGIN_MAX = 0.5;
export const PULL_HOLD_SECONDS_MAX = 600;
const PullMargin = z.number().min(0).max(PULL_MARGIN_MAX);
const PullHoldSeconds = z.number().int().min(0).max(PULL_HOLD_SECONDS_MAX);

export const DelegationSettings = z.object({
  weights: z.object({
    /** Used for every task type without its own. */
    default: DelegationWeights,
    /** Per task type: the components it overrides. */
    byType: z.record(z.string(), DelegationWeights.partial()),
  }),
  /** Share of non-critical decisions that may try a less-known agent (Thompson sampling). 0: never. */
  explorationRate: z.number().min(0).max(0.5),
  /** IANA time zone the availability windows (HH:MM) and the reasons' clock times are in. */
  timeZone: z.string(),
  /** How long a person has to accept a task offered to them before it goes to someone else. */
  humanOfferMinutes: z.number().int(),
  /** A pull's task goes to the asking agent unless a free agent fits it better by more than this. 0: the best-fitting free agent only. */
  pullMargin: PullMargin,
  /** At most this long a pulled task waits for the better-fitting agent, s. 0: never, the asking agent takes it. */
  pullHoldSeconds: PullHoldSeconds,
  /** The site's zone distance table (absent: none set, every other zone counts as far). */
  zoneDistances: z.array(ZoneDistance).optional(),
});
export type DelegationSettings = z.infer<typeof DelegationSettings>;

export const CandidateDto = z.object({
  agentId: z.string(),
  name: z.string(),
  kind: z.string(),
  total: z.number(),
  components: DelegationComponents,
  predicted: z.object({
    success: z.number(),
    durationMs: z.number(),
    waitMs: z.number(),
    finishAt: z.number(),
    /** Only with a deadline. */
    onTime: z.number().nullable(),
    cost: z.number().nullable(),
    /** Recent outcomes behind the prediction (decayed): how sure it is. */
    evidence: z.number(),
    load: z.number(),
    capacity: z.number(),
    zone: z.string().nullable(),
  }),
});
export type CandidateDto = z.infer<typeof CandidateDto>;
export const ExcludedAgentDto = z.object({
  agentId: z.string(),
  name: z.string(),
  /** Every rule that kept it out, each in plain words. */
  rules: z.array(z.object({ rule: z.string(), reason: z.string(), until: Millis.optional() })),
});
export type ExcludedAgentDto = z.infer<typeof ExcludedAgentDto>;

/** engine: the engine chose among the free agents (push) · pull: the agent asked for work and was first in line for it · pin / reassign: a supervisor chose. */
export const DECISION_SOURCES = ['engine', 'pull', 'pin', 'reassign'] as const;
export const DecisionDto = z.object({
  id: z.string(),
  taskId: z.string(),
  decidedAt: Millis,
  source: z.enum(DECISION_SOURCES),
  /** The supervisor behind a pin or re-assignment. */
  actor: z.string().nullable(),
  /** null: nobody could take it at that moment (why says who was kept out and why). */
  agentId: z.string().nullable(),
  agentName: z.string().nullable(),
  taskType: z.string(),
  priority: TaskPriority,
  explored: z.boolean(),
  weights: DelegationComponents,
  winner: CandidateDto.nullable(),
  runnerUp: CandidateDto.nullable(),
  /** Best first. */
  candidates: z.array(CandidateDto),
  excluded: z.array(ExcludedAgentDto),
  /** "Why this agent?" in plain words. */
  why: z.string(),
  /** "Why not X?" for every other candidate and excluded agent. */
  whyNot: z.array(z.object({ agentId: z.string(), name: z.string(), text: z.string() })),
});
export type DecisionDto = z.infer<typeof DecisionDto>;
export const TaskExclusionDto = z.object({
  agentId: z.string(),
  agentName: z.string().nullable(),
  reason: z.string(),
  /** 'supervisor' (by hand), 'declined', 'offer_timeout', 'failed'. */
  kind: z.string(),
  actor: z.string().nullable(),
  at: Millis,
});
export type TaskExclusionDto = z.infer<typeof TaskExclusionDto>;
export const TaskDelegationDto = z.object({
  taskId: z.string(),
  /** The latest decision; null before the first. */
  decision: DecisionDto.nullable(),
  /** Earlier decisions (re-delegations), newest first, without their candidate lists. */
  history: z.array(
    z.object({ id: z.string(), decidedAt: Millis, source: z.enum(DECISION_SOURCES), agentId: z.string().nullable(), agentName: z.string().nullable(), actor: z.string().nullable(), why: z.string() }),
  ),
  pinnedAgentId: z.string().nullable(),
  exclusions: z.array(TaskExclusionDto),
});
export type TaskDelegationDto = z.infer<typeof TaskDelegationDto>;
/**
 * "Why not X?" worked out now (not recorded): for an agent a recorded decision does not list (it
 * keeps only so many), against the current roster, loads and learned models.
 * chosen: the engine would pick it now · lower: another agent scores higher · excluded: a rule keeps it out.
 */
export const WHY_NOT_NOW_KINDS = ['chosen', 'lower', 'excluded'] as const;
export const WhyNotNowDto = z.object({
  taskId: z.string(),
  agentId: z.string(),
  name: z.string(),
  kind: z.enum(WHY_NOT_NOW_KINDS),
  /** In plain words. */
  text: z.string(),
  /** Kept out by rules: each reason on its own (empty otherwise). */
  reasons: z.array(z.string()),
  /** Its score now when it could take the task. */
  total: z.number().nullable(),
  /** When this was worked out. */
  at: Millis,
});
export type WhyNotNowDto = z.infer<typeof WhyNotNowDto>;

export const TypeProfileDto = z.object({
  type: z.string(),
  /** Outcomes ever seen for this agent and type. */
  observations: z.number(),
  /** Posterior mean and 90% credible interval; ess: effective (decayed) observations. */
  success: z.object({ mean: z.number(), low: z.number(), high: z.number(), ess: z.number() }),
  duration: z.object({ medianMs: z.number(), meanMs: z.number(), p10Ms: z.number(), p90Ms: z.number(), ess: z.number() }),
  confidence: z.enum(['low', 'medium', 'high']),
  lastAt: z.number(),
});
export const DriftEventDto = z.object({
  metric: z.enum(['duration', 'success']),
  direction: z.enum(['slower', 'faster', 'worse', 'better']),
  at: Millis,
  observation: z.number(),
});
export const AgentProfileDto = z.object({
  agentId: z.string(),
  name: z.string().nullable(),
  observations: z.number(),
  /** < 1: faster than the typical agent on the same work. */
  durationFactor: z.number(),
  reliabilityShift: z.number(),
  recentWorkMs: z.number(),
  types: z.array(TypeProfileDto),
  /** active: its behaviour changed recently (slower, faster, worse, better); old evidence was cut. */
  drift: z.object({ active: z.boolean(), events: z.array(DriftEventDto) }),
});
export type AgentProfileDto = z.infer<typeof AgentProfileDto>;

export const TaskSuggestion = z.object({
  /** Best guess; null when the classifier has not seen any task yet. */
  type: z.string().nullable(),
  confidence: z.number(),
  /** Skills it probably needs, with the level usually asked for. */
  skills: z.record(z.string(), z.number()),
  alternatives: z.array(z.object({ type: z.string(), p: z.number() })),
  /** Examples it learned from (history and corrections). */
  trainedOn: z.number(),
});
export type TaskSuggestion = z.infer<typeof TaskSuggestion>;

/** An agent that exists only in a what-if. likeAgentId copies an agent's learned record and fields. */
export const SimAgentInput = z
  .object({
    name: AgentName,
    kind: AgentKind,
    likeAgentId: Id.optional(),
    skills: SkillMap.optional(),
    capacity: AgentCapacity.optional(),
    zone: ZoneName.nullable().optional(),
    costPerHour: CostPerHour.nullable().optional(),
    availability: z.array(AvailabilityWindow).max(50).optional(),
  })
  .strict();
export const SimScenarioInput = z
  .object({
    name: z.string().trim().min(1, 'required').max(64),
    addAgents: z.array(SimAgentInput).max(50).optional(),
    removeAgentIds: z.array(Id).max(500).optional(),
    /** Replace these agents' availability (another shift pattern). */
    shifts: z.array(z.object({ agentId: Id, availability: z.array(AvailabilityWindow).max(50) }).strict()).max(500).optional(),
    /** Weights for every type in this scenario (the rest as set). */
    weights: DelegationWeights.partial().optional(),
  })
  .strict();
export const SimRunId = z
  .string()
  .min(1, 'required')
  .max(64, 'at most 64 characters')
  .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, dash and underscore only');
export const SIM_CSV_MAX_CHARS = 2_000_000;
export const SIM_TASKS_MAX = 20_000;
/** A what-if may start at most this far ahead (a start up to SIM_START_GRACE_MS ago counts as now). */
export const SIM_START_AHEAD_MAX_MS = 14 * 86_400_000;
export const SIM_START_GRACE_MS = 60_000;
/** Agents' current status (fault, e-stop, offline, paused) counts only for a start within this of now. */
export const SIM_STATUS_COUNTS_MS = 3_600_000;
export const SimulateInput = z
  .object({
    /**
     * queue: the unfinished tasks now (waiting ones arrive at the start, delayed ones at their runAt if later).
     * csv: a header row, then one task per line: type (required), title, priority, requires
     * ("weld:3;inspect:2"), arrivalMinutes (after the start), deadlineMinutes (after the start).
     */
    source: z.enum(['queue', 'csv']),
    csv: z.string().max(SIM_CSV_MAX_CHARS, `at most ${SIM_CSV_MAX_CHARS} characters`).optional(),
    /** Availability windows are laid out over this horizon; queued tasks due later are left out. */
    horizonHours: z.number().min(1).max(24 * 14).default(24),
    /**
     * When the simulated day starts (default now): shifts are laid out, CSV minutes and queued
     * tasks' arrivals count from it. From now (a minute's grace) to SIM_START_AHEAD_MAX_MS ahead.
     */
    startAt: Millis.optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    scenarios: z.array(SimScenarioInput).max(8, 'at most 8 scenarios').default([]),
    /** Chosen by the caller: the run's progress events carry it, so a page shows only its own run. */
    runId: SimRunId.optional(),
  })
  .strict()
  .refine((v) => v.source !== 'csv' || (v.csv !== undefined && v.csv.trim().length > 0), { message: 'csv is required when source is csv', path: ['csv'] });
export const SimRowDto = z.object({
  name: z.string(),
  /** The base: the current roster and policy. */
  isBase: z.boolean(),
  makespanMs: z.number(),
  completed: z.number().int(),
  failed: z.number().int(),
  unfinished: z.number().int(),
  waits: z.object({ p50Ms: z.number(), p95Ms: z.number(), meanMs: z.number() }),
  deadlineMisses: z.number().int(),
  utilisation: z.array(z.object({ agentId: z.string(), name: z.string(), utilisation: z.number(), busyMs: z.number(), attempts: z.number().int() })),
  bottleneck: z.object({ agentId: z.string().nullable(), agentName: z.string().nullable(), skill: z.string().nullable(), summary: z.string() }),
  /** Against the base; negative is better for all but utilisation. */
  delta: z.object({ makespanMs: z.number(), makespanPct: z.number(), p95WaitMs: z.number(), deadlineMisses: z.number(), meanUtilisation: z.number() }),
});
export type SimRowDto = z.infer<typeof SimRowDto>;
export const SimulationDto = z.object({
  seed: z.number().int(),
  startAt: Millis,
  /** Whether agents' current status (fault, e-stop, offline, paused) counted: a start within SIM_STATUS_COUNTS_MS of now. */
  currentStatus: z.boolean(),
  horizonMs: z.number(),
  tasks: z.number().int(),
  agents: z.number().int(),
  /** Base first ("Current policy"), then the scenarios in input order. */
  rows: z.array(SimRowDto),
  /** Skipped CSV lines and the like. */
  warnings: z.array(z.string()),
  elapsedMs: z.number(),
});
export type SimulationDto = z.infer<typeof SimulationDto>;
/**
 * How far a what-if run is: the row being simulated (0: the base, "Current policy") and, in it,
 * the tasks settled so far (succeeded, or out of attempts). Tasks nobody can take never settle.
 */
export const SimulationProgress = z.object({
  /** The runId the caller gave, or null. */
  runId: z.string().nullable(),
  scenario: z.string(),
  scenarioIndex: z.number().int().nonnegative(),
  /** Rows in the run, the base included. */
  scenarios: z.number().int().positive(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type SimulationProgress = z.infer<typeof SimulationProgress>;

/** A task in someone's My work inbox. offerExpiresAt: when an unaccepted offer goes to someone else. */
export const WorkItem = TaskSummary.extend({
  accepted: z.boolean(),
  offerExpiresAt: Millis.nullable(),
  /** Why it came to you, in plain words. */
  why: z.string().nullable(),
});
export type WorkItem = z.infer<typeof WorkItem>;
const TaskRef = z.object({ taskId: Id }).strict();
const Reason = z.string().trim().min(1, 'required').max(500, 'at most 500 characters');

// ---------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------

export interface CallDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  role: Access;
  /** Mutating calls write exactly one audit row, refused or not. */
  mutates: boolean;
  /** One line for people: shown in the audit page and the API reference. */
  summary: string;
}

function call<I extends z.ZodType, O extends z.ZodType>(def: CallDef<I, O>): CallDef<I, O> {
  return def;
}

export const AUDIT_PAGE_MAX = 200;

export const calls = {
  'auth.status': call({
    input: Empty,
    output: z.object({ setupRequired: z.boolean(), siteName: z.string() }),
    role: 'public',
    mutates: false,
    summary: 'Whether the first administrator still has to be created',
  }),
  'auth.setup': call({
    input: z.object({ username: Username, displayName: DisplayName, password: Password }).strict(),
    output: SessionDto,
    role: 'public',
    mutates: true,
    summary: 'Create the first administrator (only while no user exists)',
  }),
  'auth.login': call({
    input: z.object({ username: z.string().trim().min(1, 'required').max(64), password: LoginPassword }).strict(),
    output: SessionDto,
    role: 'public',
    mutates: true,
    summary: 'Sign in',
  }),
  'auth.resume': call({
    input: z.object({ token: z.string().min(1).max(128) }).strict(),
    output: SessionDto,
    role: 'public',
    mutates: false,
    summary: 'Re-attach a connection to an existing session',
  }),
  'auth.unlock': call({
    input: z.object({ password: LoginPassword }).strict(),
    output: SessionDto,
    role: 'public',
    mutates: true,
    summary: 'Unlock an idle-locked session by typing the password again',
  }),
  'auth.lock': call({
    input: Empty,
    output: Ok,
    role: 'operator',
    mutates: true,
    summary: 'Lock the session now',
  }),
  'auth.logout': call({
    input: Empty,
    output: Ok,
    role: 'operator',
    mutates: true,
    summary: 'Sign out',
  }),
  'auth.changePassword': call({
    input: z.object({ currentPassword: LoginPassword, newPassword: Password }).strict(),
    output: Ok,
    role: 'operator',
    mutates: true,
    summary: 'Change your own password',
  }),
  'users.list': call({
    input: Empty,
    output: z.object({ users: z.array(UserDto) }),
    role: 'admin',
    mutates: false,
    summary: 'List local accounts',
  }),
  'users.directory': call({
    input: Empty,
    output: z.object({
      users: z.array(z.object({ id: Id, username: z.string(), displayName: z.string(), disabled: z.boolean() })),
    }),
    role: 'engineer',
    mutates: false,
    summary: 'Names of local accounts, for linking a person agent to one (no roles, no lockout state)',
  }),
  'users.create': call({
    input: z
      .object({ username: Username, displayName: DisplayName, role: Role, password: Password })
      .strict(),
    output: UserDto,
    role: 'admin',
    mutates: true,
    summary: 'Create a local account',
  }),
  'users.update': call({
    input: z
      .object({
        id: Id,
        displayName: DisplayName.optional(),
        role: Role.optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
    output: UserDto,
    role: 'admin',
    mutates: true,
    summary: 'Change an account: name, role, enabled',
  }),
  'users.resetPassword': call({
    input: z.object({ id: Id, password: Password }).strict(),
    output: Ok,
    role: 'admin',
    mutates: true,
    summary: "Set a new password for someone else's account (ends their sessions)",
  }),
  'users.unlock': call({
    input: z.object({ id: Id }).strict(),
    output: UserDto,
    role: 'admin',
    mutates: true,
    summary: 'Clear a lockout after failed sign-ins',
  }),
  'audit.list': call({
    input: z
      .object({
        limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
        /** Entries with seq below this one (newest first paging). */
        beforeSeq: z.number().int().positive().optional(),
        action: z.string().max(64).optional(),
        actor: z.string().max(64).optional(),
        outcome: AuditOutcome.optional(),
        from: Millis.optional(),
        to: Millis.optional(),
        /** Leave out agents' routine work that went through (isAgentRoutine). */
        hideAgentRoutine: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ entries: z.array(AuditEntry), nextBeforeSeq: z.number().int().nullable() }),
    role: 'admin',
    mutates: false,
    summary: 'Read the audit trail, newest first',
  }),
  'audit.verify': call({
    input: Empty,
    output: AuditVerifyResult,
    role: 'admin',
    mutates: false,
    summary: 'Check the audit hash chain and name the first tampered row',
  }),
  'settings.get': call({
    input: Empty,
    output: Settings,
    role: 'operator',
    mutates: false,
    summary: 'Read site settings',
  }),
  'settings.update': call({
    input: Settings.partial().strict(),
    output: Settings,
    role: 'admin',
    mutates: true,
    summary: 'Change site settings',
  }),
  'system.info': call({
    input: Empty,
    output: SystemInfo,
    role: 'operator',
    mutates: false,
    summary: 'Version, mode and where the data lives',
  }),
  'tasks.create': call({
    input: TaskInput,
    output: TaskDto,
    role: 'supervisor',
    mutates: true,
    summary: 'Create a task (the same idempotency key and content return the existing one)',
  }),
  'tasks.createBatch': call({
    input: TaskBatchInput,
    output: z.object({ tasks: z.array(TaskDto) }),
    role: 'supervisor',
    mutates: true,
    summary: `Create up to ${TASK_BATCH_MAX} tasks at once, all or nothing`,
  }),
  'tasks.list': call({
    input: TaskListInput,
    output: TaskPage,
    role: 'operator',
    mutates: false,
    summary: 'List tasks: filter, search, sort, page by cursor',
  }),
  'tasks.get': call({
    input: z.object({ id: Id }).strict(),
    output: TaskDetails,
    role: 'operator',
    mutates: false,
    summary: 'One task with its payload, result, timeline and dependencies',
  }),
  'tasks.cancel': call({
    input: z.object({ id: Id, reason: z.string().trim().min(1, 'required').max(500) }).strict(),
    output: TaskDto,
    role: 'supervisor',
    mutates: true,
    summary: 'Cancel a task: a waiting one at once, a running one asks its agent to stop',
  }),
  'tasks.retryNow': call({
    input: z.object({ id: Id }).strict(),
    output: TaskDto,
    role: 'supervisor',
    mutates: true,
    summary: 'Make a delayed, backing-off or dead task ready now',
  }),
  'tasks.setPriority': call({
    input: z.object({ id: Id, priority: TaskPriority }).strict(),
    output: TaskDto,
    role: 'supervisor',
    mutates: true,
    summary: 'Change the priority of an unfinished task',
  }),
  'tasks.overview': call({
    input: Empty,
    output: TaskOverview,
    role: 'operator',
    mutates: false,
    summary: 'The floor at a glance: tasks by state and priority now, and the last hour minute by minute',
  }),
  'agents.list': call({
    input: z.object({ status: z.array(AgentStatus).max(AGENT_STATUSES.length).optional(), kind: AgentKind.optional() }).strict(),
    output: z.object({ agents: z.array(AgentDto) }),
    role: 'operator',
    mutates: false,
    summary: 'List robots, software agents and people that take tasks',
  }),
  'agents.create': call({
    input: AgentInput,
    output: AgentDto,
    role: 'engineer',
    mutates: true,
    summary: 'Register an agent: name, kind, skills, capacity',
  }),
  'agents.update': call({
    input: AgentPatch.extend({ id: Id }).strict(),
    output: AgentDto,
    role: 'engineer',
    mutates: true,
    summary: 'Change an agent: name, kind, skills, capacity, status, tags',
  }),
  'agents.listKeys': call({
    input: z.object({ agentId: Id.optional() }).strict(),
    output: z.object({ keys: z.array(ApiKeyDto) }),
    role: 'engineer',
    mutates: false,
    summary: 'List API keys (never their secrets)',
  }),
  'agents.createKey': call({
    input: z.object({ agentId: Id, name: ApiKeyName.optional(), scopes: ApiKeyScopes }).strict(),
    output: z.object({ key: ApiKeyDto, secret: z.string() }),
    role: 'engineer',
    mutates: true,
    summary: 'Create an API key for an agent; the secret is shown this once (admin scope needs an admin)',
  }),
  'agents.revokeKey': call({
    input: z.object({ id: Id }).strict(),
    output: ApiKeyDto,
    role: 'engineer',
    mutates: true,
    summary: 'Revoke an API key at once',
  }),
  'delegation.explain': call({
    input: TaskRef,
    output: TaskDelegationDto,
    role: 'operator',
    mutates: false,
    summary: 'Why a task went to its agent and why not to the others, with every score',
  }),
  'delegation.whyNotNow': call({
    input: z.object({ taskId: Id, agentId: Id }).strict(),
    output: WhyNotNowDto,
    role: 'operator',
    mutates: false,
    summary: 'Why an agent would not get a task if the engine chose now (for agents the recorded decision does not list)',
  }),
  'delegation.stuckWork': call({
    input: Empty,
    output: StuckWorkDto,
    role: 'operator',
    mutates: false,
    summary: 'Waiting work no agent can take now, and why: nobody could, or those who could are all stopped',
  }),
  'delegation.profile': call({
    input: z.object({ agentId: Id }).strict(),
    output: AgentProfileDto,
    role: 'operator',
    mutates: false,
    summary: "What the engine learned about an agent per task type, with confidence and drift",
  }),
  'delegation.pin': call({
    input: z.object({ taskId: Id, agentId: Id.nullable() }).strict(),
    output: TaskSummary,
    role: 'supervisor',
    mutates: true,
    summary: 'Pin a task to one agent (null: unpin); a waiting or offered task moves at once',
  }),
  'delegation.reassign': call({
    input: z.object({ taskId: Id, agentId: Id }).strict(),
    output: TaskSummary,
    role: 'supervisor',
    mutates: true,
    summary: 'Offer a waiting or offered task to another agent now (once; later retries are delegated again)',
  }),
  'delegation.exclude': call({
    input: z.object({ taskId: Id, agentId: Id, reason: Reason }).strict(),
    output: TaskSummary,
    role: 'supervisor',
    mutates: true,
    summary: 'Keep an agent off a task; an offer to it is withdrawn and the task delegated again',
  }),
  'delegation.getSettings': call({
    input: Empty,
    output: DelegationSettings,
    role: 'operator',
    mutates: false,
    summary: 'Scoring weights (per task type), exploration rate, time zone, offer time for people, zone distances',
  }),
  'delegation.setWeights': call({
    input: z
      .object({
        /** '*': the defaults for every type. */
        taskType: z.union([z.literal('*'), TaskType]),
        /** The components to set; null removes a task type's own weights. */
        weights: DelegationWeights.partial().nullable(),
        /**
         * A task type only: its own weights become exactly `weights` (components left out follow
         * the defaults again). Without it the components are merged into the type's current ones.
         */
        replace: z.boolean().optional(),
      })
      .strict()
      .refine((v) => !(v.replace && v.taskType === '*'), {
        message: "replace is for a task type's own weights; the defaults always have every component",
        path: ['replace'],
      }),
    output: DelegationSettings,
    role: 'engineer',
    mutates: true,
    summary: 'Set the scoring weights for every task type or for one',
  }),
  'delegation.updateSettings': call({
    input: z
      .object({
        explorationRate: z.number().min(0).max(0.5).optional(),
        timeZone: z.string().min(1).max(64).optional(),
        humanOfferMinutes: z.number().int().min(1).max(24 * 60).optional(),
        pullMargin: PullMargin.optional(),
        pullHoldSeconds: PullHoldSeconds.optional(),
        /** Replaces the whole zone distance table ([]: none). */
        zoneDistances: ZoneDistances.optional(),
      })
      .strict(),
    output: DelegationSettings,
    role: 'engineer',
    mutates: true,
    summary: 'Set the exploration rate, the time zone of availability windows, the offer time for people, how pulls are weighed, the distances between zones',
  }),
  'delegation.suggest': call({
    input: z.object({ text: z.string().trim().min(1, 'required').max(500) }).strict(),
    output: TaskSuggestion,
    role: 'supervisor',
    mutates: false,
    summary: "Suggest a task type and required skills for a free-text request, learned from the site's history",
  }),
  'delegation.correct': call({
    input: z.object({ text: z.string().trim().min(1, 'required').max(500), type: TaskType, requires: SkillMap.default({}) }).strict(),
    output: TaskSuggestion,
    role: 'supervisor',
    mutates: true,
    summary: 'Teach the classifier the right type and skills for a request (answers the new suggestion)',
  }),
  'delegation.simulate': call({
    input: SimulateInput,
    output: SimulationDto,
    role: 'supervisor',
    mutates: false,
    summary: 'What if: simulate the queue or a CSV task list under the current roster and alternatives',
  }),
  'work.mine': call({
    input: Empty,
    output: z.object({ agent: AgentDto.nullable(), tasks: z.array(WorkItem) }),
    role: 'operator',
    mutates: false,
    summary: 'My work: tasks offered to or held by the agent linked to my account',
  }),
  'work.accept': call({
    input: TaskRef,
    output: WorkItem,
    role: 'operator',
    mutates: true,
    summary: 'Accept a task offered to me (it no longer times out)',
  }),
  'work.start': call({
    input: TaskRef,
    output: WorkItem,
    role: 'operator',
    mutates: true,
    summary: 'Start a task offered to me or accepted by me',
  }),
  'work.done': call({
    input: z.object({ taskId: Id, result: JsonValue.optional(), note: z.string().trim().max(500).optional() }).strict(),
    output: TaskSummary,
    role: 'operator',
    mutates: true,
    summary: 'Finish a task I started',
  }),
  'work.decline': call({
    input: z.object({ taskId: Id, reason: Reason }).strict(),
    output: TaskSummary,
    role: 'operator',
    mutates: true,
    summary: "Can't do it: hand a task back with a reason; it goes to someone else",
  }),
  'work.setPresence': call({
    input: z.object({ presence: Presence }).strict(),
    output: AgentDto,
    role: 'operator',
    mutates: true,
    summary: 'Say whether I am available, away or on a break',
  }),
} satisfies Record<string, CallDef>;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export const CALL_NAMES = Object.keys(calls) as CallName[];
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallParsedInput<N extends CallName> = z.output<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;

// ---------------------------------------------------------------------------------------------
// Events: past tense, pushed after commit to sessions whose role may see them
// ---------------------------------------------------------------------------------------------

export interface EventDef<P extends z.ZodType = z.ZodType> {
  payload: P;
  role: Role;
  /** Also delivered to the user whose id is in this payload field, whatever their role. */
  toUser?: string;
  /**
   * Never broadcast: pushed only to the connection whose call it reports on (the progress of a
   * long call), and only while that connection's session is active and has the role.
   */
  toCaller?: true;
}
function event<P extends z.ZodType>(def: EventDef<P>): EventDef<P> {
  return def;
}
function callerEvent<P extends z.ZodType>(def: Omit<EventDef<P>, 'toCaller' | 'toUser'>): EventDef<P> & { toCaller: true } {
  return { ...def, toCaller: true };
}

export const events = {
  'audit.appended': event({ payload: AuditEntry, role: 'admin' }),
  'user.changed': event({ payload: UserDto, role: 'admin' }),
  'settings.changed': event({ payload: Settings, role: 'operator' }),
  'task.created': event({ payload: TaskSummary, role: 'operator' }),
  'task.updated': event({ payload: TaskSummary, role: 'operator' }),
  'agent.changed': event({ payload: AgentDto, role: 'operator' }),
  'agent.keysChanged': event({ payload: z.object({ agentId: Id }), role: 'engineer' }),
  'decision.made': event({
    payload: z.object({
      taskId: z.string(),
      agentId: z.string().nullable(),
      agentName: z.string().nullable(),
      source: z.enum(DECISION_SOURCES),
      explored: z.boolean(),
    }),
    role: 'operator',
  }),
  /** A task offered to a person: pushed to that person's account and to supervisors. */
  'work.offered': event({
    payload: z.object({
      taskId: z.string(),
      title: z.string(),
      priority: TaskPriority,
      agentId: z.string(),
      userId: z.string(),
      offerExpiresAt: Millis.nullable(),
    }),
    role: 'supervisor',
    toUser: 'userId',
  }),
  /** An agent's behaviour changed (slower, faster, worse, better) on the learned record. */
  'delegation.driftDetected': event({
    payload: z.object({
      agentId: z.string(),
      agentName: z.string().nullable(),
      taskType: z.string(),
      metric: z.enum(['duration', 'success']),
      direction: z.enum(['slower', 'faster', 'worse', 'better']),
      at: Millis,
    }),
    role: 'operator',
  }),
  'delegation.settingsChanged': event({ payload: DelegationSettings, role: 'operator' }),
  /** A what-if run moved on (at most every 100 ms): only to the connection that asked for it. */
  'delegation.simulationProgressed': callerEvent({ payload: SimulationProgress, role: 'supervisor' }),
} satisfies Record<string, EventDef>;

export type Events = typeof events;
export type EventName = keyof Events;
/** Events a handler pushes to its own caller (CallContext.notify), never through the event bus. */
export type CallerEventName = { [E in EventName]: Events[E] extends { toCaller: true } ? E : never }[EventName];
export const EVENT_NAMES = Object.keys(events) as EventName[];
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

/** Events that belong to one connection rather than to a role (session ended, locked). */
export const SessionNotice = z.object({
  kind: z.enum(['locked', 'ended']),
  reason: z.string(),
});
export type SessionNotice = z.infer<typeof SessionNotice>;

// ---------------------------------------------------------------------------------------------
// Wire format for the WebSocket transport (IPC carries the same shapes)
// ---------------------------------------------------------------------------------------------

export const WS_PATH = '/bridge';

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int().nonnegative(), name: z.string().max(64), input: z.unknown() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type CallResult =
  | { ok: true; value: unknown }
  | { ok: false; error: BridgeErrorData };

export type ServerMessage =
  | ({ type: 'result'; id: number } & CallResult)
  | { type: 'event'; name: EventName; payload: unknown }
  | { type: 'session'; notice: SessionNotice };

/** The shape the preload exposes as `window.delegate`: one function per call, grouped by area. */
export type CallArea<N extends string> = N extends `${infer A}.${string}` ? A : never;
export type CallsIn<A extends string> = Extract<CallName, `${A}.${string}`>;
export type MethodName<N extends string> = N extends `${string}.${infer M}` ? M : never;
export type DelegateApi = {
  [A in CallArea<CallName>]: {
    [N in CallsIn<A> as MethodName<N>]: (input: CallInput<N>) => Promise<CallResult>;
  };
} & {
  subscribe(listener: (message: ServerMessage) => void): () => void;
};
