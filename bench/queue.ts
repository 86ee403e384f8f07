// npm run bench:queue — Delegate's durable queue against BullMQ on a local redis-server, in one
// run on this machine, with the same no-op work. Not a test: it prints figures and ratios.
//
//   1. end to end: enqueue 20,000 (chunks of 1,000) while workers claim and complete; jobs/s
//      from the first enqueue to the last completion, best of 3 rounds, each run in a fresh
//      process of this script (`--run <name>`: a warm-up run, then the measured one). Delegate:
//      the queue in-process (the issue's target: 8 workers that claim up to 256, wait in the
//      queue when there is nothing, and report each claim's tasks with one completeMany), the
//      same with a window attached, the whole host (learning engine recording every decision)
//      and through the gateway (bench/gateway.ts: the host as a child process, HTTP agents with
//      batched claims and completes). BullMQ: one Worker, concurrency 100.
//   2. enqueue -> start latency, p50/p99, at a steady 500 tasks/s.
//   3. Delegate only: claim latency with 100,000 queued tasks and 1,000 agents.
//   plus the raw SQLite ceiling (20,000 inserts in one transaction) for reference.
//
// Durability: Delegate acknowledges a change only after the WAL holding it is fsync'd (group
// commits, the fsync on libuv's thread pool: the durability of synchronous=FULL, like AOF
// `always`); BullMQ is measured with AOF `everysec` (can lose about a second on a
// power cut) and AOF `always`. Redis is started by this script on a free port in a temp folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqlite } from '../native/sqlite';
import type { AgentRegistry } from '../electron/agents/registry';
import { createHost } from '../electron/host';
import type { TaskQueue } from '../electron/tasks/queue';
import { throughGateway } from './gateway';
import { endToEnd, openDelegate } from './in-process';
import { loadBullmq, type BullJob } from './peers';

const TOTAL = 20_000;
const CHUNK = 1000;
const RATE = 500;
const LATENCY_SECONDS = 8;
const CLAIM_QUEUED = 100_000;
const CLAIM_AGENTS = 1000;
const SKILLS = ['weld', 'inspect', 'paint', 'pick', 'pack'];
const SETTLE_MS = 1000;

const ROOT = resolve(__dirname, '..');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summarize(samples: number[]): { p50: number; p99: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), n: s.length };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// Delegate
// ---------------------------------------------------------------------------------------------

async function delegateEndToEnd(workers: number, perClaim: number, window: boolean): Promise<number> {
  const d = openDelegate(window);
  try {
    return await endToEnd(d.queue, d.agents, workers, perClaim, TOTAL);
  } finally {
    await d.close();
  }
}

/**
 * The same through the whole host as the app runs it: the learning delegation engine picks every
 * claim and records the decision (candidates, scores, explanation), offer rounds tick, the
 * gateway's listeners attached to the bus.
 */
async function hostEndToEnd(workers: number, perClaim: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'delegate-bench-host-'));
  const host = await createHost({ dataDir, mode: 'headless', appRoot: ROOT, logLevel: 'silent', setupInUi: true });
  try {
    return await endToEnd(host.tasks, host.agents, workers, perClaim, TOTAL);
  } finally {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function delegateLatency(): Promise<{ p50: number; p99: number; n: number }> {
  const d = openDelegate(false);
  try {
    const agentIds = Array.from({ length: 4 }, (_, i) => d.agents.create({ name: `w${i}`, kind: 'software', capacity: 64 }).id);
    const sentAt = new Map<string, number>();
    const samples: number[] = [];
    const stop = new AbortController();
    const loop = async (agentId: string) => {
      while (!stop.signal.aborted) {
        const tasks = await d.queue.claim(agentId, 64, undefined, { ms: 1000, signal: stop.signal });
        const now = performance.now();
        if (tasks.length === 0) continue;
        for (const t of tasks) {
          const sent = sentAt.get((t.payload as { k: string }).k);
          if (sent !== undefined) samples.push(now - sent);
        }
        await Promise.all(tasks.map((t) => d.queue.complete(t.id, agentId, t.attempt)));
      }
    };
    const loops = agentIds.map(loop);
    await steadyProducer((k) => {
      sentAt.set(k, performance.now());
      void d.queue.submit({ type: 'noop', payload: { k } });
    });
    await sleep(200);
    stop.abort();
    await Promise.all(loops);
    return summarize(samples);
  } finally {
    await d.close();
  }
}

/** Calls send() RATE times a second for LATENCY_SECONDS, evenly spaced. */
async function steadyProducer(send: (key: string) => void): Promise<void> {
  const total = RATE * LATENCY_SECONDS;
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
    while (sent < due) send(`k${sent++}`);
    await sleep(1);
  }
}

