// Composition root: config -> logger -> database -> services -> bridge. Both the Electron shell
// (main.ts) and the headless host call createHost; close() disposes everything it opened.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SystemInfo } from '../preload/contract';
import { AgentRegistry } from './agents/registry';
import { createBridge, type Bridge } from './bridge/dispatch';
import type { Handlers } from './bridge/types';
import { cryptoRandom, systemClock, type Clock, type Random } from './core/clock';
import { EventBus } from './core/events';
import { createIdFactory } from './core/ids';
import { BackgroundReader } from './db/background-reader';
import { Checkpointer } from './db/checkpointer';
import { openDatabase, type OpenedDatabase } from './db/database';
import { DelegationActions } from './delegation-service/actions';
import { DelegationService, type DelegationServiceDeps } from './delegation-service/service';
import { auditHandlers, settingsHandlers, systemHandlers } from './handlers/admin';
import { agentsHandlers } from './handlers/agents';
import { authHandlers, idleLockMs } from './handlers/auth';
import { delegationHandlers } from './handlers/delegation';
import { tasksHandlers } from './handlers/tasks';
import { usersHandlers } from './handlers/users';
import { workHandlers } from './handlers/work';
import { createLogger, type Logger } from './log';
import { AuditLog } from './security/audit-log';
import { DEFAULT_PASSWORD_COST, hashPassword, makeDummyHash, type PasswordCost } from './security/passwords';
import { SessionStore } from './security/sessions';
import { UserStore } from './security/users';
import { loadDefaultSettings, SettingsService } from './settings';
import { DEFAULT_QUEUE_OPTIONS, TaskQueue, type QueueOptions } from './tasks/queue';
import { ExternalChanges } from './tasks/external-changes';
import { FloorWatch } from './tasks/floor';
import { TaskRetention } from './tasks/retention';
import { QueueScheduler } from './tasks/scheduler';

export interface HostConfig {
  dataDir: string;
  mode: 'desktop' | 'headless';
  /** Folder holding electron/db/migrations and resources/ (repo root, or the app's resources). */
  appRoot: string;
  /** Headless first run: create user "admin" with this password if no user exists. */
  adminPassword?: string;
  /** Headless first run without a password: leave it to the setup screen instead of a one-time password. */
  setupInUi?: boolean;
  logToFile?: boolean;
  logToStdout?: boolean;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  clock?: Clock;
  random?: Random;
  passwordCost?: PasswordCost;
  version?: string;
  /** Task queue tuning (defaults in tasks/queue.ts DEFAULT_QUEUE_OPTIONS). */
  tasks?: Partial<QueueOptions>;
  /** How often the queue's time-driven work runs; 0 turns the timer off (tests drive tick()). */
  taskTickMs?: number;
  /** How often retention prunes finished tasks; 0 turns it off. */
  taskMaintenanceMs?: number;
  /** Learned delegation state is saved this long after an outcome (and at close). Default 5 s. */
  delegationSaveDelayMs?: number;
  /** The joint-round worker thread (tests: one that crashes); default: delegation/joint-worker. */
  delegationJointWorker?: DelegationServiceDeps['jointWorker'];
}

export interface Host {
  bridge: Bridge;
  handlers: Handlers;
  bus: EventBus;
  log: Logger;
  dataDir: string;
  database: OpenedDatabase;
  /** The durable task queue (the gateway and links drive agents through it). */
  tasks: TaskQueue;
  /** Agents and their API keys. */
  agents: AgentRegistry;
  /** Who gets each task: the learning engine behind the queue, decisions, classifier, what-if. */
  delegation: DelegationService;
  /** Daily aggregates and pruning of finished tasks. */
  taskRetention: TaskRetention;
  /** The floor at a glance: tasks by state (read off the main thread), the last hour by minute. */
  floor: FloorWatch;
  /** Re-announces what other connections (the CLI) committed; the tick calls check(), tests too. */
  externalChanges: ExternalChanges;
  /** The audit trail (the gateway and the CLI append to it like the bridge does). */
  audit: AuditLog;
  /** The injected clock and random source (the gateway's rate limits and metrics use them). */
  clock: Clock;
  random: Random;
  /** The app's version (package.json, or what the shell passed in). */
  version: string;
  /** Set when this start created the first admin with a generated one-time password. */
  firstRunPassword: string | null;
  close(): Promise<void>;
}

export const ADMIN_USERNAME = 'admin';

