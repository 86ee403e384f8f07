// The `delegate` CLI as a process (node --import tsx electron/cli/index.ts …) against a temp
// data folder — while a host is open on the same data, as when the app runs: users, agents,
// keys, tasks, audit; --json; exit codes (0 ok, 1 failed, 2 usage, 3 verify failed, 4 not found).
/* eslint-disable @typescript-eslint/no-explicit-any -- answers are parsed JSON, read field by field in assertions */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeConnection, openTestHost, REPO_ROOT, type TestHost } from '../testing/harness';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json(): any;
}

function cli(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'electron', 'cli', 'index.ts'), ...args], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdin.end(stdin ?? '');
    proc.once('exit', (code) => resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}

describe('delegate CLI', () => {
  let t: TestHost;
  let dir: string;
  const d = () => ['--data-dir', dir];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'delegate-cli-'));
    // The app is running on this data folder the whole time.
    t = await openTestHost({ taskTickMs: 0, tasks: { shutdownGraceMs: 0 } }, dir);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds and lists agents (skills weld:3,inspect:2), visible to the running app, audited as cli', async () => {
    const added = await cli(['agents', 'add', '--name', 'welder-7', '--kind', 'robot', '--skills', 'weld:3,inspect:2', '--capacity', '2', '--json', ...d()]);
    expect(added.code).toBe(0);
    expect(added.json()).toMatchObject({ name: 'welder-7', kind: 'robot', skills: { weld: 3, inspect: 2 }, capacity: 2 });
    expect(t.host.agents.byName('welder-7')).toMatchObject({ kind: 'robot' });
    expect(t.host.audit.list({ limit: 1 }).entries[0]).toMatchObject({ action: 'agents.create', actorName: 'cli', outcome: 'ok', target: 'welder-7' });

    const listed = await cli(['agents', 'list', ...d()]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/welder-7\s+robot\s+available\s+0\/2\s+weld:3,inspect:2/);

    const dup = await cli(['agents', 'add', '--name', 'welder-7', '--kind', 'robot', ...d()]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('exists already');
    expect(t.host.audit.list({ limit: 1 }).entries[0]).toMatchObject({ action: 'agents.create', actorName: 'cli', outcome: 'conflict' });
    expect((await cli(['agents', 'add', '--name', 'x', '--kind', 'alien', ...d()])).code).toBe(2);
    expect((await cli(['agents', 'add', '--name', 'x', '--kind', 'robot', '--skills', 'weld', ...d()])).code).toBe(2);
  });

  it('creates a key that prints once and works, lists it without the secret, revokes it by prefix', async () => {
    t.host.agents.create({ name: 'bot-1', kind: 'software' });
    const created = await cli(['keys', 'create', '--agent', 'bot-1', '--scope', 'agent,submit', '--json', ...d()]);
    expect(created.code).toBe(0);
    const { key, secret } = created.json();
    expect(key.scopes).toEqual(['agent', 'submit']);
    expect(t.host.agents.authenticateKey(secret)?.agent.name).toBe('bot-1');

    const text = await cli(['keys', 'create', '--agent', 'bot-1', ...d()]);
    expect(text.stdout).toMatch(/shown this once/);
    expect(text.stdout).toMatch(/^dlg_[a-z2-7]{8}_\S{43}$/m);

    const listed = await cli(['keys', 'list', '--agent', 'bot-1', ...d()]);
    expect(listed.stdout).toContain(key.prefix);
    expect(listed.stdout).not.toContain(secret.split('_').slice(2).join('_'));

    const revoked = await cli(['keys', 'revoke', key.prefix, ...d()]);
    expect(revoked.code).toBe(0);
    expect(t.host.agents.authenticateKey(secret)).toBeNull();
    expect((await cli(['keys', 'revoke', 'dlg_zzzzzzzz', ...d()])).code).toBe(4);
    expect((await cli(['keys', 'create', '--agent', 'nobody', ...d()])).code).toBe(4);
    expect((await cli(['keys', 'create', '--agent', 'bot-1', '--scope', 'root', ...d()])).code).toBe(2);
  });

  it('lists, shows and cancels tasks of the running app', async () => {
    const [a, b] = t.host.tasks.createBatch([{ type: 'weld.seam', title: 'Seam A' }, { type: 'paint' }], { name: 'admin' });
    const listed = await cli(['tasks', 'list', '--status', 'ready', '--type', 'weld.seam', '--json', ...d()]);
    expect(listed.code).toBe(0);
    expect(listed.json().tasks.map((x: { id: string }) => x.id)).toEqual([a!.id]);
    const shown = await cli(['tasks', 'show', a!.id, ...d()]);
    expect(shown.stdout).toContain('Seam A');
    expect(shown.stdout).toMatch(/∅ -> ready/);
    const cancelled = await cli(['tasks', 'cancel', b!.id, '--reason', 'wrong colour', '--json', ...d()]);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', cancelReason: 'wrong colour' });
    expect(t.host.tasks.getOrThrow(b!.id).state).toBe('cancelled');
    expect(t.host.audit.list({ limit: 1 }).entries[0]).toMatchObject({ action: 'tasks.cancel', actorName: 'cli', target: b!.id });
    expect((await cli(['tasks', 'cancel', b!.id, ...d()])).code).toBe(1);
    expect((await cli(['tasks', 'show', '01ARZ3NDEKTSV4RRFFQ69G5FAV', ...d()])).code).toBe(4);
    expect((await cli(['tasks', 'show', 'nope', ...d()])).code).toBe(2);
  });

  it('adds users (password from stdin), lists them, disables one (ending its sessions) but never the last admin', async () => {
    const added = await cli(['users', 'add', '--username', 'ops-anna', '--role', 'operator', '--password-stdin', '--json', ...d()], 'a-long-enough-password\n');
    expect(added.code).toBe(0);
    expect(added.json().user).toMatchObject({ username: 'ops-anna', role: 'operator' });
    const conn = fakeConnection();
    expect((await t.call(conn, 'auth.login', { username: 'ops-anna', password: 'a-long-enough-password' })).ok).toBe(true);

    const disabled = await cli(['users', 'disable', 'ops-anna', ...d()]);
    expect(disabled.code).toBe(0);
    expect((await t.call(conn, 'system.info', {})).ok).toBe(false);
    const list = await cli(['users', 'list', '--json', ...d()]);
    expect(list.json().users.find((u: { username: string }) => u.username === 'ops-anna').disabled).toBe(true);
    const lastAdmin = await cli(['users', 'disable', 'admin', ...d()]);
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toContain('last active administrator');
    expect((await cli(['users', 'add', '--username', 'x', '--role', 'operator', '--password', 'short', ...d()])).code).toBe(2);
  });

  it('answers an unknown or malformed option with 2 in every command, as JSON with --json', async () => {
    const bad = [
      ['audit', 'verify', '--bogus'],
      ['audit', 'verify', 'extra'],
      ['audit', 'verify', '--data-dir'],
      ['users', 'list', '--bogus'],
      ['users', 'add', '--username', 'x', '--role', 'operator', '--bogus'],
      ['agents', 'add', '--name', 'x', '--kind', 'robot', '--capacity'],
      ['keys', 'list', '--bogus'],
      ['keys', 'revoke'],
      ['tasks', 'list', '--limit'],
      ['tasks', 'show', '--bogus'],
      ['serve', '--bogus'],
    ];
    const audited = t.count('audit_log');
    const runs = await Promise.all(bad.map((args) => cli([...args, ...d()])));
    expect(runs.map((r) => r.code)).toEqual(bad.map(() => 2));
    // Refused before anything was opened: no audit row either.
    expect(t.count('audit_log')).toBe(audited);
    expect(runs[0]!.stderr).toContain("Unknown option '--bogus'");
    expect(runs[0]!.stderr).toContain('Usage: delegate');
    expect(runs.at(-1)!.stderr).toContain('Usage: npm run serve');
    const json = await Promise.all([cli(['audit', 'verify', '--bogus', '--json', ...d()]), cli(['serve', '--bogus', '--json', ...d()])]);
    for (const r of json) {
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'usage' } });
    }
  });

  it('serve --json prints one JSON line with the URLs once listening, and stops on SIGTERM', async () => {
    const own = mkdtempSync(join(tmpdir(), 'delegate-cli-serve-'));
    try {
      const proc = spawn(
        process.execPath,
        ['--import', 'tsx', join(REPO_ROOT, 'electron', 'cli', 'index.ts'), 'serve', '--json', '--port', '0', '--gateway-port', '0', '--admin-password', 'Serve-pass-1234', '--log-level', 'warn', '--data-dir', own],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((r) => proc.once('exit', r));
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no JSON line:\n${stdout}\n${stderr}`)), 30_000);
        proc.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('\n')) {
            clearTimeout(timer);
            resolve(stdout.split('\n')[0]!);
          }
        });
      });
      const started = JSON.parse(line);
      expect(started).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), gatewayUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), dataDir: own });
      expect((await fetch(`${started.gatewayUrl}/health`)).status).toBe(200);
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      // stdout holds only the one line; the shutdown note went to stderr.
      expect(stdout.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain('SIGTERM received');
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('verifies the audit chain with the CLI rows in it, and answers usage and missing data with 2 and 4', async () => {
    const verified = await cli(['audit', 'verify', '--json', ...d()]);
    expect(verified.code).toBe(0);
    expect(verified.json()).toMatchObject({ ok: true });
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['agents', 'list', '--bogus', ...d()])).code).toBe(2);
    const missing = await cli(['agents', 'list', '--json', '--data-dir', join(dir, 'nope')]);
    expect(missing.code).toBe(4);
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'not_found' } });
    expect((await cli(['audit', 'verify', '--data-dir', join(dir, 'nope')])).code).toBe(4);
  });
}, 120_000);
