// Finds the Electron binary the `electron` package installed, without requiring the package:
// require('electron') tries to download a missing binary, which must never happen in a test run.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function electronBinary(): string | null {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist');
  const binary = join(distDir, relative);
  return existsSync(binary) ? binary : null;
}
