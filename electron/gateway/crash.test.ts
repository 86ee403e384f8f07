// Crash test: the headless host (UI server + gateway) as a child process under load from three
// external agent processes (electron/gateway/crash-agent.ts: two long-poll, one WebSocket), with
// a producer submitting batches through the gateway. The host is killed with SIGKILL at seeded
// random moments six times and restarted on the same data folder and ports. At the end:
//   - every task the producer created exists once and is in a terminal state, reached once;
//   - no completion was recorded twice (one `succeeded` timeline row per task);
//   - every recorded completion matches an effect an agent applied (ledger), effects are
//     idempotent by key (an agent may have run a task more than once: at-least-once);
//   - the audit chain is intact.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../native/sqlite';
import { DelegateClient, type TaskBatchItemInput } from '../../sdk';
import { openCliContext } from '../cli/context';
import { systemClock } from '../core/clock';
import { AuditLog } from '../security/audit-log';
import { PASSWORD, REPO_ROOT } from '../testing/harness';

const KILLS = 6;
const SEED = 20261122;
const LEASE_MS = 3000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface HostProcess {
  proc: ChildProcess;
  uiUrl: string;
  gatewayUrl: string;
  exited: Promise<number | null>;
  output(): string;
}

const processes: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function startHost(dataDir: string, port: number, gatewayPort: number): Promise<HostProcess> {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO_ROOT, 'electron', 'headless.ts'),
      '--port',
      String(port),
      '--gateway-port',
      String(gatewayPort),
      '--data-dir',
      dataDir,
      '--admin-password',
      PASSWORD,
      '--task-lease-ms',
      String(LEASE_MS),
      '--gateway-rate',
      '0',
      '--log-level',
      'warn',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  processes.push(proc);
  let out = '';
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const ui = /listening on (http:\/\/\S+)/.exec(out);
      const gw = /gateway listening on (http:\/\/\S+)/.exec(out);
      if (ui && gw) resolve({ proc, uiUrl: ui[1]!, gatewayUrl: gw[1]!, exited, output: () => out });
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => reject(new Error(`host exited ${code} before listening:\n${out}`)));
  });
}

function startAgent(url: string, key: string, ledger: string, transport: 'poll' | 'websocket', seed: number): { proc: ChildProcess; exited: Promise<number | null> } {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'electron', 'gateway', 'crash-agent.ts'), '--url', url, '--key', key, '--ledger', ledger, '--transport', transport, '--concurrency', '4', '--seed', String(seed)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  processes.push(proc);
  return { proc, exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))) };
}