function readVersion(appRoot: string): string {
  const file = join(appRoot, 'package.json');
  if (!existsSync(file)) return 'unknown';
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

export async function createHost(config: HostConfig): Promise<Host> {
  const clock = config.clock ?? systemClock;
  const random = config.random ?? cryptoRandom;
  const passwordCost = config.passwordCost ?? DEFAULT_PASSWORD_COST;
  const startedAt = clock.now();
  mkdirSync(config.dataDir, { recursive: true });

  const logger = await createLogger({
    dataDir: config.dataDir,
    toFile: config.logToFile ?? false,
    toStdout: config.logToStdout ?? false,
    level: config.logLevel ?? 'info',
  });
  const { log } = logger;

  let database: OpenedDatabase;
  try {
    database = openDatabase({
      file: join(config.dataDir, 'delegate.db'),
      migrationsDir: join(config.appRoot, 'electron', 'db', 'migrations'),
      backupDir: join(config.dataDir, 'backups'),
      now: () => clock.now(),
    });
  } catch (error) {
    log.fatal({ err: error }, 'database refused');
    await logger.close();
    throw error;
  }
  if (database.backupFile) log.info({ backup: database.backupFile }, 'database backed up before migrating');
  // WAL checkpoints on their own thread, not inside the queue's commits.
  const checkpointer = new Checkpointer(database.file, database.sqlite, { log });
  // Whole-table counts (the dashboard, /metrics) on a reader thread, not between the queue's commits.
  const reader = new BackgroundReader(database.file, database.sqlite, { log });

  const bus = new EventBus();
  const newId = createIdFactory(clock, random);
  const settings = new SettingsService(database.db, loadDefaultSettings(join(config.appRoot, 'resources')), clock);
  const users = new UserStore(database.db, clock, newId);
  const sessions = new SessionStore(database.db, clock, random, bus, () => {
    const s = settings.get();
    return { idleLockMs: idleLockMs(s), maxAgeMs: s.sessionMaxHours * 3_600_000 };
  });
  const audit = new AuditLog(database.sqlite, clock, newId);
  const version = config.version ?? readVersion(config.appRoot);
  const agents = new AgentRegistry({ sqlite: database.sqlite, bus, clock, random, newId });
  const delegation = new DelegationService({
    sqlite: database.sqlite,
    bus,
    clock,
    random,
    newId,
    agents,
    log,
    saveDelayMs: config.delegationSaveDelayMs,
    jointWorker: config.delegationJointWorker,
    presenceMs: { ...DEFAULT_QUEUE_OPTIONS, ...config.tasks }.presenceMs,
  });
  // Aging and retention are site settings (an admin changes them on the Settings page), not
  // config.tasks: aging follows a change at once (settings.update), retention reads it on every run.
  const site = settings.get();
  const tasks = new TaskQueue({
    sqlite: database.sqlite,
    bus,
    clock,
    random,
    newId,
    agents,
    options: { ...config.tasks, aging: site.taskAging, agingStepMs: site.taskAgingStepMinutes * 60_000 },
    assigner: delegation.assigner,
    hooks: delegation.queueHooks,
  });
  const delegationActions = new DelegationActions({ sqlite: database.sqlite, clock, queue: tasks, agents, delegation });
  const taskRetention = new TaskRetention(database.sqlite, clock, () => settings.get().taskRetentionDays);
  const externalChanges = new ExternalChanges(database.sqlite, bus, agents);
  const floor = new FloorWatch({ counters: tasks.counters, depth: () => reader.read('taskDepth'), clock, since: startedAt });
  const taskScheduler = new QueueScheduler(
    tasks,
    taskRetention,
    log,
    { tickMs: config.taskTickMs ?? 250, maintenanceMs: config.taskMaintenanceMs ?? 3_600_000 },
    externalChanges,
  );

  let firstRunPassword: string | null = null;
  if (users.count() === 0 && config.mode === 'headless' && !config.setupInUi) {
    const password = config.adminPassword ?? random.bytes(12).toString('base64url');
    if (!config.adminPassword) firstRunPassword = password;
    const passwordHash = await hashPassword(password, passwordCost);
    bus.afterCommit(() =>
      database.sqlite.transaction(() => {
        const admin = users.create({ username: ADMIN_USERNAME, displayName: 'Administrator', role: 'admin', passwordHash });
        audit.append({
          actorId: null,
          actorName: 'system',
          action: 'host.provisionAdmin',
          outcome: 'ok',
          target: admin.username,
          details: { how: config.adminPassword ? '--admin-password' : 'one-time password printed at start' },
        });
      })(),
    );
  }

  const info = (): SystemInfo => ({
    version,
    mode: config.mode,
    dataDir: config.dataDir,
    dbPath: database.file,
    startedAt,
    schemaVersion: database.schemaVersion,
    node: process.versions.node,
  });

  const handlers: Handlers = {
    ...authHandlers({
      users,
      sessions,
      settings,
      bus,
      clock,
      passwordCost,
      dummyHash: await makeDummyHash(passwordCost),
      allowSetupScreen: config.mode === 'desktop' || config.setupInUi === true,
    }),
    ...usersHandlers({ users, sessions, bus, passwordCost }),
    ...auditHandlers({ audit }),
    ...settingsHandlers({ settings, bus, apply: (next) => tasks.setAging(next.taskAging, next.taskAgingStepMinutes * 60_000) }),
    ...systemHandlers({ info }),
    ...tasksHandlers({ queue: tasks, floor }),
    ...agentsHandlers({ agents }),
    ...delegationHandlers({ delegation, actions: delegationActions, readyKinds: () => reader.read('readyKinds') }),
    ...workHandlers({ actions: delegationActions }),
  };

  const bridge = createBridge({ handlers, sqlite: database.sqlite, bus, audit, sessions, users, log });
  taskScheduler.start();
  log.info({ mode: config.mode, dataDir: config.dataDir, version }, 'host ready');

  let closing: Promise<void> | null = null;
  return {
    bridge,
    handlers,
    bus,
    log,
    dataDir: config.dataDir,
    database,
    tasks,
    agents,
    delegation,
    taskRetention,
    floor,
    externalChanges,
    audit,
    clock,
    random,
    version,
    firstRunPassword,
    close: () =>
      (closing ??= (async () => {
        taskScheduler.dispose();
        floor.dispose();
        try {
          // Stop claiming, let running work report for a grace period, release the leases.
          await tasks.shutdown();
        } catch (error) {
          log.error({ err: error }, 'task queue shutdown failed');
        }
        // After the queue: the last outcomes are learned before the state is written (and the
        // joint-round worker, idle once the queue has settled its offers, is ended).
        await delegation.close();
        bridge.dispose();
        bus.dispose();
        await reader.close();
        await checkpointer.close();
        database.close();
        log.info('host closed');
        await logger.close();
      })()),
  };
}
