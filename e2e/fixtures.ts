// A fresh headless host per test: its own temp data folder, a free port, the built renderer.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect } from '@playwright/test';

export interface HostInfo {
  url: string;
  adminUsername: 'admin';
  adminPassword: string;
  dataDir: string;
  /** Everything the host printed, for failure messages. */
  output(): string;
}

export interface HostOptions {
  /** Start with no admin so the browser's setup screen creates the first one. */
  setupInUi: boolean;
}

const ROOT = resolve(__dirname, '..');
export const ADMIN_PASSWORD = 'Admin-pass-123';

async function startHost(setupInUi: boolean): Promise<{ info: HostInfo; proc: ChildProcess }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'delegate-e2e-host-'));
  const args = [join(ROOT, 'out', 'main', 'headless.js'), '--port', '0', '--gateway-port', '0', '--data-dir', dataDir, '--log-level', 'warn'];
  args.push(...(setupInUi ? ['--setup-in-ui'] : ['--admin-password', ADMIN_PASSWORD]));
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${out}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${out}`));
    });
  });
  return { info: { url, adminUsername: 'admin', adminPassword: ADMIN_PASSWORD, dataDir, output: () => out }, proc };
}

export const test = base.extend<HostOptions & { host: HostInfo }>({
  setupInUi: [false, { option: true }],
  host: async ({ setupInUi }, use) => {
    const { info, proc } = await startHost(setupInUi);
    try {
      await use(info);
    } finally {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(info.dataDir, { recursive: true, force: true });
    }
  },
  baseURL: async ({ host }, use) => use(host.url),
});

export { expect };
