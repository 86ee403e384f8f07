// Opens the one SQLite file: checks it before touching it (corrupt or newer-than-app files are
// refused and left as they are), backs it up before pending migrations, then migrates.
// Pragmas: WAL, foreign keys, busy timeout, synchronous=FULL (an acknowledged change survives
// a power cut).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { z } from 'zod';
import { openSqlite, type SqliteDatabase } from '../../native/sqlite';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
  constructor(
    readonly kind: 'corrupt' | 'newer' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

export interface OpenedDatabase {
  sqlite: SqliteDatabase;
  db: Db;
  file: string;
  schemaVersion: number;
  /** The backup taken before migrating, or null when nothing was pending. */
  backupFile: string | null;
  close(): void;
}

export interface OpenDatabaseOptions {
  file: string;
  migrationsDir: string;
  backupDir: string;
  now: () => number;
  keepBackups?: number;
}

const Journal = z.object({ entries: z.array(z.object({ idx: z.number(), tag: z.string() })) });

/** How many migrations this build of the app knows: stored as PRAGMA user_version after migrating. */
export function knownSchemaVersion(migrationsDir: string): number {
  const raw: unknown = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8'));
  return Journal.parse(raw).entries.length;
}

function inspectExisting(file: string, known: number): number {
  let probe: SqliteDatabase | undefined;
  try {
    probe = openSqlite(file, { readonly: true, fileMustExist: true });
    const check = probe.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    const problems = check.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (problems.length > 0) {
      throw new DatabaseOpenError(
        'corrupt',
        `The database ${file} failed its integrity check (${problems.slice(0, 3).join('; ')}). ` +
          'It was left untouched. Restore a backup from the backups folder beside it, or move the file away to start empty.',
      );
    }
    const version = probe.pragma('user_version', { simple: true }) as number;
    if (version > known) {
      throw new DatabaseOpenError(
        'newer',
        `The database ${file} was written by a newer version of Delegate (schema ${version}; this app knows ${known}). ` +
          'It was left untouched. Update Delegate, or point it at another data folder.',
      );
    }
    return version;
  } catch (error) {
    if (error instanceof DatabaseOpenError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const corrupt = /not a database|malformed|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(message);
    throw new DatabaseOpenError(
      corrupt ? 'corrupt' : 'unreadable',
      corrupt
        ? `The file ${file} is not a readable Delegate database (${message}). It was left untouched. ` +
            'Restore a backup, or move the file away to start empty.'
        : `The database ${file} could not be opened: ${message}`,
    );
  } finally {
    probe?.close();
  }
}

function backup(file: string, backupDir: string, stamp: number, fromVersion: number, keep: number): string {
  mkdirSync(backupDir, { recursive: true });
  const target = join(backupDir, `delegate-${new Date(stamp).toISOString().replace(/[:.]/g, '-')}-v${fromVersion}.db`);
  // VACUUM INTO writes a consistent single-file copy, WAL contents included.
  const source = openSqlite(file, { readonly: true, fileMustExist: true });
  try {
    source.prepare('VACUUM INTO ?').run(target);
  } finally {
    source.close();
  }
  const old = readdirSync(backupDir)
    .filter((f) => f.startsWith('delegate-') && f.endsWith('.db'))
    .sort();
  for (const f of old.slice(0, Math.max(0, old.length - keep))) rmSync(join(backupDir, f));
  return target;
}

export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const { file, migrationsDir, backupDir } = options;
  const known = knownSchemaVersion(migrationsDir);
  const exists = existsSync(file) && statSync(file).size > 0;
  const current = exists ? inspectExisting(file, known) : 0;
  const backupFile = exists && current < known ? backup(file, backupDir, options.now(), current, options.keepBackups ?? 10) : null;

  const sqlite = openSqlite(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Page cache of 64 MiB (default 2 MiB): the queue's working set (tasks, their indexes, the
    // timeline) outgrows 2 MiB at a few thousand tasks, and every miss is a WAL-index lookup
    // plus a read. Temporary b-trees (sorts, IN lists) stay in memory.
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('temp_store = MEMORY');
    const db = drizzle(sqlite, { schema });
    if (current < known) {
      migrate(db, { migrationsFolder: migrationsDir });
      sqlite.pragma(`user_version = ${known}`);
    }
    return {
      sqlite,
      db,
      file,
      schemaVersion: known,
      backupFile,
      close: () => {
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/** Restores a backup over the live file (the app must be stopped). The replaced file is kept. */
export function restoreBackup(backupFile: string, file: string, now: number): string {
  const aside = `${file}.replaced-${now}`;
  if (existsSync(file)) copyFileSync(file, aside);
  for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
  copyFileSync(backupFile, file);
  return aside;
}