type ClaimLatency = { sequential: { p50: number; p99: number; n: number }; busy: { p50: number; p99: number; n: number } };

/**
 * Claim latency with CLAIM_QUEUED tasks and CLAIM_AGENTS agents: the bare queue (`queue`), or the
 * whole host (`host`), where the delegation service weighs every pulled task against the agents
 * free to take it (a single-task view per kind of task, shared for 100 ms) and records it.
 */
async function delegateClaimLatency(where: 'queue' | 'host'): Promise<ClaimLatency> {
  let d: { queue: TaskQueue; agents: AgentRegistry; close(): Promise<void> };
  if (where === 'queue') {
    d = openDelegate(false);
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'delegate-bench-host-'));
    const host = await createHost({ dataDir, mode: 'headless', appRoot: ROOT, logLevel: 'silent', setupInUi: true, taskTickMs: 0 });
    d = {
      queue: host.tasks,
      agents: host.agents,
      close: async () => {
        await host.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  try {
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const agentIds: string[] = [];
    for (let i = 0; i < CLAIM_AGENTS; i++) {
      const skills: Record<string, number> = {};
      for (const s of SKILLS) if (rnd() < 0.6) skills[s] = 1 + Math.floor(rnd() * 5);
      agentIds.push(d.agents.create({ name: `agent-${i}`, kind: 'software', capacity: 1_000, skills }).id);
    }
    for (let i = 0; i < CLAIM_QUEUED; i += CHUNK) {
      d.queue.createBatch(
        Array.from({ length: CHUNK }, (_, k) => {
          const r = rnd();
          const priority = (['critical', 'high', 'normal', 'low'] as const)[Math.floor(rnd() * 4)]!;
          return r < 0.3
            ? { type: 'noop', priority, payload: { n: i + k } }
            : { type: 'noop', priority, payload: { n: i + k }, requires: { [SKILLS[Math.floor(rnd() * SKILLS.length)]!]: 1 + Math.floor(rnd() * 3) } };
        }),
      );
    }
    // One claim at a time by a random agent: the latency of the call itself, its fsync included.
    const sequential: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const agentId = agentIds[Math.floor(rnd() * agentIds.length)]!;
      const t0 = performance.now();
      await d.queue.claim(agentId, 1);
      sequential.push(performance.now() - t0);
    }
    // 1,000 agents at once in a closed loop (claim, complete, claim…): group commit under load.
    const busy: number[] = [];
    const until = performance.now() + 4000;
    await Promise.all(
      agentIds.map(async (agentId) => {
        while (performance.now() < until) {
          const t0 = performance.now();
          const [task] = await d.queue.claim(agentId, 1);
          busy.push(performance.now() - t0);
          if (task) await d.queue.complete(task.id, agentId, task.attempt);
          else await sleep(5);
        }
      }),
    );
    return { sequential: summarize(sequential), busy: summarize(busy) };
  } finally {
    await d.close();
  }
}

