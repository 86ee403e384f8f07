// Where things live on disk, without Electron: the app folder (migrations, resources, built UI)
// and the per-user data folder (same place Electron's app.getPath('userData') picks).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const PRODUCT_NAME = 'Delegate';

/** Walks up from `start` to the folder that holds electron/db/migrations. */
export function findAppRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'electron', 'db', 'migrations'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find Delegate's app folder above ${start}`);
    dir = parent;
  }
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.DELEGATE_DATA_DIR) return resolve(env.DELEGATE_DATA_DIR);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}
