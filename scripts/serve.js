#!/usr/bin/env node
// `npm run serve -- [options]`: build, then run the headless host (same engine, UI in a browser).
'use strict';

const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { binOf, ensureSqliteForNode, repoRoot, run } = require('./lib');

if (!ensureSqliteForNode()) process.exit(1);
if (!run('build (electron-vite)', process.execPath, [binOf('electron-vite', 'electron-vite'), 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })) process.exit(1);
const child = spawn(process.execPath, [join(repoRoot, 'out', 'main', 'headless.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
