// The durable queue against real SQLite with a FakeClock: every transition and its timeline row,
// leases, retries with backoff, timeouts, dependencies, idempotency, batches, cancellation,
// ordering with aging, capacity and capability, group commit and graceful shutdown.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentDto, TaskSpec } from '../../preload/contract';
import { AppError } from '../core/errors';
import { openQueueFixture, type QueueFixture } from './test-fixture';

let f: QueueFixture;
let agentSeq = 0;

beforeEach(() => {
  f = openQueueFixture();
});
afterEach(() => f.close());

function agent(over: Partial<Parameters<QueueFixture['agents']['create']>[0]> = {}): AgentDto {
  return f.agents.create({ name: `agent-${++agentSeq}`, kind: 'software', capacity: 10, ...over });
}

function create(spec: Partial<TaskSpec> = {}) {
  return f.queue.create({ type: 'job', ...spec }, { name: 'tester' });
}

/** The timeline as "from>to" strings (∅ for creation). */
function timeline(id: string): string[] {
  return f.queue.details(id).timeline.map((e) => `${e.from ?? '∅'}>${e.to}`);
}

function state(id: string) {
  return f.queue.getOrThrow(id).state;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function refusalSync(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('lifecycle', () => {
  it('runs ready -> running -> succeeded with a timeline row for every transition', async () => {
    const a = agent();
    const t = create({ payload: { part: 7 } });
    expect(t).toMatchObject({ state: 'ready', attempt: 0, priority: 'normal', maxAttempts: 3, creator: 'tester', payload: { part: 7 } });
    const [claimed] = await f.queue.claim(a.id, 1);
    expect(claimed).toMatchObject({ id: t.id, state: 'running', attempt: 1, assignedAgentId: a.id, leaseExpiresAt: f.clock.now() + 30_000 });
    const done = await f.queue.complete(t.id, a.id, 1, { ok: true });
    expect(done).toEqual({ id: t.id, state: 'succeeded' });
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ result: { ok: true }, finishedAt: f.clock.now(), leaseExpiresAt: null });
    expect(timeline(t.id)).toEqual(['∅>ready', 'ready>running', 'running>succeeded']);
    expect(f.taskEvents(t.id).map((e) => e.state)).toEqual(['ready', 'running', 'succeeded']);
    expect(f.events.filter((e) => e.name === 'task.created')).toHaveLength(1);
  });

  it('keeps a task pending until its runAt, then tick makes it ready', () => {
    const t = create({ runAt: f.clock.now() + 10_000 });
    expect(t.state).toBe('pending');
    f.clock.advance(9_999);
    expect(f.queue.tick().ready).toBe(0);
    f.clock.advance(1);
    expect(f.queue.tick().ready).toBe(1);
    expect(timeline(t.id)).toEqual(['∅>pending', 'pending>ready']);
  });

  it('offers ready work to a present agent (assigned), which its next claim starts', async () => {
    f = await reopen({ autoAssign: true });
    const a = agent();
    f.agents.touch(a.id);
    const t = create();
    expect(f.queue.tick().assigned).toBe(1);
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ state: 'assigned', assignedAgentId: a.id });
    const [claimed] = await f.queue.claim(a.id, 5);
    expect(claimed).toMatchObject({ id: t.id, state: 'running', attempt: 1 });
    expect(timeline(t.id)).toEqual(['∅>ready', 'ready>assigned', 'assigned>running']);
  });

  it('returns an offer nobody claimed to ready after offerMs', async () => {
    f = await reopen({ autoAssign: true, offerMs: 5000 });
    const a = agent();
    f.agents.touch(a.id);
    const t = create();
    f.queue.tick();
    f.clock.advance(5000);
    expect(f.queue.tick().offersExpired).toBe(1);
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ state: 'ready', assignedAgentId: null, attempt: 0 });
    // It is not offered to the same silent agent again until that agent shows up.
    f.clock.advance(1000);
    expect(f.queue.tick().assigned).toBe(0);
    await f.queue.claim(a.id, 1);
    expect(state(t.id)).toBe('running');
  });

  it('does not offer work to agents that have not been seen lately or are not available', async () => {
    f = await reopen({ autoAssign: true, presenceMs: 10_000 });
    const never = agent();
    const paused = agent({ status: 'paused' });
    f.agents.touch(paused.id);
    const gone = agent();
    f.agents.touch(gone.id);
    f.clock.advance(10_001);
    create();
    expect(f.queue.tick().assigned).toBe(0);
    expect(never.lastSeenAt).toBeNull();
  });

  it('offers to the least-loaded capable agent', async () => {
    f = await reopen({ autoAssign: true });
    const busy = agent({ capacity: 4 });
    const idle = agent({ capacity: 4 });
    const unskilled = agent({ capacity: 4 });
    f.agents.update(busy.id, { skills: { weld: 3 } });
    f.agents.update(idle.id, { skills: { weld: 3 } });
    for (const x of [busy, idle, unskilled]) f.agents.touch(x.id);
    create({ requires: { weld: 2 } });
    await f.queue.claim(busy.id, 1);
    const t = create({ requires: { weld: 2 } });
    f.queue.tick();
    expect(f.queue.getOrThrow(t.id).assignedAgentId).toBe(idle.id);
  });
});

