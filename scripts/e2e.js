#!/usr/bin/env node
// `npm run test:e2e`: build, find Chromium, run the Playwright suite against the headless host.
'use strict';

const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { binOf, run } = require('./lib');
const { findChromium } = require('./find-chromium');

let chromium;
try {
  chromium = findChromium();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
if (!run('build', process.execPath, [binOf('electron-vite', 'electron-vite'), 'build'])) process.exit(1);
const work = mkdtempSync(join(tmpdir(), 'delegate-e2e-'));
const ok = run('e2e', process.execPath, [binOf('@playwright/test', 'playwright'), 'test', ...process.argv.slice(2)], {
  env: { ...process.env, CHROMIUM_PATH: chromium, XDG_CONFIG_HOME: join(work, 'config'), XDG_CACHE_HOME: join(work, 'cache') },
});
process.exit(ok ? 0 : 1);
