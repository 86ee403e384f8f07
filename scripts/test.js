#!/usr/bin/env node
// `npm test`: every test there is. Typecheck, lint (layering), unit + integration (vitest),
// build, e2e in Chromium against the headless host (Playwright), and the Electron smoke test
// where an Electron binary exists. Ends with one line: "N passed, N failed".
'use strict';

const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { binOf, electronBinary, ensureSqliteForNode, repoRoot, run } = require('./lib');
const { findChromium } = require('./find-chromium');

const node = process.execPath;
const results = []; // { step, ok, passed, failed }
const work = mkdtempSync(join(tmpdir(), 'delegate-test-run-'));

function step(name, ok, counts = { passed: 0, failed: ok ? 0 : 1 }) {
  results.push({ step: name, ok, ...counts });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function vitestCounts(file) {
  const r = readJson(file);
  if (!r) return null;
  return { passed: r.numPassedTests, failed: r.numFailedTests + (r.numTotalTestSuites && r.success === false && r.numFailedTests === 0 ? 1 : 0) };
}

function playwrightCounts(file) {
  const r = readJson(file);
  if (!r || !r.stats) return null;
  return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected };
}

// A browser and Electron keep caches under XDG folders: keep them out of the user's home.
const isolatedEnv = {
  ...process.env,
  XDG_CONFIG_HOME: join(work, 'config'),
  XDG_CACHE_HOME: join(work, 'cache'),
  XDG_DATA_HOME: join(work, 'data'),
};

try {
  if (!ensureSqliteForNode()) step('native modules', false);

  step('typecheck', run('typecheck (tsc)', node, [binOf('typescript', 'tsc'), '--noEmit', '-p', 'tsconfig.json']));
  step('lint', run('lint (eslint, incl. layering rules)', node, [binOf('eslint', 'eslint'), '.']));

  const vitestJson = join(work, 'vitest.json');
  const unitOk = run('unit + integration tests (vitest)', node, [binOf('vitest', 'vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], { env: isolatedEnv });
  step('vitest', unitOk, vitestCounts(vitestJson) ?? { passed: 0, failed: 1 });

  const built = run('build (electron-vite)', node, [binOf('electron-vite', 'electron-vite'), 'build']);
  step('build', built);
  if (built) step('electronegativity (no HIGH finding)', run('static scan of the Electron app (electronegativity)', node, [join(repoRoot, 'scripts', 'scan-electron.js')]));

  if (built) {
    let chromium = null;
    try {
      chromium = findChromium();
      console.log(`\nChromium for e2e: ${chromium}`);
    } catch (error) {
      console.error(`\n${error.message}`);
      step('e2e (no Chromium)', false);
    }
    if (chromium) {
      const e2eJson = join(work, 'e2e.json');
      const e2eOk = run('e2e tests (Playwright in Chromium against the headless host)', node, [binOf('@playwright/test', 'playwright'), 'test', '--reporter=list,json'], {
        env: { ...isolatedEnv, CHROMIUM_PATH: chromium, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson },
      });
      step('e2e', e2eOk, playwrightCounts(e2eJson) ?? { passed: 0, failed: 1 });
    }

    if (electronBinary()) {
      const smokeJson = join(work, 'electron.json');
      const smokeOk = run('Electron smoke test (Playwright _electron)', node, [binOf('@playwright/test', 'playwright'), 'test', '-c', 'playwright.electron.config.ts', '--reporter=list,json'], {
        env: { ...isolatedEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: smokeJson },
      });
      step('electron smoke', smokeOk, playwrightCounts(smokeJson) ?? { passed: 0, failed: 1 });
    } else {
      console.log('\nelectron smoke test: NOT RUN here: no Electron binary is installed on this machine (e2e/electron runs wherever one is).');
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log('\nSummary');
for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.step}${r.passed || r.failed ? ` (${r.passed} passed, ${r.failed} failed)` : ''}`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const allOk = results.every((r) => r.ok);
console.log(`${passed} passed, ${allOk ? failed : Math.max(failed, 1)} failed`);
process.exit(allOk ? 0 : 1);