async function reopen(options: Parameters<typeof openQueueFixture>[0]): Promise<QueueFixture> {
  await f.close();
  return openQueueFixture(options);
}

describe('retries and backoff', () => {
  it('retries a failed task after 1s, 2s, 4s … capped at 30s, with jitter bounded to 20 % below', async () => {
    const a = agent();
    const t = create({ maxAttempts: 8 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      const [c] = await f.queue.claim(a.id);
      expect(c?.attempt).toBe(attempt);
      const failed = await f.queue.fail(t.id, a.id, attempt, { message: `boom ${attempt}` }, true);
      expect(failed.state).toBe('failed');
      const delay = failed.runAt! - f.clock.now();
      delays.push(delay);
      f.clock.advance(delay - 1);
      expect(f.queue.tick().ready).toBe(0);
      f.clock.advance(1);
      expect(f.queue.tick().ready).toBe(1);
    }
    const nominal = [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000];
    delays.forEach((d, i) => {
      expect(d).toBeLessThanOrEqual(nominal[i]!);
      expect(d).toBeGreaterThanOrEqual(nominal[i]! * 0.8);
    });
    expect(new Set(delays.map((d, i) => d / nominal[i]!)).size).toBeGreaterThan(1); // jitter is there
  });

  it('ends dead when attempts run out, with failed -> dead in the timeline', async () => {
    const a = agent();
    const t = create({ maxAttempts: 2 });
    await f.queue.claim(a.id);
    await f.queue.fail(t.id, a.id, 1, { message: 'first' });
    f.clock.advance(1000);
    f.queue.tick();
    await f.queue.claim(a.id);
    const dead = await f.queue.fail(t.id, a.id, 2, { message: 'second', code: 'E2' });
    expect(dead).toMatchObject({ state: 'dead', failures: 2, lastError: { message: 'second', code: 'E2' } });
    expect(timeline(t.id)).toEqual(['∅>ready', 'ready>running', 'running>failed', 'failed>ready', 'ready>running', 'running>failed', 'failed>dead']);
  });

  it('ends dead at once on a non-retryable error', async () => {
    const a = agent();
    const t = create({ maxAttempts: 5 });
    await f.queue.claim(a.id);
    expect(await f.queue.fail(t.id, a.id, 1, { message: 'bad input' }, false)).toMatchObject({ state: 'dead', failures: 1 });
  });

  it('takes a per-task backoff', async () => {
    const a = agent();
    const t = create({ backoff: { baseMs: 100, maxMs: 150 }, maxAttempts: 4 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await f.queue.claim(a.id);
      const failed = await f.queue.fail(t.id, a.id, attempt, { message: 'x' });
      delays.push(failed.runAt! - f.clock.now());
      f.clock.advance(150);
      f.queue.tick();
    }
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[0]).toBeGreaterThanOrEqual(80);
    expect(delays[1]).toBeLessThanOrEqual(150);
    expect(delays[2]).toBeLessThanOrEqual(150);
    expect(delays[2]).toBeGreaterThanOrEqual(120);
  });

  it('refuses a backoff whose base exceeds its cap', () => {
    expect(refusalSync(() => create({ backoff: { baseMs: 5000, maxMs: 1000 } })).code).toBe('invalid_input');
  });
});

describe('completeMany', () => {
  it('ends many attempts in one operation, each with its timeline row, result and answer', async () => {
    const a = agent();
    const ids = [create().id, create().id, create().id];
    const claimed = await f.queue.claim(a.id, 3);
    const commits = f.queue.commits;
    const answers = await f.queue.completeMany(
      a.id,
      claimed.map((t, i) => ({ id: t.id, attempt: t.attempt, result: i === 0 ? { ok: 1 } : undefined })),
    );
    expect(f.queue.commits).toBe(commits + 1);
    expect(answers).toEqual(claimed.map((t) => ({ id: t.id, state: 'succeeded' })));
    for (const id of ids) expect(timeline(id)).toEqual(['∅>ready', 'ready>running', 'running>succeeded']);
    expect(f.queue.details(claimed[0]!.id).task.result).toEqual({ ok: 1 });
    expect(f.queue.details(claimed[1]!.id).task.result).toBeNull();
    expect(f.queue.counters.succeeded).toBe(3);
  });

  it('refuses a bad report alone: stale attempt, not the holder, unknown task, duplicate, result too large', async () => {
    const a = agent();
    const b = agent();
    const [t1, t2, t3] = [create(), create(), create()];
    await f.queue.claim(a.id, 2);
    const [forB] = await f.queue.claim(b.id, 1);
    const big = 'x'.repeat(f.queue.options.maxPayloadBytes + 1);
    const answers = await f.queue.completeMany(a.id, [
      { id: t1.id, attempt: 2 },
      { id: t1.id, attempt: 1 },
      { id: t1.id, attempt: 1 },
      { id: forB!.id, attempt: 1 },
      { id: 'tsk_nope', attempt: 1 },
      { id: t2.id, attempt: 1, result: big },
    ]);
    const codes = answers.map((x) => (x instanceof AppError ? `${x.code}:${(x.details as { reason?: string } | undefined)?.reason ?? ''}` : x.state));
    expect(codes).toEqual(['conflict:stale_attempt', 'succeeded', 'conflict:not_running', 'conflict:not_holder', 'not_found:', 'invalid_input:']);
    expect(state(t1.id)).toBe('succeeded');
    expect(state(t2.id)).toBe('running');
    expect(state(t3.id)).toBe('running');
    expect(timeline(t1.id)).toEqual(['∅>ready', 'ready>running', 'running>succeeded']);
  });

  it('completeAndClaim ends the reports and takes the next tasks in one commit; a refused claim leaves the reports', async () => {
    const a = agent({ capacity: 2 });
    const [t1, t2, t3, t4] = [create(), create(), create(), create()];
    const first = await f.queue.claim(a.id, 2);
    expect(first.map((t) => t.id)).toEqual([t1.id, t2.id]);
    const commits = f.queue.commits;
    // Capacity 2: the slots the reports free are what the claim may take.
    const both = await f.queue.completeAndClaim(a.id, first.map((t) => ({ id: t.id, attempt: t.attempt })), 5);
    expect(f.queue.commits).toBe(commits + 1);
    expect(both.results).toEqual([{ id: t1.id, state: 'succeeded' }, { id: t2.id, state: 'succeeded' }]);
    expect(both.tasks.map((t) => [t.id, t.state])).toEqual([[t3.id, 'running'], [t4.id, 'running']]);
    f.queue.stopClaiming();
    const last = await f.queue.completeAndClaim(a.id, both.tasks.map((t) => ({ id: t.id, attempt: t.attempt })), 5);
    expect(last.results.map((r) => (r instanceof AppError ? r.code : r.state))).toEqual(['succeeded', 'succeeded']);
    expect(last.tasks).toEqual([]);
    expect(state(t4.id)).toBe('succeeded');
  });

  it('releases dependents of the tasks it ends', async () => {
    const a = agent();
    const first = create();
    const then = create({ dependsOn: [first.id] });
    expect(state(then.id)).toBe('blocked');
    const [t] = await f.queue.claim(a.id, 1);
    await f.queue.completeMany(a.id, [{ id: t!.id, attempt: t!.attempt }]);
    expect(state(then.id)).toBe('ready');
  });
});

describe('leases', () => {
  it('returns a task whose lease expired and counts the attempt', async () => {
    const a = agent();
    const t = create();
    await f.queue.claim(a.id);
    f.clock.advance(29_999);
    expect(f.queue.tick().leaseExpired).toBe(0);
    f.clock.advance(1);
    expect(f.queue.tick().leaseExpired).toBe(1);
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ state: 'failed', failures: 1, lastError: { code: 'lease_expired' } });
    f.clock.advance(1000);
    f.queue.tick();
    expect(state(t.id)).toBe('ready');
    expect(f.queue.counters.leaseExpired).toBe(1);
  });

  it('keeps the lease alive while heartbeats renew it, and records progress', async () => {
    const a = agent();
    const t = create();
    await f.queue.claim(a.id);
    for (let i = 0; i < 5; i++) {
      f.clock.advance(20_000);
      const hb = await f.queue.heartbeat(t.id, a.id, 1, { percent: i * 20, message: 'welding' });
      expect(hb).toEqual({ cancelRequested: false, leaseExpiresAt: f.clock.now() + 30_000 });
      expect(f.queue.tick().leaseExpired).toBe(0);
    }
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ state: 'running', progress: { percent: 80, message: 'welding' } });
  });

  it('refuses a heartbeat from another agent, for another attempt, or for an unknown task', async () => {
    const a = agent();
    const b = agent();
    const t = create();
    await f.queue.claim(a.id);
    expect((await refusal(f.queue.heartbeat(t.id, b.id, 1))).details).toMatchObject({ reason: 'not_holder' });
    expect((await refusal(f.queue.heartbeat(t.id, a.id, 2))).details).toMatchObject({ reason: 'stale_attempt' });
    expect((await refusal(f.queue.heartbeat('01J00000000000000000000000', a.id, 1))).code).toBe('not_found');
  });
});

