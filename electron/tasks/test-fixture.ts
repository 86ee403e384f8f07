// Test fixture for the queue and the registry: a real SQLite file with the real migrations in a
// temp folder, a FakeClock, a seeded random source, the event bus with a recorder. No host, no
// timers: tests drive tick() and the clock by hand.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EventName, EventPayload, TaskSummary } from '../../preload/contract';
import { AgentRegistry } from '../agents/registry';
import { FakeClock, type Random } from '../core/clock';
import { EventBus } from '../core/events';
import { createIdFactory } from '../core/ids';
import { openDatabase, type OpenedDatabase } from '../db/database';
import type { Assigner } from './assigner';
import { TaskQueue, type QueueHooks, type QueueOptions } from './queue';
import { TaskRetention } from './retention';

/** Deterministic Random (mulberry32) for tests and replays. */
export function seededRandom(seed = 42): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    bytes: (n) => {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
}

export interface QueueFixture {
  dir: string;
  database: OpenedDatabase;
  clock: FakeClock;
  random: Random;
  bus: EventBus;
  agents: AgentRegistry;
  queue: TaskQueue;
  retention: TaskRetention;
  /** Every event delivered so far. */
  events: { name: EventName; payload: EventPayload<EventName> }[];
  /** task.* events of one task, in order. */
  taskEvents(id: string): TaskSummary[];
  count(table: string): number;
  close(): Promise<void>;
}

export function openQueueFixture(
  options: Partial<QueueOptions> = {},
  extra: { assigner?: Assigner; random?: Random; hooks?: QueueHooks } = {},
): QueueFixture {
  const dir = mkdtempSync(join(tmpdir(), 'delegate-queue-'));
  const clock = new FakeClock();
  const database = openDatabase({
    file: join(dir, 'delegate.db'),
    migrationsDir: resolve(__dirname, '..', 'db', 'migrations'),
    backupDir: join(dir, 'backups'),
    now: () => clock.now(),
  });
  const random = extra.random ?? seededRandom();
  const bus = new EventBus();
  const events: QueueFixture['events'] = [];
  bus.onDidEmit((e) => events.push(e));
  const newId = createIdFactory(clock, random);
  const agents = new AgentRegistry({ sqlite: database.sqlite, bus, clock, random, newId });
  const queue = new TaskQueue({
    sqlite: database.sqlite,
    bus,
    clock,
    random,
    newId,
    agents,
    assigner: extra.assigner,
    hooks: extra.hooks,
    options: { autoAssign: false, shutdownGraceMs: 0, ...options },
  });
  const retention = new TaskRetention(database.sqlite, clock, () => queue.options.retentionDays);
  return {
    dir,
    database,
    clock,
    random,
    bus,
    agents,
    queue,
    retention,
    events,
    taskEvents: (id) =>
      events
        .filter((e) => (e.name === 'task.created' || e.name === 'task.updated') && (e.payload as TaskSummary).id === id)
        .map((e) => e.payload as TaskSummary),
    count: (table) => (database.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    close: async () => {
      await queue.shutdown(0);
      bus.dispose();
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
