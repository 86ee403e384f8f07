// Delegate's queue driven in-process, as the benchmarks run it: a fresh data folder with the
// real migrations, the WAL checkpoint thread as in the host, and N agents in this process that
// claim and complete. Shared by bench:queue and bench:gateway.
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AgentRegistry } from '../electron/agents/registry';
import { cryptoRandom, systemClock } from '../electron/core/clock';
import { EventBus } from '../electron/core/events';
import { createIdFactory } from '../electron/core/ids';
import { Checkpointer } from '../electron/db/checkpointer';
import { openDatabase, type OpenedDatabase } from '../electron/db/database';
import { TaskQueue } from '../electron/tasks/queue';

const ROOT = resolve(__dirname, '..');
const CHUNK = 1000;

export interface Delegate {
  dir: string;
  database: OpenedDatabase;
  bus: EventBus;
  agents: AgentRegistry;
  queue: TaskQueue;
  close(): Promise<void>;
}

/** window: a listener on the event bus, as when a window or the gateway is attached (events are built). */
export function openDelegate(window: boolean): Delegate {
  const dir = mkdtempSync(join(tmpdir(), 'delegate-bench-'));
  const database = openDatabase({
    file: join(dir, 'delegate.db'),
    migrationsDir: join(ROOT, 'electron', 'db', 'migrations'),
    backupDir: join(dir, 'backups'),
    now: () => systemClock.now(),
  });
  // As the host does: WAL checkpoints on their own thread, not inside the queue's commits.
  const checkpointer = new Checkpointer(database.file, database.sqlite);
  const bus = new EventBus();
  if (window) bus.onDidEmit(() => {});
  const newId = createIdFactory(systemClock, cryptoRandom);
  const agents = new AgentRegistry({ sqlite: database.sqlite, bus, clock: systemClock, random: cryptoRandom, newId });
  const queue = new TaskQueue({
    sqlite: database.sqlite,
    bus,
    clock: systemClock,
    random: cryptoRandom,
    newId,
    agents,
    options: { autoAssign: false, shutdownGraceMs: 0 },
  });
  return {
    dir,
    database,
    bus,
    agents,
    queue,
    close: async () => {
      await queue.shutdown(0);
      bus.dispose();
      await checkpointer.close();
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `total` no-op tasks through `queue`: enqueued 1,000 at a time while `workers` in-process agents claim and complete; jobs/s. */
export async function endToEnd(queue: TaskQueue, agents: AgentRegistry, workers: number, perClaim: number, total: number): Promise<number> {
  const agentIds = Array.from({ length: workers }, (_, i) => agents.create({ name: `w${i}`, kind: 'software', capacity: perClaim }).id);
  let done = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((r) => (finished = r));
  const stop = new AbortController();
  // Every worker's waiting claim listens to this one signal.
  setMaxListeners(workers + 1, stop.signal);
  const loop = async (agentId: string) => {
    while (!stop.signal.aborted) {
      // An idle worker's claim waits in the queue for work (parked-claims.ts).
      const tasks = await queue.claim(agentId, perClaim, undefined, { ms: 1000, signal: stop.signal });
      if (tasks.length === 0) continue;
      const answers = await queue.completeMany(
        agentId,
        tasks.map((t) => ({ id: t.id, attempt: t.attempt })),
      );
      if (answers.some((a) => !('state' in a))) throw new Error('a completion was refused');
      done += tasks.length;
      if (done >= total) finished();
    }
  };
  const start = performance.now();
  const loops = agentIds.map(loop);
  for (let i = 0; i < total; i += CHUNK) {
    await queue.submitBatch(Array.from({ length: Math.min(CHUNK, total - i) }, (_, k) => ({ type: 'noop', payload: { n: i + k } })));
  }
  await allDone;
  const seconds = (performance.now() - start) / 1000;
  stop.abort();
  await Promise.all(loops);
  const succeeded = queue.list({ status: ['succeeded'], sort: 'created', order: 'desc', limit: 1 }).total;
  if (succeeded !== total) throw new Error(`Delegate finished ${succeeded} of ${total}`);
  return total / seconds;
}
