// Drizzle schema of the local SQLite database. Times are integer ms UTC; ids are ULIDs.
// Migrations are generated from this file by drizzle-kit (`npm run db:generate`) and committed.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ['operator', 'supervisor', 'engineer', 'admin'] }).notNull(),
    passwordHash: text('password_hash').notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: integer('locked_until'),
    lastLoginAt: integer('last_login_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_username_nocase').on(sql`${t.username} collate nocase`)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    /** sha256 of the bearer token: a stolen database file does not yield live tokens. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    lockedAt: integer('locked_at'),
    endedAt: integer('ended_at'),
    endReason: text('end_reason'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    ts: integer('ts').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    outcome: text('outcome').notNull(),
    target: text('target'),
    details: text('details').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_ts').on(t.ts), index('audit_action').on(t.action)],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: text('updated_by'),
});

// --- Agents and their API keys ------------------------------------------------------------------

export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['robot', 'software', 'human'] }).notNull(),
    /** JSON { skill: level 1-5 }. */
    skills: text('skills').notNull().default('{}'),
    capacity: integer('capacity').notNull().default(1),
    status: text('status', { enum: ['available', 'busy', 'paused', 'offline', 'fault', 'estopped'] })
      .notNull()
      .default('available'),
    /** JSON array of strings. */
    tags: text('tags').notNull().default('[]'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastSeenAt: integer('last_seen_at'),
    /** Zone or station it works in (delegation scores the way to the work). */
    zone: text('zone'),
    costPerHour: real('cost_per_hour'),
    /** JSON [{ name, expiresAt }] (people). */
    certifications: text('certifications').notNull().default('[]'),
    /** JSON [{ kind: shift | break | maintenance, start: 'HH:MM', end: 'HH:MM', days? }]. */
    availability: text('availability').notNull().default('[]'),
    /** People: the user account whose My work inbox shows this agent's tasks (checked in code, no FK). */
    userId: text('user_id'),
    /** People: available | away | on_break as they set it in the app; null: never set. */
    presence: text('presence', { enum: ['available', 'away', 'on_break'] }),
  },
  (t) => [
    uniqueIndex('agents_name_nocase').on(sql`${t.name} collate nocase`),
    uniqueIndex('agents_user').on(t.userId).where(sql`user_id IS NOT NULL`),
  ],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    name: text('name').notNull(),
    /** Public part of the key (`dlg_<prefix>_<secret>`): finds the row without scanning. */
    prefix: text('prefix').notNull(),
    /** sha256 (hex) of the secret part: a stolen database file yields no usable key. */
    hash: text('hash').notNull(),
    /** JSON array, a subset of agent | submit | admin. */
    scopes: text('scopes').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [uniqueIndex('api_keys_prefix').on(t.prefix), index('api_keys_agent').on(t.agentId)],
);

// --- The durable task queue ------------------------------------------------------------------
// Hot paths (claim, heartbeat, complete, fail) use raw prepared statements on these tables; see
// electron/tasks/queue.ts for the state machine. JSON columns hold text.

export const tasks = sqliteTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    title: text('title').notNull(),
    payload: text('payload').notNull().default('null'),
    /** 0 critical, 1 high, 2 normal, 3 low. */
    priority: integer('priority').notNull(),
    /** JSON { skill: minLevel }, null when nothing is required. */
    requires: text('requires'),
    deadline: integer('deadline'),
    runAt: integer('run_at'),
    maxAttempts: integer('max_attempts').notNull(),
    backoffBaseMs: integer('backoff_base_ms').notNull(),
    backoffMaxMs: integer('backoff_max_ms').notNull(),
    timeoutMs: integer('timeout_ms'),
    idempotencyKey: text('idempotency_key'),
    /** sha256 of the canonical content, to tell a replay from a different task under the same key. */
    contentHash: text('content_hash'),
    /** JSON array of ids (also in task_deps, which answers "who depends on me"). */
    dependsOn: text('depends_on'),
    /** How many tasks depend on this one: lets complete() skip the dependents lookup. */
    dependents: integer('dependents').notNull().default(0),
    tags: text('tags').notNull().default('[]'),
    creator: text('creator'),
    workflowRunId: text('workflow_run_id'),
    workflowStepId: text('workflow_step_id'),
    state: text('state', {
      enum: ['pending', 'ready', 'blocked', 'assigned', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'dead'],
    }).notNull(),
    attempt: integer('attempt').notNull().default(0),
    failures: integer('failures').notNull().default(0),
    assignedAgentId: text('assigned_agent_id').references(() => agents.id),
    leaseExpiresAt: integer('lease_expires_at'),
    attemptDeadlineAt: integer('attempt_deadline_at'),
    cancelRequested: integer('cancel_requested', { mode: 'boolean' }).notNull().default(false),
    cancelReason: text('cancel_reason'),
    cancelDeadlineAt: integer('cancel_deadline_at'),
    /** Claim order among ready tasks: readyAt + priority x agingStep (see queue.ts). */
    orderKey: integer('order_key').notNull().default(0),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    result: text('result'),
    lastError: text('last_error'),
    progress: text('progress'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  // Few, partial indexes: every index is written on every transition, and the hot paths
  // (create, claim, complete) touch only tasks_ready and tasks_active. Lists filter by scanning;
  // retention walks the primary key (ULIDs sort by creation time).
  (t) => [
    /** Claim order of ready tasks. */
    index('tasks_ready').on(t.orderKey, t.id).where(sql`state = 'ready'`),
    /** Tasks held by agents: load, and tick()'s lease, timeout and cancel-grace checks. */
    index('tasks_active').on(t.assignedAgentId, t.state).where(sql`state IN ('assigned', 'running')`),
    /** Delayed starts and retries waiting for their time. ORs, not IN: see WAITING_FOR_TIME in queue.ts. */
    index('tasks_due').on(t.runAt).where(sql`state = 'pending' OR state = 'failed' OR state = 'timed_out'`),
    uniqueIndex('tasks_idempotency').on(t.idempotencyKey).where(sql`idempotency_key IS NOT NULL`),
  ],
);

