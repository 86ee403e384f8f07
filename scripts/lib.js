// Small helpers shared by the npm scripts (CommonJS, no dependencies).
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const repoRoot = join(__dirname, '..');

/** The path of a package's bin script, run with this Node (no npx lookup, no shell). */
function binOf(pkg, name) {
  const manifestPath = require.resolve(`${pkg}/package.json`, { paths: [repoRoot] });
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[name];
  return join(dirname(manifestPath), bin);
}

function run(label, command, args, options = {}) {
  console.log(`\n> ${label}`);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status === 0;
}

/** The Electron binary the `electron` package installed, or null (never triggers a download). */
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json', { paths: [repoRoot] }));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist');
  const binary = join(distDir, readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Rebuilds better-sqlite3 for this Node when it was last built for Electron (after `npm start`). */
function ensureSqliteForNode() {
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: repoRoot, encoding: 'utf8' });
  if (probe.status === 0) return true;
  if (!/NODE_MODULE_VERSION|different Node\.js version/.test(probe.stderr)) {
    console.error(probe.stderr);
    return false;
  }
  console.log('better-sqlite3 was built for Electron; rebuilding it for Node (npm run rebuild:node)…');
  return run('npm rebuild better-sqlite3', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['rebuild', 'better-sqlite3']);
}

module.exports = { repoRoot, binOf, run, electronBinary, ensureSqliteForNode };