describe('timeouts', () => {
  it('ends an attempt that runs past timeoutMs as timed_out (heartbeats do not extend it), then retries', async () => {
    const a = agent();
    const t = create({ timeoutMs: 5000 });
    await f.queue.claim(a.id);
    f.clock.advance(4000);
    await f.queue.heartbeat(t.id, a.id, 1);
    f.clock.advance(1000);
    expect(f.queue.tick().timedOut).toBe(1);
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ state: 'timed_out', failures: 1, lastError: { code: 'timeout' } });
    f.clock.advance(1000);
    f.queue.tick();
    expect(timeline(t.id)).toEqual(['∅>ready', 'ready>running', 'running>timed_out', 'timed_out>ready']);
  });

  it('ends dead when the last attempt times out', async () => {
    const a = agent();
    const t = create({ timeoutMs: 1000, maxAttempts: 1 });
    await f.queue.claim(a.id);
    f.clock.advance(1000);
    f.queue.tick();
    expect(timeline(t.id)).toEqual(['∅>ready', 'ready>running', 'running>timed_out', 'timed_out>dead']);
  });
});

describe('at-least-once delivery', () => {
  it('refuses the completion of a stale attempt, so a completion is never applied twice', async () => {
    const a = agent();
    const b = agent();
    const t = create();
    const [first] = await f.queue.claim(a.id);
    f.clock.advance(30_000);
    f.queue.tick(); // lease lost
    f.clock.advance(1000);
    f.queue.tick(); // ready again
    const [second] = await f.queue.claim(b.id);
    expect(second).toMatchObject({ attempt: 2, idempotencyKey: null });
    const stale = await refusal(f.queue.complete(t.id, a.id, first!.attempt, { from: 'a' }));
    expect(stale.code).toBe('conflict');
    expect(stale.details).toMatchObject({ reason: 'stale_attempt', attempt: 2 });
    await f.queue.complete(t.id, b.id, 2, { from: 'b' });
    expect((await refusal(f.queue.complete(t.id, b.id, 2, { again: true }))).details).toMatchObject({ reason: 'not_running' });
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ state: 'succeeded', result: { from: 'b' } });
    expect(timeline(t.id).filter((x) => x.endsWith('>succeeded'))).toHaveLength(1);
  });

  it('hands out the idempotency key with every delivery', async () => {
    const a = agent();
    create({ idempotencyKey: 'order-77/step-1' });
    const [c] = await f.queue.claim(a.id);
    expect(c).toMatchObject({ idempotencyKey: 'order-77/step-1', attempt: 1 });
  });
});

