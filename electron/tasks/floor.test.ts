// The dashboard's floor at a glance: tasks by state from the real database, and the queue's last
// hour minute by minute from its counters (fake clock).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackgroundReader } from '../db/background-reader';
import { FLOOR_MINUTES, FloorWatch } from './floor';
import { openQueueFixture, type QueueFixture } from './test-fixture';

let f: QueueFixture;
let reader: BackgroundReader;
let floor: FloorWatch;
let since: number;
beforeEach(() => {
  f = openQueueFixture();
  f.clock.set(Date.UTC(2026, 0, 1, 8, 0, 30));
  since = f.clock.now();
  reader = new BackgroundReader(f.database.file, f.database.sqlite);
  floor = new FloorWatch({ counters: f.queue.counters, depth: () => reader.read('taskDepth'), clock: f.clock, since, depthMaxAgeMs: 0 });
});
afterEach(async () => {
  floor.dispose();
  await reader.close();
  await f.close();
});

const count = (o: Awaited<ReturnType<FloorWatch['overview']>>, state: string, priority?: string) =>
  o.depth.filter((d) => d.state === state && (priority === undefined || d.priority === priority)).reduce((n, d) => n + d.count, 0);

describe('floor overview', () => {
  it('counts the tasks by state and priority and puts what the queue did into the minute it happened', async () => {
    const agent = f.agents.create({ name: 'a', kind: 'software', capacity: 10 });
    f.queue.createBatch(
      [...Array.from({ length: 4 }, () => ({ type: 'job', priority: 'critical' as const })), ...Array.from({ length: 6 }, () => ({ type: 'job' }))],
      { name: 'tester' },
    );
    floor.sample();
    f.clock.advance(60_000); // 08:01:30
    const claimed = await f.queue.claim(agent.id, 3);
    await f.queue.complete(claimed[0]!.id, agent.id, 1, null);
    await f.queue.fail(claimed[1]!.id, agent.id, 1, { message: 'jammed' }, false);
    const o = await floor.overview();
    expect(o.at).toBe(f.clock.now());
    expect(o.countingSince).toBe(since);
    expect(count(o, 'ready')).toBe(7);
    expect(count(o, 'running')).toBe(1);
    expect(count(o, 'succeeded')).toBe(1);
    expect(count(o, 'dead')).toBe(1);
    // Claims take the critical ones first.
    expect(count(o, 'ready', 'critical')).toBe(1);
    expect(count(o, 'ready', 'normal')).toBe(6);
    expect(o.minutes.map((m) => m.at)).toEqual([Date.UTC(2026, 0, 1, 8, 0), Date.UTC(2026, 0, 1, 8, 1)]);
    expect(o.minutes[0]).toMatchObject({ created: 10, claimed: 0, succeeded: 0 });
    expect(o.minutes[1]).toMatchObject({ created: 0, claimed: 3, succeeded: 1, failed: 1, dead: 1 });
  });

  it('keeps one hour: every minute present, zeros included, the oldest dropped', async () => {
    f.queue.create({ type: 'job' }, { name: 'tester' });
    floor.sample();
    for (let i = 0; i < 90; i++) {
      f.clock.advance(60_000);
      if (i % 10 === 0) f.queue.create({ type: 'job' }, { name: 'tester' });
      if (i % 3 === 0) floor.sample(); // samples need not come every minute
    }
    const o = await floor.overview();
    expect(o.minutes).toHaveLength(FLOOR_MINUTES);
    const current = f.clock.now() - (f.clock.now() % 60_000);
    expect(o.minutes.at(-1)!.at).toBe(current);
    expect(o.minutes[0]!.at).toBe(current - (FLOOR_MINUTES - 1) * 60_000);
    for (let i = 1; i < o.minutes.length; i++) expect(o.minutes[i]!.at - o.minutes[i - 1]!.at).toBe(60_000);
    // 10 tasks created in all; the first and the one at minute 1 are more than an hour ago.
    expect(o.minutes.reduce((n, m) => n + m.created, 0)).toBeLessThan(10);
    expect(o.minutes.reduce((n, m) => n + m.created, 0)).toBeGreaterThanOrEqual(6);
    expect(count(o, 'ready')).toBe(10);
  });

  it('reads the counts by state again only once they are older than asked, sharing one read meanwhile', async () => {
    let reads = 0;
    const cached = new FloorWatch({
      counters: f.queue.counters,
      depth: () => {
        reads++;
        return reader.read('taskDepth');
      },
      clock: f.clock,
      since,
      depthMaxAgeMs: 2000,
    });
    f.queue.create({ type: 'job' }, { name: 'tester' });
    await Promise.all([cached.overview(), cached.overview(), cached.depth()]);
    f.clock.advance(1000);
    expect(count(await cached.overview(), 'ready')).toBe(1);
    expect(reads).toBe(1);
    f.queue.create({ type: 'job' }, { name: 'tester' });
    f.clock.advance(1500);
    expect(count(await cached.overview(), 'ready')).toBe(2);
    expect(reads).toBe(2);
    cached.dispose();
  });

  it('reads again after a failed read instead of keeping the failure', async () => {
    let fail = true;
    const flaky = new FloorWatch({
      counters: f.queue.counters,
      depth: () => (fail ? Promise.reject(new Error('disk I/O error')) : reader.read('taskDepth')),
      clock: f.clock,
      since,
      depthMaxAgeMs: 60_000,
    });
    await expect(flaky.overview()).rejects.toThrow(/disk I\/O/);
    fail = false;
    f.queue.create({ type: 'job' }, { name: 'tester' });
    expect(count(await flaky.overview(), 'ready')).toBe(1);
    flaky.dispose();
  });
});
