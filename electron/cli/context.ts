// What a CLI command works with: the data folder's database (opened like the host opens it:
// checked, migrated, WAL, busy timeout) and the same services the host wires, without timers,
// transports or the queue's shutdown — the app may be running on the same data and keeps its
// leases. Every change runs in one IMMEDIATE transaction (the write lock is taken up front,
// waiting out the app's group commits) together with its audit row, actor `cli`.
import { existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { AuditOutcome } from '../../preload/contract';
import { AgentRegistry } from '../agents/registry';
import { AppError, notFound } from '../core/errors';
import { cryptoRandom, systemClock, type Clock, type Random } from '../core/clock';
import { EventBus } from '../core/events';
import { createIdFactory } from '../core/ids';
import { openDatabase, type OpenedDatabase } from '../db/database';
import { idleLockMs } from '../handlers/auth';
import { defaultDataDir, findAppRoot } from '../paths';
import { auditDetails, AuditLog } from '../security/audit-log';
import { SessionStore } from '../security/sessions';
import { UserStore } from '../security/users';
import { loadDefaultSettings, SettingsService } from '../settings';
import { TaskQueue } from '../tasks/queue';

export const CLI_ACTOR = 'cli';

export interface CliContext {
  dataDir: string;
  database: OpenedDatabase;
  clock: Clock;
  random: Random;
  users: UserStore;
  sessions: SessionStore;
  agents: AgentRegistry;
  tasks: TaskQueue;
  audit: AuditLog;
  /**
   * Runs fn in one IMMEDIATE transaction with its audit row (action, target, the input with
   * secrets redacted). A refusal is audited too, in its own transaction, and rethrown.
   */
  write<T>(action: string, target: string | null, input: unknown, fn: () => T): T;
  close(): void;
}

function osUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

export interface CliContextOptions {
  /** Create the data folder and database when missing (commands that add the first user or agent). */
  create?: boolean;
  appRoot?: string;
}

export function openCliContext(dataDirOption: string | undefined, options: CliContextOptions = {}): CliContext {
  const dataDir = dataDirOption ?? defaultDataDir();
  const appRoot = options.appRoot ?? findAppRoot(__dirname);
  if (!existsSync(join(dataDir, 'delegate.db'))) {
    if (!options.create) throw notFound(`No Delegate data in ${dataDir} (no delegate.db): check --data-dir`);
    mkdirSync(dataDir, { recursive: true });
  }
  const clock = systemClock;
  const random = cryptoRandom;
  const database = openDatabase({
    file: join(dataDir, 'delegate.db'),
    migrationsDir: join(appRoot, 'electron', 'db', 'migrations'),
    backupDir: join(dataDir, 'backups'),
    now: () => clock.now(),
  });
  const bus = new EventBus();
  const newId = createIdFactory(clock, random);
  const settings = new SettingsService(database.db, loadDefaultSettings(join(appRoot, 'resources')), clock);
  const users = new UserStore(database.db, clock, newId);
  const sessions = new SessionStore(database.db, clock, random, bus, () => {
    const s = settings.get();
    return { idleLockMs: idleLockMs(s), maxAgeMs: s.sessionMaxHours * 3_600_000 };
  });
  const agents = new AgentRegistry({ sqlite: database.sqlite, bus, clock, random, newId });
  const tasks = new TaskQueue({ sqlite: database.sqlite, bus, clock, random, newId, agents });
  const audit = new AuditLog(database.sqlite, clock, newId);
  const who = osUser();

  const auditRow = (action: string, outcome: AuditOutcome, target: string | null, input: unknown) =>
    audit.append({
      actorId: null,
      actorName: CLI_ACTOR,
      action,
      outcome,
      target,
      details: { transport: 'cli', osUser: who, input: auditDetails(input) },
    });

  return {
    dataDir,
    database,
    clock,
    random,
    users,
    sessions,
    agents,
    tasks,
    audit,
    write: (action, target, input, fn) => {
      try {
        return database.sqlite
          .transaction(() => {
            const value = fn();
            auditRow(action, 'ok', target, input);
            return value;
          })
          .immediate();
      } catch (error) {
        const outcome: AuditOutcome = error instanceof AppError ? error.code : 'internal';
        try {
          database.sqlite.transaction(() => auditRow(action, outcome, target, input)).immediate();
        } catch {
          // the refusal itself is what the user needs to see
        }
        throw error;
      }
    },
    close: () => {
      bus.dispose();
      database.close();
    },
  };
}