describe('dependencies', () => {
  it('blocks a task until its dependencies succeed, then makes it ready', async () => {
    const a = agent();
    const first = create();
    const second = create();
    const after = create({ dependsOn: [first.id, second.id] });
    expect(after.state).toBe('blocked');
    await f.queue.claim(a.id, 2);
    await f.queue.complete(first.id, a.id, 1);
    expect(state(after.id)).toBe('blocked');
    await f.queue.complete(second.id, a.id, 1);
    expect(state(after.id)).toBe('ready');
    expect(timeline(after.id)).toEqual(['∅>blocked', 'blocked>ready']);
    const details = f.queue.details(after.id);
    expect(details.dependencies.map((d) => d.id).sort()).toEqual([first.id, second.id].sort());
    expect(f.queue.details(first.id).dependents.map((d) => d.id)).toEqual([after.id]);
  });

  it('refuses unknown dependency ids and writes nothing', () => {
    const before = f.count('tasks');
    const e = refusalSync(() => create({ dependsOn: ['01J00000000000000000000000'] }));
    expect(e.code).toBe('invalid_input');
    expect(e.details).toMatchObject({ unknownIds: ['01J00000000000000000000000'] });
    expect(f.count('tasks')).toBe(before);
    expect(f.count('task_events')).toBe(0);
  });

  it('refuses a cycle inside a batch, including a task that depends on itself', () => {
    const cycle = refusalSync(() =>
      f.queue.createBatch([
        { type: 'a', ref: 'a', dependsOnRefs: ['c'] },
        { type: 'b', ref: 'b', dependsOnRefs: ['a'] },
        { type: 'c', ref: 'c', dependsOnRefs: ['b'] },
      ]),
    );
    expect(cycle.code).toBe('invalid_input');
    expect(cycle.message).toMatch(/cycle/);
    expect(refusalSync(() => f.queue.createBatch([{ type: 'a', ref: 'self', dependsOnRefs: ['self'] }])).code).toBe('invalid_input');
    expect(refusalSync(() => f.queue.createBatch([{ type: 'a', dependsOnRefs: ['nope'] }])).code).toBe('invalid_input');
    expect(f.count('tasks')).toBe(0);
  });

  it('orders a batch by its refs, whatever order the items come in', async () => {
    const a = agent();
    const [late, early] = f.queue.createBatch([
      { type: 'second', ref: 'late', dependsOnRefs: ['early'] },
      { type: 'first', ref: 'early' },
    ]);
    expect(late).toMatchObject({ state: 'blocked', dependsOn: [early!.id] });
    await f.queue.claim(a.id);
    await f.queue.complete(early!.id, a.id, 1);
    expect(state(late!.id)).toBe('ready');
  });

  it('cancels dependents, with a reason, when a dependency ends dead — all the way down', async () => {
    const a = agent();
    const root = create({ maxAttempts: 1 });
    const child = create({ dependsOn: [root.id] });
    const grandchild = create({ dependsOn: [child.id] });
    await f.queue.claim(a.id);
    await f.queue.fail(root.id, a.id, 1, { message: 'broken' });
    expect(f.queue.getOrThrow(child.id)).toMatchObject({ state: 'cancelled', cancelReason: `dependency ${root.id} ended dead` });
    expect(f.queue.getOrThrow(grandchild.id)).toMatchObject({ state: 'cancelled', cancelReason: `dependency ${child.id} ended cancelled` });
  });

  it('cancels dependents when a dependency is cancelled', () => {
    const root = create();
    const child = create({ dependsOn: [root.id] });
    f.queue.cancel(root.id, 'changed plan');
    expect(f.queue.getOrThrow(child.id)).toMatchObject({ state: 'cancelled', cancelReason: `dependency ${root.id} ended cancelled` });
  });

  it('makes a task ready at once when its dependencies already succeeded, and cancels it when one already failed', async () => {
    const a = agent();
    const ok = create();
    await f.queue.claim(a.id);
    await f.queue.complete(ok.id, a.id, 1);
    expect(create({ dependsOn: [ok.id] }).state).toBe('ready');
    const gone = create();
    f.queue.cancel(gone.id, 'no');
    expect(create({ dependsOn: [gone.id, ok.id] })).toMatchObject({ state: 'cancelled', cancelReason: `dependency ${gone.id} ended cancelled` });
  });

  it('waits for runAt after the dependencies succeed', async () => {
    const a = agent();
    const dep = create();
    const later = create({ dependsOn: [dep.id], runAt: f.clock.now() + 60_000 });
    await f.queue.claim(a.id);
    await f.queue.complete(dep.id, a.id, 1);
    expect(state(later.id)).toBe('pending');
    f.clock.advance(60_000);
    f.queue.tick();
    expect(state(later.id)).toBe('ready');
  });
});

