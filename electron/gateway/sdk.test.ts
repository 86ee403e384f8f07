// The agent SDK (sdk/) against a real gateway, and the example agent (examples/agent.ts) as a
// separate process: claim loops (long poll and WebSocket), heartbeats, cancellation through the
// AbortSignal, failures, a revoked key, graceful stop.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskDto, TaskState } from '../../preload/contract';
import { DelegateAgent, DelegateClient, TaskFailure, type AgentEvent } from '../../sdk';
import { REPO_ROOT } from '../testing/harness';
import { openEnv, until, type Env } from './test-env';

let env: Env | null = null;
const agents: DelegateAgent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop({ graceMs: 0 });
  await env?.close();
  env = null;
});

async function setup(): Promise<Env> {
  env = await openEnv();
  return env;
}

function newAgent(e: Env, options: Partial<ConstructorParameters<typeof DelegateAgent>[0]> = {}) {
  const events: AgentEvent[] = [];
  const agent = new DelegateAgent({ url: e.gw.url, key: e.keys.agent, waitMs: 2000, onEvent: (ev) => events.push(ev), ...options });
  agents.push(agent);
  return { agent, events };
}

async function stateOf(e: Env, id: string): Promise<TaskState> {
  return ((await e.api('GET', `/v1/tasks/${id}`)).body as TaskDto).state;
}

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('DelegateAgent', () => {
  it('works through tasks with the attempt number and idempotency key, reports progress, completes each once', async () => {
    const e = await setup();
    const submit = new DelegateClient({ url: e.gw.url, key: e.keys.submit });
    const created = await submit.createTasks(Array.from({ length: 12 }, (_, i) => ({ type: 'sdk.job', idempotencyKey: `sdk-${i}`, payload: { i } })));
    const seen: { key: string; attempt: number }[] = [];
    const { agent } = newAgent(e, { concurrency: 4, heartbeatMs: 30 });
    agent.start(async (task, ctx) => {
      seen.push({ key: ctx.effectKey, attempt: ctx.attempt });
      await ctx.progress({ percent: 50 });
      return { doubled: (task.payload as { i: number }).i * 2 };
    });
    await until(async () => (await submit.listTasks({ type: 'sdk.job', status: ['succeeded'] })).total === 12, 15_000, 'all succeeded');
    await agent.stop();
    expect(seen.map((s) => s.key).sort()).toEqual(created.map((t) => t.idempotencyKey).sort());
    expect(seen.every((s) => s.attempt === 1)).toBe(true);
    const one = await submit.getTask(created[3]!.id);
    expect(one).toMatchObject({ state: 'succeeded', result: { doubled: 6 }, progress: { percent: 50 } });
  });

  for (const concurrency of [1, 3]) {
    it(`takes the next tasks with its completions while every slot is busy (concurrency ${concurrency})`, async () => {
      const e = await setup();
      const submit = new DelegateClient({ url: e.gw.url, key: e.keys.submit });
      await submit.createTasks(Array.from({ length: 15 }, (_, i) => ({ type: 'along.job', payload: { i } })));
      const done = new Map<string, number>();
      const { agent, events } = newAgent(e, { concurrency });
      agent.start(async (task) => {
        done.set(task.id, (done.get(task.id) ?? 0) + 1);
        // Busy long enough that the slots are full when the first ones finish.
        await new Promise((r) => setTimeout(r, 5));
      });
      await until(async () => (await submit.listTasks({ type: 'along.job', status: ['succeeded'] })).total === 15, 15_000, 'all succeeded');
      await agent.stop();
      expect(done.size).toBe(15);
      expect([...done.values()].every((n) => n === 1)).toBe(true);
      expect(events.filter((ev) => ev.type === 'completed')).toHaveLength(15);
      const audit = e.t.host.audit.list({ limit: 200 }).entries;
      const along = audit.filter((a) => a.action === 'gateway.completeBatch' && JSON.stringify(a.details).includes('claimed'));
      const claims = audit.filter((a) => a.action === 'gateway.claim');
      // Most tasks came back with a completion instead of a claim of their own.
      expect(along.length).toBeGreaterThan(0);
      expect(claims.length).toBeLessThan(15 / concurrency);
    });
  }

  for (const transport of ['poll', 'websocket'] as const) {
    it(`aborts the handler when its task is cancelled (${transport})`, async () => {
      const e = await setup();
      const started = deferred<string>();
      const aborted = deferred<unknown>();
      const { agent, events } = newAgent(e, { transport, heartbeatMs: 25 });
      agent.start(
        (task, ctx) =>
          new Promise((_resolve, reject) => {
            started.resolve(task.id);
            ctx.signal.addEventListener('abort', () => {
              aborted.resolve(ctx.signal.reason);
              reject(ctx.signal.reason as Error);
            });
          }),
      );
      const task = await e.api('POST', '/v1/tasks', { key: e.keys.submit, body: { type: 'long.job' } });
      expect(await started.promise).toBe(task.body.id);
      await e.api('POST', `/v1/tasks/${task.body.id}/cancel`, { key: e.keys.submit, body: { reason: 'operator said so' } });
      expect(String(await aborted.promise)).toMatch(/cancelled/);
      await until(async () => (await stateOf(e, task.body.id)) === 'cancelled', 10_000, 'cancelled');
      await until(() => events.some((ev) => ev.type === 'cancelled'), 5000, 'cancelled event');
    });
  }

  it('records a TaskFailure as final (dead) and a plain error as retryable', async () => {
    const e = await setup();
    const { agent } = newAgent(e, { concurrency: 2 });
    agent.start((task) => {
      if (task.type === 'bad.input') throw new TaskFailure('the part number does not exist', { retryable: false, code: 'bad_part' });
      throw new Error('sensor glitch');
    });
    const bad = await e.api('POST', '/v1/tasks', { key: e.keys.submit, body: { type: 'bad.input' } });
    const flaky = await e.api('POST', '/v1/tasks', { key: e.keys.submit, body: { type: 'flaky', maxAttempts: 3, backoff: { baseMs: 60_000 } } });
    await until(async () => (await stateOf(e, bad.body.id)) === 'dead', 10_000, 'dead');
    await until(async () => (await stateOf(e, flaky.body.id)) === 'failed', 10_000, 'failed, waiting to retry');
    const dead = (await e.api('GET', `/v1/tasks/${bad.body.id}`)).body as TaskDto;
    expect(dead.lastError).toMatchObject({ message: 'the part number does not exist', code: 'bad_part' });
  });

  it('stops gracefully: in-flight work finishes and reports, nothing new is claimed', async () => {
    const e = await setup();
    const release = deferred();
    const started = deferred<string>();
    const { agent } = newAgent(e, { concurrency: 1 });
    agent.start(async (task) => {
      started.resolve(task.id);
      await release.promise;
      return 'done';
    });
    const first = await e.api('POST', '/v1/tasks', { key: e.keys.submit, body: { type: 'job' } });
    await started.promise;
    const stopped = agent.stop();
    const second = await e.api('POST', '/v1/tasks', { key: e.keys.submit, body: { type: 'job' } });
    release.resolve();
    await stopped;
    expect(agent.inFlight).toBe(0);
    expect(await stateOf(e, first.body.id)).toBe('succeeded');
    expect(await stateOf(e, second.body.id)).toBe('ready');
  });

  it('stops when the gateway refuses its key', async () => {
    const e = await setup();
    const key = e.t.host.agents.createKey(e.agentId, ['agent']);
    e.t.host.agents.revokeKey(key.key.id);
    const { agent, events } = newAgent(e, { key: key.secret });
    await agent.run(() => undefined);
    expect(agent.isRunning).toBe(false);
    expect(events.find((ev) => ev.type === 'error')).toMatchObject({ error: { status: 401 } });
  });
});

describe('example agent (examples/agent.ts) as a process', () => {
  it('does simulated work until every task succeeded, then stops cleanly on SIGTERM', async () => {
    const e = await setup();
    const submit = new DelegateClient({ url: e.gw.url, key: e.keys.submit });
    await submit.createTasks(Array.from({ length: 8 }, (_, i) => ({ type: 'demo.sleep', payload: { workMs: 20, i } })));
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'examples', 'agent.ts'), '--url', e.gw.url, '--key', e.keys.agent, '--concurrency', '3', '--transport', 'websocket'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    try {
      await until(async () => (await submit.listTasks({ type: 'demo.sleep', status: ['succeeded'] })).total === 8, 30_000, `8 succeeded; agent said:\n${out}`);
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('signed in as agent "worker-1"');
      expect(out).toMatch(/stopped — 8 completed/);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }, 60_000);
});
