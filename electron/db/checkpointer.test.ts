// The WAL is checkpointed by a thread of its own (a real worker thread with its own connection),
// not inside the main connection's commits; if that thread fails, SQLite's own checkpoints return.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkpointer } from './checkpointer';
import { openDatabase, type OpenedDatabase } from './database';

let dir: string;
let database: OpenedDatabase;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'delegate-ckpt-'));
  database = openDatabase({
    file: join(dir, 'delegate.db'),
    migrationsDir: resolve(__dirname, 'migrations'),
    backupDir: join(dir, 'backups'),
    now: () => 0,
  });
  database.sqlite.exec('CREATE TABLE filler (v BLOB NOT NULL)');
});
afterEach(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Commits `mb` MiB in 64 KiB rows, one transaction per MiB. */
function write(mb: number): void {
  const insert = database.sqlite.prepare('INSERT INTO filler (v) VALUES (randomblob(65536))');
  for (let i = 0; i < mb; i++) database.sqlite.transaction(() => Array.from({ length: 16 }, () => insert.run()))();
}

const waitFor = async (what: () => boolean, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!what()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('checkpointer', () => {
  it('copies the WAL into the database from its own thread, the main connection checkpointing only as a far safety net', async () => {
    const c = new Checkpointer(database.file, database.sqlite, { intervalMs: 10, walBytes: 1024 * 1024 });
    expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(16_384);
    const before = statSync(database.file).size;
    write(8);
    await waitFor(() => c.stats.checkpoints > 0 && c.stats.framesCopied >= 256);
    expect(statSync(database.file).size).toBeGreaterThan(before + 4 * 1024 * 1024); // frames landed in the database file
    expect(database.sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 128 });
    await c.close();
    expect(c.running).toBe(false);
    expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('keeps SQLite checkpointing itself when the thread cannot even start', async () => {
    const warnings: string[] = [];
    const c = new Checkpointer(database.file, database.sqlite, {
      log: { warn: (_d, message) => warnings.push(message) },
      spawn: () => {
        throw new Error('The worker script checkpoint-worker is missing');
      },
    });
    expect(c.running).toBe(false);
    expect(warnings.join('\n')).toMatch(/could not start/);
    expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    write(2);
    await c.close();
  });

  it('hands checkpoints back to SQLite when the thread fails, and says so', async () => {
    const warnings: string[] = [];
    const c = new Checkpointer(database.file, database.sqlite, {
      log: { warn: (_d, message) => warnings.push(message) },
      spawn: () => new Worker("throw new Error('broken thread')", { eval: true }),
    });
    await waitFor(() => !c.running);
    expect(warnings.join('\n')).toMatch(/checkpoint thread failed/);
    expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    write(2); // still commits, with SQLite's own checkpoints
    await c.close();
  });
});
