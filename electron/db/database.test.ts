// Start-up safety of the database file: corrupt and newer files refused and left untouched,
// backup before migrating, integrity checked, pragmas set.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../native/sqlite';
import { openTestHost, REPO_ROOT } from '../testing/harness';
import { DatabaseOpenError, knownSchemaVersion, openDatabase, restoreBackup } from './database';

const migrationsDir = join(REPO_ROOT, 'electron', 'db', 'migrations');
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'delegate-db-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const open = (dir: string) =>
  openDatabase({ file: join(dir, 'delegate.db'), migrationsDir, backupDir: join(dir, 'backups'), now: () => Date.UTC(2026, 0, 1) });

describe('database start-up', () => {
  it('creates a new database with WAL, foreign keys, synchronous FULL and the current schema', () => {
    const dir = tempDir();
    const db = open(dir);
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.sqlite.pragma('user_version', { simple: true })).toBe(knownSchemaVersion(migrationsDir));
    expect(db.backupFile).toBeNull();
    db.close();
  });

  it('refuses a file that is not a database and leaves it untouched', () => {
    const dir = tempDir();
    const file = join(dir, 'delegate.db');
    writeFileSync(file, Buffer.concat([Buffer.from('this is not sqlite at all '), Buffer.alloc(8192, 7)]));
    const before = sha(file);
    expect(() => open(dir)).toThrow(DatabaseOpenError);
    try {
      open(dir);
    } catch (error) {
      expect((error as DatabaseOpenError).kind).toBe('corrupt');
      expect((error as Error).message).toMatch(/left untouched/);
    }
    expect(sha(file)).toBe(before);
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });

  it('refuses a database written by a newer app and leaves it untouched', () => {
    const dir = tempDir();
    open(dir).close();
    const file = join(dir, 'delegate.db');
    const raw = openSqlite(file);
    raw.pragma('user_version = 99');
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = sha(file);
    expect(() => open(dir)).toThrow(/newer version of Delegate \(schema 99/);
    expect(sha(file)).toBe(before);
  });

  it('backs the file up before applying pending migrations, and the backup restores', () => {
    const dir = tempDir();
    const file = join(dir, 'delegate.db');
    // An "older app": the same migrations folder with only the first migration in its journal.
    const oldMigrations = join(dir, 'old-migrations');
    cpSync(migrationsDir, oldMigrations, { recursive: true });
    const journalFile = join(oldMigrations, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
    const first = openDatabase({ file, migrationsDir: oldMigrations, backupDir: join(dir, 'backups'), now: () => 1 });
    first.sqlite.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('siteName', '\"Old plant\"', 1)").run();
    expect(first.sqlite.pragma('user_version', { simple: true })).toBe(1);
    first.close();

    const second = open(dir);
    expect(second.backupFile).not.toBeNull();
    expect(readdirSync(join(dir, 'backups'))).toHaveLength(1);
    const triggers = second.sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_log_%'").pluck().get();
    expect(triggers).toBe(2);
    expect(second.sqlite.prepare("SELECT value FROM settings WHERE key = 'siteName'").pluck().get()).toBe('"Old plant"');
    second.close();
    const backup = openSqlite(second.backupFile!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(1);
    expect(backup.prepare("SELECT value FROM settings WHERE key = 'siteName'").pluck().get()).toBe('"Old plant"');
    backup.close();
    const aside = restoreBackup(second.backupFile!, file, 42);
    expect(existsSync(aside)).toBe(true);
    const restored = openSqlite(file, { readonly: true });
    expect(restored.pragma('user_version', { simple: true })).toBe(1);
    restored.close();
  });

  it('the host names the problem when the database is refused', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'delegate.db'), Buffer.alloc(4096, 1));
    await expect(openTestHost({}, dir)).rejects.toThrow(/not a readable Delegate database/);
  });
});
