// Group commit: many operations, one transaction, each in its own savepoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it('refuses work after dispose, having committed what was queued', async () => {
    const insert = f.database.sqlite.prepare('INSERT INTO scratch (v) VALUES (?)');
    const queued = batcher.run(() => insert.run(9));
    batcher.dispose();
    await queued;
    await expect(batcher.run(() => 1)).rejects.toMatchObject({ code: 'unavailable' });
  });
});
