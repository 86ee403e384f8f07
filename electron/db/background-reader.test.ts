// Whole-table counts are read by a real worker thread with its own read-only connection, the same
// answer the main connection gives; when the thread cannot start or dies, the main connection
// answers (nothing owed is lost).
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from '../tasks/test-fixture';
import { BackgroundReader } from './background-reader';
import { READ_QUERIES } from './read-queries';

let f: QueueFixture;
beforeEach(() => {
  f = openQueueFixture();
  f.queue.createBatch(
    Array.from({ length: 30 }, (_, i) => ({ type: 'job', priority: i % 3 === 0 ? ('high' as const) : ('normal' as const) })),
    { name: 'tester' },
  );
});
afterEach(async () => {
  await f.close();
});

const onMain = () => f.database.sqlite.prepare(READ_QUERIES.taskDepth).all();
const sorted = (rows: unknown[]) => [...(rows as { state: string; priority: number }[])].sort((a, b) => a.priority - b.priority);

describe('background reader', () => {
  it('counts the tasks on its own thread, as the main connection would, and sees what was committed since', async () => {
    const reader = new BackgroundReader(f.database.file, f.database.sqlite);
    expect(reader.running).toBe(true);
    const first = await reader.read('taskDepth');
    expect(sorted(first)).toEqual(sorted(onMain()));
    expect(sorted(first)).toEqual([
      { state: 'ready', priority: 1, n: 10 },
      { state: 'ready', priority: 2, n: 20 },
    ]);
    const agent = f.agents.create({ name: 'a', kind: 'software', capacity: 5 });
    await f.queue.claim(agent.id, 5);
    const second = await reader.read('taskDepth');
    expect(sorted(second)).toEqual(sorted(onMain()));
    expect(second).toContainEqual({ state: 'running', priority: 1, n: 5 });
    expect(reader.stats).toMatchObject({ onThread: 2, onMain: 0, failures: 0 });
    await reader.close();
    expect(reader.running).toBe(false);
    await expect(reader.read('taskDepth')).rejects.toThrow(/closed/);
  });

  it('answers reads asked for together with one scan', async () => {
    const reader = new BackgroundReader(f.database.file, f.database.sqlite);
    const answers = await Promise.all([reader.read('taskDepth'), reader.read('taskDepth'), reader.read('taskDepth')]);
    expect(answers[1]).toBe(answers[0]);
    expect(answers[2]).toBe(answers[0]);
    expect(reader.stats.onThread).toBe(1);
    await reader.read('taskDepth');
    expect(reader.stats.onThread).toBe(2);
    await reader.close();
  });

  it('reads on the main connection when the thread cannot start, and says so', async () => {
    const warnings: string[] = [];
    const reader = new BackgroundReader(f.database.file, f.database.sqlite, {
      log: { warn: (_d, message) => warnings.push(message) },
      spawn: () => {
        throw new Error('The worker script read-worker is missing');
      },
    });
    expect(reader.running).toBe(false);
    expect(warnings.join('\n')).toMatch(/could not start/);
    expect(sorted(await reader.read('taskDepth'))).toEqual(sorted(onMain()));
    expect(reader.stats).toMatchObject({ onThread: 0, onMain: 1 });
    await reader.close();
  });

  it('answers what it owed on the main connection when the thread dies with a read on its way', async () => {
    const warnings: string[] = [];
    // A thread that takes the request and dies without answering.
    const reader = new BackgroundReader(f.database.file, f.database.sqlite, {
      log: { warn: (_d, message) => warnings.push(message) },
      spawn: () =>
        new Worker("require('node:worker_threads').parentPort.on('message', () => { throw new Error('thread crashed'); });", { eval: true }),
    });
    expect(sorted(await reader.read('taskDepth'))).toEqual(sorted(onMain()));
    expect(reader.running).toBe(false);
    expect(warnings.join('\n')).toMatch(/thread failed/);
    expect(reader.stats).toMatchObject({ onThread: 0, onMain: 1, failures: 1 });
    expect(sorted(await reader.read('taskDepth'))).toEqual(sorted(onMain()));
    await reader.close();
  });

  it('falls back to the main connection for one read the thread could not do', async () => {
    const warnings: string[] = [];
    const reader = new BackgroundReader(f.database.file, f.database.sqlite, {
      log: { warn: (_d, message) => warnings.push(message) },
      spawn: () =>
        new Worker(
          "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => { if (m !== 'close') parentPort.postMessage({ id: m.id, ok: false, error: 'database is locked' }); else parentPort.close(); });",
          { eval: true },
        ),
    });
    expect(sorted(await reader.read('taskDepth'))).toEqual(sorted(onMain()));
    expect(reader.running).toBe(true);
    expect(warnings.join('\n')).toMatch(/background read failed/);
    expect(reader.stats).toMatchObject({ onThread: 0, onMain: 1, failures: 1 });
    await reader.close();
  });
});
