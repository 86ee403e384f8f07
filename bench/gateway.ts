// npm run bench:gateway — Delegate end to end through the agent gateway, against the same queue
// driven in-process, in one run on this machine. Not a test: it prints figures and the ratio.
//
//   in-process: N workers call TaskQueue.claim(max 50) / complete directly (no HTTP).
//   gateway:    the headless host as a child process (as deployed); the bench process enqueues
//               20,000 tasks through POST /v1/tasks/batch (1,000 per request) while N agents
//               (HTTP clients in this process, one API key each) long-poll POST /v1/claim with
//               max 50 and report either per task (POST /v1/tasks/:id/complete) or all 50 at
//               once, taking the next 50 in the same request (POST /v1/complete with
//               `claim: { max }`; a long poll only when that brought none); or the SDK's
//               DelegateAgent runs them (concurrency 50, a no-op handler). Every
//               gateway request that changes something also writes its audit row in the same
//               transaction; the host runs as deployed (auto-assign offers on, tick every 250 ms).
// Both: jobs/s from the first enqueue to the last completion, no-op work, WAL + synchronous=FULL.
//   options: --total 20000 --agents 4 --max 50
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openCliContext } from '../electron/cli/context';
import { DelegateAgent, DelegateClient, type TaskDto } from '../sdk';
import { endToEnd, openDelegate } from './in-process';

const ROOT = resolve(__dirname, '..');
const { values } = parseArgs({ options: { total: { type: 'string' }, agents: { type: 'string' }, max: { type: 'string' } }, strict: require.main === module });
const TOTAL = Number(values.total ?? 20_000);
const AGENTS = Number(values.agents ?? 4);
const MAX = Number(values.max ?? 50);
const CHUNK = 1000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The same queue in-process, a window attached (events built as in the app), claiming max MAX. */
async function inProcess(): Promise<number> {
  const d = openDelegate(true);
  try {
    return await endToEnd(d.queue, d.agents, AGENTS, MAX, TOTAL);
  } finally {
    await d.close();
  }
}

function startHost(dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'electron', 'headless.ts'), '--port', '0', '--gateway-port', '0', '--gateway-rate', '0', '--data-dir', dataDir, '--admin-password', 'bench-password-1', '--log-level', 'warn'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /gateway listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1]! });
    });
    proc.once('exit', (code) => reject(new Error(`host exited ${code}: ${out}`)));
  });
}

/**
 * How the HTTP agents work: `per-task` claims 50 and completes each on its own, `batched` reports
 * 50 and takes the next 50 in one request, `sdk` is the SDK's DelegateAgent (concurrency 50,
 * no-op handler) as an agent author would run it.
 */
export type GatewayMode = 'per-task' | 'batched' | 'sdk';

