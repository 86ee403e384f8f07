// Timeline rows are buffered and written with multi-row INSERTs at the end of the transaction:
// every transition still has its row, in order, and a rolled-back operation leaves none.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-fixture';
import { TimelineBuffer } from './timeline-buffer';

let f: QueueFixture;
beforeEach(() => {
  f = openQueueFixture();
});
afterEach(async () => {
  await f.close();
});

const rows = () =>
  f.database.sqlite.prepare('SELECT task_id, from_state, to_state FROM task_events ORDER BY seq').all() as {
    task_id: string;
    from_state: string | null;
    to_state: string;
  }[];

describe('timeline buffer', () => {
  it('writes one row per transition, in order, across every chunk size (150 = 64+64+16+4+1+1)', async () => {
    const agent = f.agents.create({ name: 'w', kind: 'software', capacity: 1000 });
    const created = await f.queue.submitBatch(Array.from({ length: 150 }, (_, i) => ({ type: 'noop', payload: { i } })));
    expect(rows().map((r) => r.task_id)).toEqual(created.map((t) => t.id));
    const claimed = await f.queue.claim(agent.id, 150);
    await Promise.all(claimed.map((t) => f.queue.complete(t.id, agent.id, t.attempt)));
    expect(f.count('task_events')).toBe(450);
    for (const t of created) {
      expect(rows().filter((r) => r.task_id === t.id).map((r) => `${r.from_state ?? '∅'}>${r.to_state}`)).toEqual([
        '∅>ready',
        'ready>running',
        'running>succeeded',
      ]);
    }
  });

  it('keeps no row of an operation rolled back in a group commit, and every row of the others', async () => {
    const agent = f.agents.create({ name: 'w', kind: 'software', capacity: 10 });
    const [task] = await f.queue.submitBatch([{ type: 'noop' }]);
    const [running] = await f.queue.claim(agent.id, 1);
    const before = f.count('task_events');
    const outcomes = await Promise.allSettled([
      f.queue.submit({ type: 'kept' }),
      // All or nothing: the first item is written, the second names an unknown dependency.
      f.queue.submitBatch([{ type: 'lost' }, { type: 'lost', dependsOn: ['01JUNKNOWN0000000000000000'] }]),
      f.queue.complete(running!.id, agent.id, running!.attempt + 1), // stale attempt: refused
      f.queue.complete(running!.id, agent.id, running!.attempt),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const added = rows().slice(before);
    expect(added.map((r) => r.to_state)).toEqual(['ready', 'succeeded']);
    expect(added[1]!.task_id).toBe(task!.id);
    expect(f.database.sqlite.prepare("SELECT count(*) AS n FROM tasks WHERE type = 'lost'").get()).toEqual({ n: 0 });
  });

  it('writes the rows of a synchronous change before its transaction ends', () => {
    const task = f.queue.create({ type: 'noop' });
    f.queue.cancel(task.id, 'not needed');
    expect(rows().map((r) => `${r.from_state ?? '∅'}>${r.to_state}`)).toEqual(['∅>ready', 'ready>cancelled']);
  });

  it('says who may claim now: tasks still ready (anyone), a freed slot (its agent); a claim or a rolled-back row is no news', () => {
    const buffer = new TimelineBuffer(f.database.sqlite);
    const news = () => {
      const n = buffer.waitingNews();
      return n && `readies=${n.readies} agents=${[...n.agents].join(',')}`;
    };
    const [t1, t2] = [f.queue.create({ type: 'noop' }), f.queue.create({ type: 'noop' })];
    f.database.sqlite.transaction(() => {
      buffer.push(t1.id, 1, 'state', 'ready', 'running', 1, 'a1', null, null);
      expect(news()).toBeNull();
      const mark = buffer.size;
      buffer.push(t1.id, 2, 'state', 'running', 'succeeded', 1, 'a1', null, null);
      expect(news()).toBe('readies=0 agents=a1');
      buffer.truncate(mark);
      expect(news()).toBeNull();
      buffer.push(t2.id, 3, 'state', 'running', 'ready', 1, 'a2', null, null);
      expect(news()).toBe('readies=1 agents=a2');
      // Ready, then claimed in the same transaction: no longer there for anyone.
      buffer.push(t2.id, 4, 'state', 'ready', 'running', 2, 'a3', null, null);
      expect(news()).toBe('readies=0 agents=a2');
      buffer.flush();
    })();
    expect(news()).toBeNull();
  });
});