describe('idempotency', () => {
  it('returns the existing task for the same key and content', () => {
    const first = create({ idempotencyKey: 'k1', payload: { a: 1, b: [1, 2] } });
    const again = create({ idempotencyKey: 'k1', payload: { b: [1, 2], a: 1 } });
    expect(again.id).toBe(first.id);
    expect(f.count('tasks')).toBe(1);
  });

  it('refuses the same key with different content as a conflict', () => {
    const first = create({ idempotencyKey: 'k2', payload: { a: 1 } });
    const e = refusalSync(() => create({ idempotencyKey: 'k2', payload: { a: 2 } }));
    expect(e.code).toBe('conflict');
    expect(e.details).toMatchObject({ existingId: first.id });
    expect(f.count('tasks')).toBe(1);
  });

  it('applies inside batches and across submit()', async () => {
    const [x, y] = f.queue.createBatch([
      { type: 'a', idempotencyKey: 'b1' },
      { type: 'a', idempotencyKey: 'b1' },
    ]);
    expect(x!.id).toBe(y!.id);
    const z = await f.queue.submit({ type: 'a', idempotencyKey: 'b1' });
    expect(z.id).toBe(x!.id);
    expect(f.count('tasks')).toBe(1);
  });
});

describe('batches', () => {
  it('creates up to 1000 tasks in one call', () => {
    const tasks = f.queue.createBatch(Array.from({ length: 1000 }, (_, i) => ({ type: 'bulk', title: `#${i}` })));
    expect(tasks).toHaveLength(1000);
    expect(f.count('tasks')).toBe(1000);
  });

  it('is all or nothing: one bad item leaves no task, no timeline row and no event', () => {
    const eventsBefore = f.events.length;
    const e = refusalSync(() =>
      f.queue.createBatch([{ type: 'ok' }, { type: 'ok' }, { type: 'bad', dependsOn: ['01J00000000000000000000000'] }]),
    );
    expect(e.code).toBe('invalid_input');
    expect(e.details).toMatchObject({ index: 2 });
    expect(f.count('tasks')).toBe(0);
    expect(f.count('task_events')).toBe(0);
    expect(f.events.length).toBe(eventsBefore);
  });

  it('refuses more than 1000 tasks and an oversized payload', () => {
    expect(refusalSync(() => f.queue.createBatch(Array.from({ length: 1001 }, () => ({ type: 'x' })))).code).toBe('invalid_input');
    const big = 'x'.repeat(256 * 1024);
    const e = refusalSync(() => create({ payload: big }));
    expect(e.code).toBe('invalid_input');
    expect(e.details).toMatchObject({ field: 'payload', limit: 256 * 1024 });
    expect(create({ payload: 'x'.repeat(256 * 1024 - 2) }).state).toBe('ready');
  });
});

