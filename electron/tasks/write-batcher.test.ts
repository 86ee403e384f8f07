// Group commit: many operations, one transaction, each in its own savepoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../native/sqlite';
import { AppError } from '../core/errors';
import { WriteBatcher } from './write-batcher';
import { openQueueFixture, type QueueFixture } from './test-fixture';

let f: QueueFixture;
let batcher: WriteBatcher;
beforeEach(() => {
  f = openQueueFixture();
  f.database.sqlite.exec('CREATE TABLE scratch (v INTEGER NOT NULL UNIQUE)');
  batcher = new WriteBatcher(f.database.sqlite, f.bus);
});
afterEach(async () => {
  batcher.dispose();
  await f.close();
});

describe('write batcher', () => {
  it('commits operations queued in the same turn together, rolling back only the one that threw', async () => {
    const insert = f.database.sqlite.prepare('INSERT INTO scratch (v) VALUES (?)');
    const results = await Promise.allSettled([
      batcher.run(() => insert.run(1).changes),
      batcher.run(() => {
        insert.run(2);
        insert.run(1); // unique violation: this op's insert of 2 is rolled back too
      }),
      batcher.run(() => insert.run(3).changes),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batcher.commits).toBe(1);
    expect(f.database.sqlite.prepare('SELECT v FROM scratch ORDER BY v').pluck().all()).toEqual([1, 3]);
  });

  it('syncs nothing for a batch that changed no row, yet answers it after the batches before it', async () => {
    const insert = f.database.sqlite.prepare('INSERT INTO scratch (v) VALUES (?)');
    const count = f.database.sqlite.prepare('SELECT count(*) FROM scratch').pluck();
    const order: string[] = [];
    const wrote = batcher.run(() => insert.run(1)).then(() => order.push('wrote'));
    batcher.flush();
    const read = batcher.run(() => count.get()).then((n) => order.push(`read ${String(n)}`));
    batcher.flush();
    // An UPDATE that matches no row changes nothing either.
    const none = batcher.run(() => f.database.sqlite.prepare('UPDATE scratch SET v = 9 WHERE v = 42').run().changes);
    await Promise.all([wrote, read, none]);
    expect(order).toEqual(['wrote', 'read 1']);
    expect(await none).toBe(0);
    expect(batcher.commits).toBe(3);
    expect(batcher.syncs).toBe(1);
  });

  it('announces what an operation queued only if it committed', async () => {
    const said: string[] = [];
    await Promise.allSettled([
      batcher.run((out) => out.push(() => said.push('kept'))),
      batcher.run((out) => {
        out.push(() => said.push('dropped'));
        throw new Error('no');
      }),
    ]);
    expect(said).toEqual(['kept']);
  });

  it('acknowledges a batch and delivers its events only after the fsync off the main thread, batches in order', async () => {
    const db = f.database.sqlite;
    const insert = db.prepare('INSERT INTO scratch (v) VALUES (?)');
    const seen: string[] = [];
    const off = f.bus.onDidEmit((e) => seen.push(`event ${(e.payload as { id: string }).id}`));
    const first = batcher.run((out) => {
      insert.run(1);
      out.push(() => f.bus.emit('task.updated', { id: 'first' } as never));
      return 'first';
    });
    batcher.flush();
    const second = batcher.run((out) => {
      insert.run(2);
      out.push(() => f.bus.emit('task.updated', { id: 'second' } as never));
      return 'second';
    });
    batcher.flush();
    // Both committed (visible to a reader) and the connection back on FULL for writes outside
    // the batcher, but nobody has been told yet: the fsync is still running on the thread pool.
    expect(db.prepare('SELECT v FROM scratch ORDER BY v').pluck().all()).toEqual([1, 2]);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(seen).toEqual([]);
    let told = false;
    void first.then(() => (told = true));
    await Promise.resolve();
    expect(told).toBe(false);
    void first.then((v) => seen.push(`ack ${v}`));
    void second.then((v) => seen.push(`ack ${v}`));
    await Promise.all([first, second, batcher.settled()]);
    expect(seen).toEqual(['event first', 'ack first', 'event second', 'ack second']);
    off();
  });

  it('commits at once, synchronously, when the database is in memory', async () => {
    const mem = openSqlite(':memory:');
    mem.exec('CREATE TABLE t (v INTEGER)');
    const b = new WriteBatcher(mem, f.bus);
    let told = false;
    const p = b.run(() => mem.prepare('INSERT INTO t VALUES (1)').run()).then(() => (told = true));
    b.flush();
    await Promise.resolve();
    expect(told).toBe(true);
    await p;
    b.dispose();
    mem.close();
  });

  it('runs a guarded op without a savepoint: a refusal before writing rejects alone, any other error aborts the batch', async () => {
    const db = f.database.sqlite;
    const insert = db.prepare('INSERT INTO scratch (v) VALUES (?)');
    const refused = await Promise.allSettled([
      batcher.run(() => insert.run(1).changes, true),
      batcher.run(() => {
        throw new AppError('conflict', 'stale attempt');
      }, true),
      batcher.run(() => insert.run(2).changes, true),
    ]);
    expect(refused.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT v FROM scratch ORDER BY v').pluck().all()).toEqual([1, 2]);

    const broken = await Promise.allSettled([
      batcher.run(() => insert.run(3).changes),
      batcher.run(() => {
        insert.run(4);
        insert.run(1); // unique violation after a write: the op may have written half
      }, true),
      batcher.run(() => insert.run(5).changes),
    ]);
    expect(broken.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(db.prepare('SELECT v FROM scratch ORDER BY v').pluck().all()).toEqual([1, 2]);
  });

  it('refuses work after dispose, having committed what was queued', async () => {
    const insert = f.database.sqlite.prepare('INSERT INTO scratch (v) VALUES (?)');
    const queued = batcher.run(() => insert.run(9));
    batcher.dispose();
    await queued;
    await expect(batcher.run(() => 1)).rejects.toMatchObject({ code: 'unavailable' });
  });
});