describe('crash test', () => {
  it(`loses no task and records no completion twice across ${KILLS} SIGKILLs under load`, async () => {
    const random = mulberry32(SEED);
    const dataDir = mkdtempSync(join(tmpdir(), 'delegate-crash-'));
    dirs.push(dataDir);

    // Agents and keys, written like `delegate agents add` / `keys create` do.
    const cli = openCliContext(dataDir, { create: true, appRoot: REPO_ROOT });
    const keys: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const a = cli.write('agents.create', `crash-${i}`, {}, () => cli.agents.create({ name: `crash-${i}`, kind: 'software', capacity: 4 }));
      keys.push(cli.write('agents.createKey', a.name, {}, () => cli.agents.createKey(a.id, ['agent'])).secret);
    }
    const producer = cli.agents.create({ name: 'producer', kind: 'software' });
    const submitKey = cli.agents.createKey(producer.id, ['submit']).secret;
    cli.close();

    let host = await startHost(dataDir, 0, 0);
    const port = Number(new URL(host.uiUrl).port);
    const gatewayPort = Number(new URL(host.gatewayUrl).port);
    const url = host.gatewayUrl;
    const ledgers = [1, 2, 3].map((i) => join(dataDir, `ledger-${i}.jsonl`));
    const agents = [
      startAgent(url, keys[0]!, ledgers[0]!, 'poll', 1),
      startAgent(url, keys[1]!, ledgers[1]!, 'poll', 2),
      startAgent(url, keys[2]!, ledgers[2]!, 'websocket', 3),
    ];

    // The producer: batches with idempotency keys, resubmitted until acknowledged (a batch whose
    // answer was lost in a crash comes back as the same tasks).
    const client = new DelegateClient({ url, key: submitKey });
    const submitted = new Set<string>();
    let producing = true;
    let batchNo = 0;
    const produce = (async () => {
      while (producing) {
        const n = batchNo++;
        const batch: TaskBatchItemInput[] = Array.from({ length: 10 }, (_, i) => ({
          type: 'crash.effect',
          idempotencyKey: `effect-${n}-${i}`,
          payload: { n, i },
          maxAttempts: 50,
          backoff: { baseMs: 100, maxMs: 1000 },
        }));
        for (;;) {
          try {
            await client.createTasks(batch);
            for (const t of batch) submitted.add(t.idempotencyKey!);
            break;
          } catch {
            await pause(100); // the host is down: try the same batch again
          }
        }
        await pause(60);
      }
    })();

    let kills = 0;
    for (let k = 0; k < KILLS; k++) {
      await pause(400 + Math.floor(random() * 1200)); // a seeded random moment under load
      host.proc.kill('SIGKILL');
      await host.exited;
      kills++;
      host = await startHost(dataDir, port, gatewayPort);
    }
    producing = false;
    await produce;
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(submitted.size).toBeGreaterThan(100);

    // Everything drains on the last host.
    const unfinished = ['pending', 'ready', 'blocked', 'assigned', 'running', 'failed', 'timed_out'] as const;
    const deadline = Date.now() + 45_000;
    for (;;) {
      const page = await client.listTasks({ status: [...unfinished], limit: 1 });
      if (page.total === 0) break;
      if (Date.now() > deadline) throw new Error(`${page.total} tasks still unfinished:\n${host.output()}`);
      await pause(200);
    }
    for (const a of agents) a.proc.kill('SIGTERM');
    expect(await Promise.all(agents.map((a) => a.exited))).toEqual([0, 0, 0]);
    host.proc.kill('SIGTERM');
    expect(await host.exited).toBe(0);

    // --- the ledger against the database ---
    const db = openSqlite(join(dataDir, 'delegate.db'), { readonly: true });
    try {
      const tasks = db.prepare("SELECT id, idempotency_key AS key, state, result FROM tasks WHERE type = 'crash.effect'").all() as {
        id: string;
        key: string;
        state: string;
        result: string | null;
      }[];
      // Every task created exists once (unique idempotency keys) and only those.
      expect(tasks.length).toBe(submitted.size);
      expect(new Set(tasks.map((t) => t.key))).toEqual(submitted);
      // ... and ended succeeded.
      expect(tasks.filter((t) => t.state !== 'succeeded')).toEqual([]);

      // A terminal state reached exactly once per task; one completion per task.
      const terminal = db
        .prepare(
          `SELECT t.id, (SELECT count(*) FROM task_events e WHERE e.task_id = t.id AND e.to_state IN ('succeeded', 'cancelled', 'dead')) AS n,
                  (SELECT count(*) FROM task_events e WHERE e.task_id = t.id AND e.to_state = 'succeeded') AS completions
             FROM tasks t WHERE t.type = 'crash.effect'`,
        )
        .all() as { id: string; n: number; completions: number }[];
      expect(terminal.filter((r) => r.n !== 1 || r.completions !== 1)).toEqual([]);

      // Effects: every line is an execution; effects are idempotent by key.
      const lines = ledgers
        .filter((f) => existsSync(f))
        .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean))
        .map((l) => JSON.parse(l) as { taskId: string; key: string; attempt: number });
      const applied = new Set(lines.map((l) => l.key));
      expect(applied).toEqual(submitted);
      const byTask = new Map<string, { key: string; attempt: number }[]>();
      for (const l of lines) byTask.set(l.taskId, [...(byTask.get(l.taskId) ?? []), l]);
      for (const t of tasks) {
        // The completion recorded is one an agent applied: same key, same attempt.
        const result = JSON.parse(t.result ?? 'null') as { effect: string; attempt: number };
        expect(result.effect).toBe(t.key);
        expect(byTask.get(t.id)?.some((l) => l.attempt === result.attempt && l.key === t.key)).toBe(true);
      }
      const reExecuted = [...byTask.values()].filter((ls) => ls.length > 1).length;
      console.log(
        `crash test: ${kills} kills, ${tasks.length} tasks, ${lines.length} executions, ${reExecuted} tasks executed more than once (at-least-once), ${tasks.length} completions recorded once each`,
      );

      expect(new AuditLog(db, systemClock, () => '').verify()).toMatchObject({ ok: true });
    } finally {
      db.close();
    }
  }, 110_000);
});