describe('cancellation', () => {
  it('cancels waiting tasks at once: ready, pending, blocked, backing off', async () => {
    const a = agent();
    const ready = create();
    const pending = create({ runAt: f.clock.now() + 1000 });
    const blocked = create({ dependsOn: [pending.id] });
    const failing = create();
    await f.queue.claim(a.id, 10);
    // ready was claimed first (FIFO); make a fresh ready one for the check.
    await f.queue.fail(ready.id, a.id, 1, { message: 'x' });
    await f.queue.fail(failing.id, a.id, 1, { message: 'x' });
    for (const t of [ready, failing, blocked, pending]) {
      expect(f.queue.cancel(t.id, 'plan changed', { name: 'sup' })).toMatchObject({ state: 'cancelled', cancelReason: 'plan changed' });
    }
    expect(f.queue.details(blocked.id).timeline.at(-1)).toMatchObject({ from: 'blocked', to: 'cancelled', actor: 'sup' });
    const fresh = create();
    expect(f.queue.cancel(fresh.id, 'no').state).toBe('cancelled');
  });

  it('asks a running task to stop; it ends cancelled when the agent acknowledges', async () => {
    const a = agent();
    const t = create();
    await f.queue.claim(a.id);
    const requested = f.queue.cancel(t.id, 'operator asked', { name: 'sup' });
    expect(requested).toMatchObject({ state: 'running', cancelRequested: true, cancelReason: 'operator asked' });
    expect(await f.queue.heartbeat(t.id, a.id, 1)).toMatchObject({ cancelRequested: true });
    expect(await f.queue.acknowledgeCancel(t.id, a.id, 1)).toEqual({ id: t.id, state: 'cancelled' });
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ cancelReason: 'operator asked', cancelRequested: true, leaseExpiresAt: null });
    expect(f.queue.details(t.id).timeline.map((e) => `${e.kind}:${e.from}>${e.to}`)).toEqual([
      'state:null>ready',
      'state:ready>running',
      'cancel_requested:running>running',
      'state:running>cancelled',
    ]);
  });

  it('ends a running task cancelled when its agent fails it after the request', async () => {
    const a = agent();
    const t = create();
    await f.queue.claim(a.id);
    f.queue.cancel(t.id, 'stop');
    expect(await f.queue.fail(t.id, a.id, 1, { message: 'interrupted' })).toMatchObject({ state: 'cancelled' });
  });

  it('ends a running task cancelled after the grace period without acknowledgement', async () => {
    const a = agent();
    const t = create();
    await f.queue.claim(a.id);
    f.queue.cancel(t.id, 'stop');
    f.clock.advance(29_999);
    await f.queue.heartbeat(t.id, a.id, 1);
    expect(f.queue.tick().cancelled).toBe(0);
    f.clock.advance(1);
    expect(f.queue.tick().cancelled).toBe(1);
    expect(state(t.id)).toBe('cancelled');
    expect((await refusal(f.queue.complete(t.id, a.id, 1))).code).toBe('conflict');
  });

  it('never retries a task whose lease is lost while a cancel is pending', async () => {
    f = await reopen({ cancelGraceMs: 60_000 });
    const a = agent();
    const t = create();
    await f.queue.claim(a.id);
    f.queue.cancel(t.id, 'stop');
    f.clock.advance(30_000);
    f.queue.tick();
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ state: 'cancelled', failures: 0 });
  });

  it('counts a completion during a cancel request as succeeded: the work was done', async () => {
    const a = agent();
    const t = create();
    await f.queue.claim(a.id);
    f.queue.cancel(t.id, 'stop');
    expect(await f.queue.complete(t.id, a.id, 1, { welded: true })).toMatchObject({ state: 'succeeded' });
  });

  it('refuses to cancel a finished task', async () => {
    const a = agent();
    const t = create();
    await f.queue.claim(a.id);
    await f.queue.complete(t.id, a.id, 1);
    expect(refusalSync(() => f.queue.cancel(t.id, 'late')).code).toBe('conflict');
    expect(refusalSync(() => f.queue.cancel('01J00000000000000000000000', 'x')).code).toBe('not_found');
  });
});

