#!/usr/bin/env node
// The `delegate` command: runs the built CLI (npm run build first).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error('delegate: not built yet. Run `npm run build` in the Delegate folder first.');
  process.exit(1);
}
require(cli).cliMain(process.argv.slice(2));
