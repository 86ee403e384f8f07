// The headless host as a real child process: health, CSP, port in use, clean SIGTERM, and a
// SIGKILL that loses nothing committed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PASSWORD, REPO_ROOT } from './testing/harness';

interface Child {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'delegate-headless-'));
  dirs.push(d);
  return d;
}

function startChild(args: string[]): { proc: ChildProcess; output: () => string; exited: Promise<number | null>; ready: Promise<string> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'electron', 'headless.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  // 'close' (not 'exit'): by then everything the child printed has been read.
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  ready.catch(() => {});
  return { proc, output: () => out, exited, ready };
}

async function start(dataDir: string, extra: string[] = []): Promise<Child> {
  const c = startChild(['--port', '0', '--data-dir', dataDir, '--admin-password', PASSWORD, ...extra]);
  return { ...c, url: await c.ready };
}

function bridgeCall(url: string, calls: { name: string; input: unknown }[], origin?: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/bridge`, origin ? { origin } : {});
    const results: unknown[] = [];
    let i = 0;
    const next = () => ws.send(JSON.stringify({ type: 'call', id: i, ...calls[i]! }));
    ws.on('open', next);
    ws.on('message', (d) => {
      const msg = JSON.parse(d.toString()) as { type: string };
      if (msg.type !== 'result') return;
      results.push(msg);
      if (++i < calls.length) {
        next();
      } else {
        ws.close();
        resolve(results);
      }
    });
    ws.on('close', (code, reason) => {
      if (results.length < calls.length) reject(new Error(`closed ${code} ${reason.toString()}`));
    });
    ws.on('error', reject);
  });
}

const login = { name: 'auth.login', input: { username: 'admin', password: PASSWORD } };

describe('headless host process', () => {
  it('answers /health and sends the CSP header', async () => {
    const c = await start(tempDir());
    const res = await fetch(`${c.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const page = await fetch(`${c.url}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(c.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('names the port when it is already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const c = startChild(['--port', String(port), '--data-dir', tempDir(), '--admin-password', PASSWORD]);
      const code = await c.exited;
      expect(c.output()).toContain(`Port ${port} is already in use`);
      expect(code).toBe(1);
    } finally {
      blocker.close();
    }
  });

  it('refuses a bad option with usage and exit code 2', async () => {
    const c = startChild(['--port', 'eighty']);
    expect(await c.exited).toBe(2);
    expect(c.output()).toMatch(/--port/);
    expect(c.output()).toMatch(/Usage/);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const c = await start(tempDir());
    c.proc.kill('SIGTERM');
    const code = await c.exited;
    expect(c.output()).toContain('SIGTERM received');
    expect(code).toBe(0);
  });

  it('refuses a bridge socket opened from a foreign origin', async () => {
    const c = await start(tempDir());
    await expect(bridgeCall(c.url, [login], 'http://evil.example')).rejects.toThrow(/1008|origin/);
    const ok = await bridgeCall(c.url, [login], c.url);
    expect(ok[0]).toMatchObject({ ok: true });
  });

  it('loses nothing committed when killed with SIGKILL', async () => {
    const dataDir = tempDir();
    const c = await start(dataDir);
    const created = await bridgeCall(c.url, [
      login,
      { name: 'users.create', input: { username: 'survivor', displayName: 'S', role: 'operator', password: 'long-enough-password' } },
      { name: 'settings.update', input: { siteName: 'After the crash' } },
    ]);
    expect(created.every((r) => (r as { ok: boolean }).ok)).toBe(true);
    c.proc.kill('SIGKILL');
    await c.exited;
    const again = await start(dataDir);
    const results = (await bridgeCall(again.url, [
      { name: 'auth.login', input: { username: 'survivor', password: 'long-enough-password' } },
      { name: 'settings.get', input: {} },
    ])) as { ok: boolean; value: { siteName?: string } }[];
    expect(results[0]!.ok).toBe(true);
    expect(results[1]!.value.siteName).toBe('After the crash');
    const verify = (await bridgeCall(again.url, [login, { name: 'audit.verify', input: {} }])) as { value: { ok: boolean } }[];
    expect(verify[1]!.value.ok).toBe(true);
  });
});