function sqliteCeiling(): number {
  const dir = mkdtempSync(join(tmpdir(), 'delegate-bench-raw-'));
  try {
    const db = openSqlite(join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE jobs (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO jobs (payload) VALUES (?)');
    const start = performance.now();
    db.transaction(() => {
      for (let i = 0; i < TOTAL; i++) insert.run(`{"n":${i}}`);
    })();
    const seconds = (performance.now() - start) / 1000;
    db.close();
    return TOTAL / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// BullMQ on a local redis-server
// ---------------------------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Redis {
  port: number;
  stop(): Promise<void>;
}

async function startRedis(fsync: 'everysec' | 'always'): Promise<Redis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'delegate-bench-redis-'));
  const child: ChildProcess = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', '', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolveReady, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return {
    port,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function bullEndToEnd(fsync: 'everysec' | 'always', concurrency: number): Promise<number> {
  const { Queue, Worker } = loadBullmq();
  const redis = await startRedis(fsync);
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue('bench', { connection });
  let done = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((r) => (finished = r));
  const worker = new Worker('bench', async () => {}, { connection, concurrency, autorun: true });
  worker.on('completed', () => {
    if (++done >= TOTAL) finished();
  });
  await worker.waitUntilReady();
  try {
    const start = performance.now();
    for (let i = 0; i < TOTAL; i += CHUNK) {
      await queue.addBulk(Array.from({ length: CHUNK }, (_, k) => ({ name: 'noop', data: { n: i + k } })));
    }
    await allDone;
    return TOTAL / ((performance.now() - start) / 1000);
  } finally {
    await worker.close();
    await queue.close();
    await redis.stop();
  }
}

async function bullLatency(fsync: 'everysec' | 'always'): Promise<{ p50: number; p99: number; n: number }> {
  const { Queue, Worker } = loadBullmq();
  const redis = await startRedis(fsync);
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue('bench', { connection });
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  const worker = new Worker(
    'bench',
    async (job: BullJob<{ k: string }>) => {
      const sent = sentAt.get(job.data.k);
      if (sent !== undefined) samples.push(performance.now() - sent);
    },
    { connection, concurrency: 64 },
  );
  await worker.waitUntilReady();
  try {
    await steadyProducer((k) => {
      sentAt.set(k, performance.now());
      void queue.add('noop', { k });
    });
    await sleep(300);
    return summarize(samples);
  } finally {
    await worker.close();
    await queue.close();
    await redis.stop();
  }
}

// ---------------------------------------------------------------------------------------------

const END_TO_END = ['delegate', 'window', 'host', 'gateway', 'bull-everysec', 'bull-always'] as const;
type EndToEnd = (typeof END_TO_END)[number];

/** One end-to-end run of `name`, jobs/s. */
async function endToEndRun(name: EndToEnd): Promise<number> {
  switch (name) {
    case 'delegate':
      return delegateEndToEnd(8, 256, false);
    case 'window':
      return delegateEndToEnd(8, 256, true);
    case 'host':
      return hostEndToEnd(8, 256);
    case 'gateway':
      return (await throughGateway('batched')).jobsPerSecond;
    case 'bull-everysec':
      return bullEndToEnd('everysec', 100);
    case 'bull-always':
      return bullEndToEnd('always', 100);
  }
}

/**
 * Runs `name` in a fresh process of this script (a warm-up run, then the measured one), so no
 * contender inherits another's heap, modules or timers; answers its jobs/s.
 */
function inChild(name: EndToEnd): Promise<number> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, '--run', name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      const m = /^jobs\/s (\d+(?:\.\d+)?)$/m.exec(out);
      if (code === 0 && m) resolveRun(Number(m[1]));
      else reject(new Error(`the ${name} run failed (exit ${code}): ${out}`));
    });
  });
}

