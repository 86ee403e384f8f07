// Finds a Chromium for the e2e tests: $CHROMIUM_PATH, Playwright's own download, then the OS
// package. If none exists it tries `playwright install chromium`; if that fails too it stops
// with the package to install. Never a silent skip.
'use strict';

const { existsSync } = require('node:fs');
const { binOf, run } = require('./lib');

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium'];

function playwrightChromium() {
  try {
    const p = require('playwright-core').chromium.executablePath();
    return p && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function findChromium({ install = true } = {}) {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but no file is there.`);
  }
  const found = playwrightChromium() || SYSTEM_CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  if (install) {
    console.log('No Chromium found; trying `playwright install chromium`…');
    run('playwright install chromium', process.execPath, [binOf('playwright-core', 'playwright-core'), 'install', 'chromium']);
    const installed = playwrightChromium();
    if (installed) return installed;
  }
  throw new Error(
    'No Chromium browser for the end-to-end tests, and `playwright install chromium` could not get one.\n' +
      'Install the OS package and run the tests again:\n' +
      '  Debian/Ubuntu: sudo apt-get install -y chromium\n' +
      '  Fedora:        sudo dnf install -y chromium\n' +
      'or set CHROMIUM_PATH to a Chromium/Chrome executable.',
  );
}

module.exports = { findChromium };

if (require.main === module) {
  try {
    console.log(findChromium());
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