describe('retry now and priority', () => {
  it('makes a backing-off task ready now and gives a dead task one more attempt', async () => {
    const a = agent();
    const t = create({ maxAttempts: 1 });
    await f.queue.claim(a.id);
    await f.queue.fail(t.id, a.id, 1, { message: 'x' });
    expect(state(t.id)).toBe('dead');
    expect(f.queue.retryNow(t.id, { name: 'sup' })).toMatchObject({ state: 'ready', maxAttempts: 2, finishedAt: null });
    const [again] = await f.queue.claim(a.id);
    expect(again).toMatchObject({ attempt: 2 });
    await f.queue.fail(t.id, a.id, 2, { message: 'y' });
    expect(state(t.id)).toBe('dead');

    const u = create({ maxAttempts: 3 });
    await f.queue.claim(a.id);
    await f.queue.fail(u.id, a.id, 1, { message: 'x' });
    expect(f.queue.retryNow(u.id).state).toBe('ready');
    expect(f.queue.details(u.id).timeline.at(-1)).toMatchObject({ kind: 'retry_now', from: 'failed', to: 'ready' });
  });

  it('refuses retryNow for a running or ready task', async () => {
    const a = agent();
    const t = create();
    expect(refusalSync(() => f.queue.retryNow(t.id)).code).toBe('conflict');
    await f.queue.claim(a.id);
    expect(refusalSync(() => f.queue.retryNow(t.id)).code).toBe('conflict');
  });

  it('moves a task ahead when its priority is raised, with a timeline note', async () => {
    const a = agent({ capacity: 1 });
    create({ title: 'first' });
    const second = create({ title: 'second' });
    f.queue.setPriority(second.id, 'critical', { name: 'sup' });
    const [c] = await f.queue.claim(a.id);
    expect(c!.id).toBe(second.id);
    expect(f.queue.details(second.id).timeline.find((e) => e.kind === 'priority')).toMatchObject({
      from: 'ready',
      to: 'ready',
      note: 'normal -> critical',
      actor: 'sup',
    });
  });
});

describe('ordering', () => {
  it('claims by priority, then FIFO within a priority', async () => {
    const a = agent({ capacity: 100 });
    const made = [
      create({ title: 'n1' }),
      create({ title: 'l1', priority: 'low' }),
      create({ title: 'c1', priority: 'critical' }),
      create({ title: 'h1', priority: 'high' }),
      create({ title: 'n2' }),
      create({ title: 'c2', priority: 'critical' }),
    ];
    expect(made).toHaveLength(6);
    const claimed = await f.queue.claim(a.id, 10);
    expect(claimed.map((t) => t.title)).toEqual(['c1', 'c2', 'h1', 'n1', 'n2', 'l1']);
  });

  it('ages waiting work so a flood of critical tasks cannot starve a low one', async () => {
    const a = agent({ capacity: 1 });
    const low = create({ title: 'low', priority: 'low' });
    let waited = 0;
    for (let i = 0; i < 1000 && state(low.id) === 'ready'; i++) {
      create({ title: `crit-${i}`, priority: 'critical' });
      f.clock.advance(1000);
      const [c] = await f.queue.claim(a.id);
      await f.queue.complete(c!.id, a.id, c!.attempt);
      waited += 1000;
    }
    expect(state(low.id)).not.toBe('ready');
    // Three levels below critical at 60 s per level: it waits about three minutes, not forever.
    expect(waited).toBeLessThanOrEqual(3 * 60_000 + 2000);
  });

  it('without aging, priority is strict', async () => {
    f = await reopen({ aging: false });
    const a = agent({ capacity: 1 });
    const low = create({ priority: 'low' });
    for (let i = 0; i < 300; i++) {
      create({ priority: 'critical' });
      f.clock.advance(1000);
      const [c] = await f.queue.claim(a.id);
      await f.queue.complete(c!.id, a.id, c!.attempt);
    }
    expect(state(low.id)).toBe('ready');
  });
});