export const taskDeps = sqliteTable(
  'task_deps',
  {
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    dependsOn: text('depends_on').notNull(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.dependsOn] }), index('task_deps_depends_on').on(t.dependsOn)],
);

/** A task's timeline: every transition, written in the transaction that made it. */
export const taskEvents = sqliteTable(
  'task_events',
  {
    /** Global sequence: orders a task's timeline. */
    seq: integer('seq').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    /** state | priority | cancel_requested | retry_now */
    kind: text('kind').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    attempt: integer('attempt').notNull(),
    agentId: text('agent_id'),
    actor: text('actor'),
    note: text('note'),
  },
  (t) => [index('task_events_task').on(t.taskId)],
);

/** Finished tasks rolled up per UTC day x type x final state before retention prunes them. */
export const taskDailyStats = sqliteTable(
  'task_daily_stats',
  {
    day: text('day').notNull(),
    type: text('type').notNull(),
    state: text('state').notNull(),
    count: integer('count').notNull(),
    /** Sum of finishedAt - createdAt. */
    totalDurationMs: integer('total_duration_ms').notNull(),
    /** Sum of finishedAt - startedAt of the last attempt (0 for tasks never started). */
    totalRunMs: integer('total_run_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.type, t.state] })],
);

// --- Delegation: decisions, per-task overrides, learned state ------------------------------------

/** Every assignment decision with its explanation (candidates, scores, exclusions), newest last. */
export const delegationDecisions = sqliteTable(
  'delegation_decisions',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    decidedAt: integer('decided_at').notNull(),
    /** engine | pull | pin | reassign */
    source: text('source').notNull(),
    agentId: text('agent_id'),
    actor: text('actor'),
    /**
     * JSON Explanation (electron/delegation/scoring.ts); with view_id, only what is this pick's own
     * (the task, the chosen agent, the joint round's note), read together with the view.
     */
    explanation: text('explanation').notNull(),
    /** A joint round's single-task view shared by the picks of alike tasks (delegation_views). */
    viewId: text('view_id'),
  },
  (t) => [index('delegation_decisions_task').on(t.taskId, t.decidedAt), index('delegation_decisions_view').on(t.viewId)],
);

/**
 * A joint round's single-task view (candidates, scores, who was kept out and why) of one kind of
 * task, recorded once and shared by the decisions of every pick of that kind in the round.
 * Retention deletes a view once no decision refers to it.
 */
export const delegationViews = sqliteTable('delegation_views', {
  id: text('id').primaryKey(),
  createdAt: integer('created_at').notNull(),
  /** JSON Explanation, as recorded (the service's RecordedExplanation without a chosen agent). */
  explanation: text('explanation').notNull(),
});

/** Agents kept off a task: by a supervisor, after a decline, after an offer timed out. */
export const taskExclusions = sqliteTable(
  'task_exclusions',
  {
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    /** supervisor | declined | offer_timeout | failed */
    kind: text('kind').notNull(),
    reason: text('reason').notNull(),
    actor: text('actor'),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.agentId] })],
);

/** Tasks a supervisor pinned to one agent. */
export const taskPins = sqliteTable('task_pins', {
  taskId: text('task_id')
    .primaryKey()
    .references(() => tasks.id, { onDelete: 'cascade' }),
  agentId: text('agent_id').notNull(),
  actor: text('actor'),
  at: integer('at').notNull(),
});

/** The delegation engine's learned state, the classifier and the delegation settings, as JSON. */
export const delegationState = sqliteTable('delegation_state', {
  /** engine | classifier | settings */
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
