// Retention: old finished tasks are rolled into daily aggregates, then pruned with their timeline.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, TaskRetention } from './retention';
import { openQueueFixture, type QueueFixture } from './test-fixture';

let f: QueueFixture;
beforeEach(() => {
  f = openQueueFixture();
});
afterEach(() => f.close());

async function runOne(type: string, agentId: string, workMs: number, outcome: 'succeeded' | 'dead' | 'cancelled'): Promise<string> {
  const t = f.queue.create({ type, maxAttempts: 1 });
  if (outcome === 'cancelled') {
    f.clock.advance(workMs);
    f.queue.cancel(t.id, 'no');
    return t.id;
  }
  await f.queue.claim(agentId);
  f.clock.advance(workMs);
  if (outcome === 'succeeded') await f.queue.complete(t.id, agentId, 1);
  else await f.queue.fail(t.id, agentId, 1, { message: 'x' });
  return t.id;
}

describe('retention', () => {
  it('prunes finished tasks older than 7 days and keeps their daily aggregates', async () => {
    const a = f.agents.create({ name: 'worker', kind: 'software', capacity: 5 });
    const day1 = new Date(f.clock.now()).toISOString().slice(0, 10);
    await runOne('weld', a.id, 1000, 'succeeded');
    await runOne('weld', a.id, 3000, 'succeeded');
    await runOne('weld', a.id, 500, 'dead');
    await runOne('paint', a.id, 200, 'cancelled');
    f.clock.advance(DAY_MS);
    const day2 = new Date(f.clock.now()).toISOString().slice(0, 10);
    const recent = await runOne('weld', a.id, 4000, 'succeeded');
    const waiting = f.queue.create({ type: 'weld' }).id;

    f.clock.advance(7 * DAY_MS - 5000); // day-1 tasks are now older than 7 days; day-2 ones are not
    const { pruned } = f.retention.prune();
    expect(pruned).toBe(4);
    expect(f.count('tasks')).toBe(2);
    expect(f.queue.get(recent)).not.toBeNull();
    expect(f.queue.get(waiting)).not.toBeNull();
    expect(f.database.sqlite.prepare('SELECT count(*) AS n FROM task_events WHERE task_id NOT IN (SELECT id FROM tasks)').get()).toEqual({ n: 0 });

    const stats = f.retention.dailyStats();
    expect(stats).toEqual([
      { day: day1, type: 'paint', state: 'cancelled', count: 1, totalDurationMs: 200, avgDurationMs: 200, totalRunMs: 0, avgRunMs: 0 },
      { day: day1, type: 'weld', state: 'dead', count: 1, totalDurationMs: 500, avgDurationMs: 500, totalRunMs: 500, avgRunMs: 500 },
      { day: day1, type: 'weld', state: 'succeeded', count: 2, totalDurationMs: 4000, avgDurationMs: 2000, totalRunMs: 4000, avgRunMs: 2000 },
    ]);

    f.clock.advance(DAY_MS);
    expect(f.retention.prune().pruned).toBe(1);
    expect(f.retention.dailyStats(day2, day2)).toEqual([
      { day: day2, type: 'weld', state: 'succeeded', count: 1, totalDurationMs: 4000, avgDurationMs: 4000, totalRunMs: 4000, avgRunMs: 4000 },
    ]);
  });

  it('adds to an existing day instead of replacing it', async () => {
    const a = f.agents.create({ name: 'worker', kind: 'software', capacity: 5 });
    await runOne('weld', a.id, 1000, 'succeeded');
    f.clock.advance(8 * DAY_MS);
    f.retention.prune({ days: 7 });
    f.clock.advance(-8 * DAY_MS + 60_000); // a task finished later the same day
    await runOne('weld', a.id, 3000, 'succeeded');
    f.clock.advance(8 * DAY_MS);
    f.retention.prune({ days: 7 });
    expect(f.retention.dailyStats()).toMatchObject([{ type: 'weld', state: 'succeeded', count: 2, totalRunMs: 4000, avgRunMs: 2000 }]);
  });

  it('keeps a finished task while an unfinished task still depends on it', async () => {
    const a = f.agents.create({ name: 'worker', kind: 'software', capacity: 5 });
    const dep = f.queue.create({ type: 'a' });
    const other = f.queue.create({ type: 'b', runAt: f.clock.now() + 30 * DAY_MS });
    const child = f.queue.create({ type: 'c', dependsOn: [dep.id, other.id] });
    await f.queue.claim(a.id);
    await f.queue.complete(dep.id, a.id, 1);
    f.clock.advance(8 * DAY_MS);
    expect(f.retention.prune().pruned).toBe(0);
    expect(f.queue.details(child.id).dependencies.map((d) => d.id)).toContain(dep.id);
  });

  it('uses the retention days setting', async () => {
    f = await (async () => {
      await f.close();
      return openQueueFixture({ retentionDays: 1 });
    })();
    const a = f.agents.create({ name: 'worker', kind: 'software' });
    await runOne('weld', a.id, 10, 'succeeded');
    f.clock.advance(DAY_MS + 1);
    expect(f.retention.prune().pruned).toBe(1);
  });

  it('asks for the retention days on every run, so a changed setting counts from the next run', async () => {
    let days = 7;
    const retention = new TaskRetention(f.database.sqlite, f.clock, () => days);
    const a = f.agents.create({ name: 'worker', kind: 'software' });
    const old = await runOne('weld', a.id, 10, 'succeeded');
    f.clock.advance(3 * DAY_MS);
    const recent = await runOne('weld', a.id, 10, 'succeeded');
    f.clock.advance(DAY_MS);
    expect(retention.prune()).toMatchObject({ pruned: 0, cutoff: f.clock.now() - 7 * DAY_MS });

    days = 2; // the old task finished 4 days ago, the recent one 1 day ago
    expect(retention.prune()).toMatchObject({ pruned: 1, cutoff: f.clock.now() - 2 * DAY_MS });
    expect(f.queue.get(old)).toBeNull();
    expect(f.queue.get(recent)).not.toBeNull();
    expect(retention.dailyStats()).toMatchObject([{ type: 'weld', state: 'succeeded', count: 1 }]);
  });
});
