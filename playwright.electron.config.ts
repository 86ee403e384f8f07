// Playwright config for the desktop smoke test (e2e/electron): launches the built app through
// Playwright's _electron, so no browser download is involved. Needs an Electron binary.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e/electron',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/electron',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: { trace: 'retain-on-failure' },
});
