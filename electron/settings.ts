// Site settings: defaults shipped in resources/default-settings.json, overrides stored in SQLite.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { Settings } from '../preload/contract';
import type { Clock } from './core/clock';
import type { Db } from './db/database';
import { settings as settingsTable } from './db/schema';

export function loadDefaultSettings(resourcesDir: string): Settings {
  const raw: unknown = JSON.parse(readFileSync(join(resourcesDir, 'default-settings.json'), 'utf8'));
  return Settings.parse(raw);
}

export class SettingsService {
  constructor(
    private readonly db: Db,
    private readonly defaults: Settings,
    private readonly clock: Clock,
  ) {}

  get(): Settings {
    const merged: Record<string, unknown> = { ...this.defaults };
    for (const row of this.db.select().from(settingsTable).all()) {
      if (row.key in this.defaults) merged[row.key] = JSON.parse(row.value) as unknown;
    }
    // A stored value that no longer fits (older app, hand edit) falls back to its default.
    const parsed = Settings.safeParse(merged);
    return parsed.success ? parsed.data : this.defaults;
  }

  /** Writes the changed keys. Call inside the caller's transaction. */
  update(patch: Partial<Settings>, by: string | null): Settings {
    const next = Settings.parse({ ...this.get(), ...patch });
    const now = this.clock.now();
    for (const [key, value] of Object.entries(patch)) {
      const row = { key, value: JSON.stringify(value), updatedAt: now, updatedBy: by };
      const existing = this.db.select().from(settingsTable).where(eq(settingsTable.key, key)).get();
      if (existing) this.db.update(settingsTable).set(row).where(eq(settingsTable.key, key)).run();
      else this.db.insert(settingsTable).values(row).run();
    }
    return next;
  }
}