async function main(): Promise<void> {
  const began = performance.now();
  const loadBefore = loadavg()[0]!;
  log('raw SQLite ceiling…');
  const raw = sqliteCeiling();
  log('end to end (best of 3 rounds, interleaved so background load hits everyone alike; each run in a fresh process)…');
  const best: Record<EndToEnd, number> = { delegate: 0, window: 0, host: 0, gateway: 0, 'bull-everysec': 0, 'bull-always': 0 };
  for (let round = 1; round <= 3; round++) {
    for (const name of END_TO_END) {
      // A pause first, so the disk writes of the run before (Redis's AOF, the host's checkpoints)
      // are not still landing: the same for every contender.
      await sleep(SETTLE_MS);
      best[name] = Math.max(best[name], await inChild(name));
    }
    log(`  round ${round}: ${END_TO_END.map((n) => `${n} ${Math.round(best[n])}`).join(', ')}`);
  }
  const { delegate, window: delegateWindow, host: delegateHost, gateway, 'bull-everysec': bullEvery, 'bull-always': bullAlways } = best;
  log(`enqueue -> start at ${RATE}/s: Delegate…`);
  const latD = await delegateLatency();
  log('… BullMQ everysec');
  const latE = await bullLatency('everysec');
  log('… BullMQ always');
  const latA = await bullLatency('always');
  log(`claim latency with ${CLAIM_QUEUED} queued and ${CLAIM_AGENTS} agents…`);
  const claim = await delegateClaimLatency('queue');
  log('… the same through the whole host (every pull weighed by the delegation engine)');
  const claimHost = await delegateClaimLatency('host');

  const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
  const f2 = (n: number) => n.toFixed(2);
  const rows: [string, string, string][] = [
    ['end to end, 20,000 no-op jobs (jobs/s)', '', ''],
    ['  Delegate in-process (WAL, synchronous=FULL)', f0(delegate), ''],
    ['  Delegate, a window attached (events built)', f0(delegateWindow), ''],
    ['  Delegate, whole host (learning engine, decisions recorded)', f0(delegateHost), `${f2(delegateHost / bullEvery)}x / ${f2(delegateHost / bullAlways)}x of BullMQ everysec / always`],
    ['  Delegate through the gateway (host process, 4 HTTP agents: 50 reports + the next 50 per request)', f0(gateway), `${f2(gateway / bullEvery)}x / ${f2(gateway / bullAlways)}x of BullMQ everysec / always`],
    ['  BullMQ 6, AOF everysec', f0(bullEvery), `Delegate ${f2(delegate / bullEvery)}x (target >= 3x)`],
    ['  BullMQ 6, AOF always', f0(bullAlways), `Delegate ${f2(delegate / bullAlways)}x (target >= 5x)`],
    ['  raw SQLite ceiling: 20,000 inserts, 1 transaction', f0(raw), `Delegate at ${f2((delegate / raw) * 100)} % of it`],
    [`enqueue -> start at ${RATE}/s, p50 / p99 (ms)`, '', ''],
    ['  Delegate', `${f2(latD.p50)} / ${f2(latD.p99)}`, `n=${latD.n}`],
    ['  BullMQ 6, AOF everysec', `${f2(latE.p50)} / ${f2(latE.p99)}`, `Delegate p99 = ${f2(latD.p99 / latE.p99)}x of it (target <= 1x)`],
    ['  BullMQ 6, AOF always', `${f2(latA.p50)} / ${f2(latA.p99)}`, `Delegate p99 = ${f2(latD.p99 / latA.p99)}x of it (target <= 1x)`],
    [`claim, ${f0(CLAIM_QUEUED)} queued, ${f0(CLAIM_AGENTS)} agents, p50 / p99 (ms)`, '', ''],
    ['  one claim at a time (each its own fsync)', `${f2(claim.sequential.p50)} / ${f2(claim.sequential.p99)}`, 'target p99 <= 5 ms'],
    ['  1,000 agents claiming at once (group commit)', `${f2(claim.busy.p50)} / ${f2(claim.busy.p99)}`, `n=${claim.busy.n}`],
    ['  whole host, one claim at a time (each pull weighed and recorded)', `${f2(claimHost.sequential.p50)} / ${f2(claimHost.sequential.p99)}`, `${f2(claimHost.sequential.p99 / claim.sequential.p99)}x the bare queue's p99`],
    ['  whole host, 1,000 agents claiming at once', `${f2(claimHost.busy.p50)} / ${f2(claimHost.busy.p99)}`, `n=${claimHost.busy.n}`],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log('');
  console.log(
    `Delegate queue benchmark — node ${process.versions.node}, ${process.platform}, ${cpus().length} cores, data in ${tmpdir()}, ` +
      `load average ${loadBefore.toFixed(1)} before / ${loadavg()[0]!.toFixed(1)} after (other work on the machine skews figures)`,
  );
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  console.log(`(whole run ${((performance.now() - began) / 1000).toFixed(0)} s)`);
}

/** `--claims`: only the claim latencies (the bare queue and the whole host). */
async function claimsOnly(): Promise<void> {
  for (const where of ['queue', 'host'] as const) {
    const c = await delegateClaimLatency(where);
    const f = (x: { p50: number; p99: number; n: number }) => `p50 ${x.p50.toFixed(2)} / p99 ${x.p99.toFixed(2)} ms (n=${x.n})`;
    console.log(`${where}: one at a time ${f(c.sequential)}; ${CLAIM_AGENTS} agents at once ${f(c.busy)}`);
  }
}

const only = process.argv.indexOf('--run');
(process.argv.includes('--claims')
  ? claimsOnly()
  : only > 0
  ? (async () => {
      const name = process.argv[only + 1] as EndToEnd;
      if (!END_TO_END.includes(name)) throw new Error(`--run takes one of ${END_TO_END.join(', ')}`);
      await endToEndRun(name);
      console.log(`jobs/s ${await endToEndRun(name)}`);
    })()
  : main()
).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