describe('capacity and capability', () => {
  it('never gives an agent more tasks than its capacity', async () => {
    const a = agent({ capacity: 2 });
    for (let i = 0; i < 5; i++) create();
    const first = await f.queue.claim(a.id, 5);
    expect(first).toHaveLength(2);
    expect(await f.queue.claim(a.id, 5)).toHaveLength(0);
    await f.queue.complete(first[0]!.id, a.id, 1);
    expect(await f.queue.claim(a.id, 5)).toHaveLength(1);
  });

  it('gives an agent only tasks whose required skill levels it meets', async () => {
    const novice = agent({ skills: { weld: 2 } });
    const expert = agent({ skills: { weld: 5, inspect: 3 } });
    const hard = create({ title: 'hard', requires: { weld: 3 } });
    const both = create({ title: 'both', requires: { weld: 1, inspect: 1 } });
    const easy = create({ title: 'easy', requires: { weld: 2 } });
    const any = create({ title: 'any' });
    expect((await f.queue.claim(novice.id, 10)).map((t) => t.id)).toEqual([easy.id, any.id]);
    expect((await f.queue.claim(expert.id, 10)).map((t) => t.id)).toEqual([hard.id, both.id]);
  });

  it('gives nothing to an agent that is not available, and refuses an unknown agent', async () => {
    const paused = agent({ status: 'paused' });
    create();
    expect(await f.queue.claim(paused.id, 1)).toEqual([]);
    expect((await refusal(f.queue.claim('01J00000000000000000000000', 1))).code).toBe('not_found');
    expect(f.agents.get(paused.id)?.lastSeenAt).toBe(f.clock.now());
  });
});

describe('group commit', () => {
  it('commits concurrent reports in one transaction, and a refused one does not spoil the others', async () => {
    const a = agent({ capacity: 50 });
    for (let i = 0; i < 20; i++) create();
    const claimed = await f.queue.claim(a.id, 20);
    const batcher = (f.queue as unknown as { batcher: { commits: number } }).batcher;
    const before = batcher.commits;
    const results = await Promise.allSettled([
      ...claimed.map((t) => f.queue.complete(t.id, a.id, t.attempt)),
      f.queue.complete(claimed[0]!.id, a.id, 99),
    ]);
    expect(batcher.commits - before).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    expect(results.at(-1)).toMatchObject({ status: 'rejected' });
    expect(f.queue.list({ status: ['succeeded'], sort: 'created', order: 'asc', limit: 100 }).total).toBe(20);
  });

  it('announces events only after the commit', async () => {
    const a = agent();
    const t = create();
    const seen: boolean[] = [];
    f.bus.onDidEmit((e) => {
      if (e.name === 'task.updated') {
        const row = f.database.sqlite.prepare('SELECT state FROM tasks WHERE id = ?').get(t.id) as { state: string };
        seen.push(!f.database.sqlite.inTransaction && row.state === 'running');
      }
    });
    await f.queue.claim(a.id);
    expect(seen).toEqual([true]);
  });
});

describe('graceful shutdown', () => {
  it('stops claiming, lets running work report during the grace period, then releases the leases', async () => {
    const a = agent({ capacity: 5 });
    const t1 = create();
    const t2 = create();
    const t3 = create();
    await f.queue.claim(a.id, 2);
    f.queue.tick();
    const stopping = f.queue.shutdown(60_000);
    expect((await refusal(f.queue.claim(a.id, 1))).code).toBe('unavailable');
    await f.queue.complete(t1.id, a.id, 1);
    await f.queue.complete(t2.id, a.id, 1);
    await stopping; // returns as soon as nothing runs, long before 60 s
    expect([state(t1.id), state(t2.id), state(t3.id)]).toEqual(['succeeded', 'succeeded', 'ready']);
  });

  it('returns running tasks to ready without counting a failure when the grace period ends', async () => {
    const a = agent();
    const t = create();
    await f.queue.claim(a.id);
    await f.queue.shutdown(0);
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ state: 'ready', failures: 0, assignedAgentId: null, attempt: 1 });
    expect(timeline(t.id).at(-1)).toBe('running>ready');
  });
});
