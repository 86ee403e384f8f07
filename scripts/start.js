#!/usr/bin/env node
// `npm start`: build with electron-vite, make sure better-sqlite3 is built for Electron's ABI,
// then launch the desktop app on the repo root. Never downloads Electron: require('electron')
// would try to, so the binary is found from the package's path.txt instead.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { binOf, electronBinary, repoRoot, run } = require('./lib');

function betterSqliteLoadsIn(binary) {
  // Opening a database is what loads the addon; require() alone does not.
  const probe = "const D = require('better-sqlite3'); new D(':memory:').close();";
  const result = spawnSync(binary, ['-e', probe], {
    cwd: repoRoot,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
  });
  return result.status === 0;
}

function main() {
  const binary = electronBinary();
  if (!binary) {
    console.error(
      [
        'The Electron binary is not installed.',
        'Install it with network access to its download mirror: run `npx electron --version`,',
        'or reinstall electron (`npm install electron` without ELECTRON_SKIP_BINARY_DOWNLOAD).',
        'Without it, use `npm run serve` for the headless host and open the UI in a browser.',
      ].join('\n'),
    );
    return 1;
  }

  if (!run('electron-vite build', process.execPath, [binOf('electron-vite', 'electron-vite'), 'build'])) return 1;

  if (!betterSqliteLoadsIn(binary)) {
    const rebuilt = run('electron-rebuild -f -w better-sqlite3 (better-sqlite3 was built for another runtime)', process.execPath, [
      binOf('@electron/rebuild', 'electron-rebuild'),
      '-f',
      '-w',
      'better-sqlite3',
    ]);
    if (!rebuilt || !betterSqliteLoadsIn(binary)) {
      console.error(
        'better-sqlite3 could not be built for Electron (electron-rebuild needs a C++ toolchain and Electron headers).\n' +
          'Run `npm run rebuild:electron` by hand to see why, or use `npm run serve`.',
      );
      return 1;
    }
    console.log('Note: better-sqlite3 is now built for Electron; run `npm run rebuild:node` before tests or `npm run serve`.');
  }

  const args = [repoRoot, ...process.argv.slice(2)];
  if (process.platform === 'linux' && process.getuid && process.getuid() === 0) {
    // Chromium will not start its OS sandbox as root; say so rather than fail obscurely.
    console.warn('Running as root: starting Electron with --no-sandbox (the renderer flags stay on).');
    args.unshift('--no-sandbox');
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, args, { cwd: repoRoot, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
  return null;
}

const code = main();
if (code !== null) process.exitCode = code;