/** Also run by bench:queue, so the gateway's figure is measured in the same run as BullMQ's. */
export async function throughGateway(mode: GatewayMode): Promise<{ jobsPerSecond: number; requests: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'delegate-bench-gw-'));
  const cli = openCliContext(dir, { create: true, appRoot: ROOT });
  const keys: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const a = cli.agents.create({ name: `gw${i}`, kind: 'software', capacity: MAX });
    keys.push(cli.agents.createKey(a.id, ['agent']).secret);
  }
  const producer = cli.agents.create({ name: 'producer', kind: 'software' });
  const submitKey = cli.agents.createKey(producer.id, ['submit']).secret;
  cli.close();
  const host = await startHost(dir);
  let requests = 0;
  try {
    let done = 0;
    let finish!: () => void;
    const allDone = new Promise<void>((r) => (finish = r));
    let stop = false;
    const sdkAgents: DelegateAgent[] = [];
    const loop = async (key: string) => {
      if (mode === 'sdk') {
        const agent = new DelegateAgent({
          url: host.url,
          key,
          concurrency: MAX,
          waitMs: 200,
          onEvent: (ev) => {
            if (ev.type === 'completed' && ++done >= TOTAL) finish();
          },
        });
        sdkAgents.push(agent);
        agent.start(async () => {});
        return;
      }
      const client = new DelegateClient({ url: host.url, key });
      let tasks: TaskDto[] = [];
      while (!stop) {
        if (tasks.length === 0) {
          requests++;
          tasks = await client.claim({ max: MAX, waitMs: 200 });
          if (tasks.length === 0) continue;
        }
        const reports = tasks.map((t) => ({ id: t.id, attempt: t.attempt }));
        const n = tasks.length;
        if (mode === 'batched') {
          // The reports and the next tasks in one request (POST /v1/complete with claim).
          requests++;
          const answer = await client.completeAndClaim(reports, MAX);
          const refused = answer.results.find((r) => 'error' in r);
          if (refused) throw new Error(`a completion was refused: ${JSON.stringify(refused)}`);
          tasks = answer.tasks;
        } else {
          requests += n;
          await Promise.all(reports.map((r) => client.complete(r.id, r.attempt)));
          tasks = [];
        }
        done += n;
        if (done >= TOTAL) finish();
      }
    };
    const submit = new DelegateClient({ url: host.url, key: submitKey });
    const start = performance.now();
    const loops = keys.map(loop);
    for (let i = 0; i < TOTAL; i += CHUNK) {
      requests++;
      await submit.createTasks(Array.from({ length: Math.min(CHUNK, TOTAL - i) }, (_, k) => ({ type: 'noop', payload: { n: i + k } })));
    }
    await allDone;
    const seconds = (performance.now() - start) / 1000;
    stop = true;
    await Promise.all([...loops, ...sdkAgents.map((a) => a.stop())]);
    const left = await submit.listTasks({ status: ['succeeded'], limit: 1 });
    if (left.total !== TOTAL) throw new Error(`the gateway run finished ${left.total} of ${TOTAL}`);
    return { jobsPerSecond: TOTAL / seconds, requests };
  } finally {
    host.proc.kill('SIGTERM');
    await new Promise((r) => host.proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  log(`bench:gateway — ${TOTAL} no-op tasks, ${AGENTS} agents claiming max ${MAX}, ${cpus().length} CPUs, Node ${process.versions.node}`);
  log('in-process queue…');
  const local = await inProcess();
  log('through the gateway, one complete per task…');
  const gw = await throughGateway('per-task');
  log('through the gateway, batched completes with the next claim…');
  const gwBatched = await throughGateway('batched');
  log('through the gateway, the SDK agent…');
  const gwSdk = await throughGateway('sdk');
  const rows = [
    ['Delegate in-process (claim max 50 / complete)', `${Math.round(local)} jobs/s`, '1.00x'],
    ['gateway: claim max 50, complete per task', `${Math.round(gw.jobsPerSecond)} jobs/s`, `${(gw.jobsPerSecond / local).toFixed(2)}x`],
    ['gateway: claim max 50, POST /v1/complete + next 50 per request', `${Math.round(gwBatched.jobsPerSecond)} jobs/s`, `${(gwBatched.jobsPerSecond / local).toFixed(2)}x`],
    ['gateway: the SDK\'s DelegateAgent, concurrency 50, no-op handler', `${Math.round(gwSdk.jobsPerSecond)} jobs/s`, `${(gwSdk.jobsPerSecond / local).toFixed(2)}x`],
  ];
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  console.log(`\nend to end, enqueue ${TOTAL} (batches of ${CHUNK}) to last completion:`);
  for (const r of rows) console.log(`  ${r[0]!.padEnd(w0)}  ${r[1]!.padStart(12)}  ${r[2]}`);
  console.log(`  gateway requests: per-task ${gw.requests} (${Math.round(gw.requests / (TOTAL / gw.jobsPerSecond))} req/s), batched ${gwBatched.requests}`);
  console.log('  ratios are gateway / in-process in this run (same machine, same data path, HTTP and audit rows added)');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
