// Claims that wait for work (parked-claims.ts) against the real queue on a real SQLite file: the
// group commit that makes a task ready claims it for the waiting agent in the same transaction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CapabilityAssigner, type Assigner } from './assigner';
import { openQueueFixture, type QueueFixture } from './test-fixture';

let f: QueueFixture;
beforeEach(() => {
  f = openQueueFixture();
});
afterEach(async () => {
  await f.close();
});

const agent = (name: string, extra: { skills?: Record<string, number>; capacity?: number } = {}) =>
  f.agents.create({ name, kind: 'software', capacity: extra.capacity ?? 10, skills: extra.skills }).id;

const states = (id: string) => f.queue.details(id).timeline.map((e) => e.to);

describe('waiting claims', () => {
  it('start a task in the same commit that made it ready', async () => {
    const a = agent('a');
    const waiting = f.queue.claim(a, 5, undefined, { ms: 5000 });
    await new Promise((r) => setTimeout(r, 20));
    expect(f.queue.waitingClaims).toBe(1);
    const commits = f.queue.commits;
    const created = await f.queue.submit({ type: 'noop', payload: { n: 1 } });
    const tasks = await waiting;
    expect(tasks.map((t) => t.id)).toEqual([created.id]);
    expect(tasks[0]).toMatchObject({ state: 'running', attempt: 1 });
    // One group commit held the submit and the claim.
    expect(f.queue.commits).toBe(commits + 1);
    expect(states(created.id)).toEqual(['ready', 'running']);
    expect(f.queue.waitingClaims).toBe(0);
  });

  it('answer at once when work is there, and [] after the wait when none comes', async () => {
    const a = agent('a');
    await f.queue.submit({ type: 'noop' });
    expect(await f.queue.claim(a, 5, undefined, { ms: 5000 })).toHaveLength(1);
    const t0 = performance.now();
    expect(await f.queue.claim(a, 5, undefined, { ms: 60 })).toEqual([]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    expect(f.queue.waitingClaims).toBe(0);
  });

  it('end early with [] when the signal aborts or the queue stops claiming', async () => {
    const a = agent('a');
    const ac = new AbortController();
    const aborted = f.queue.claim(a, 1, undefined, { ms: 10_000, signal: ac.signal });
    const stopped = f.queue.claim(agent('b'), 1, undefined, { ms: 10_000 });
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    expect(await aborted).toEqual([]);
    f.queue.stopClaiming();
    expect(await stopped).toEqual([]);
    expect(f.queue.waitingClaims).toBe(0);
  });

  it('stay parked when the new work is not for them, and leave it ready', async () => {
    const welder = agent('welder', { skills: { weld: 3 } });
    const painter = agent('painter', { skills: { paint: 2 } });
    const forWelder = f.queue.claim(welder, 1, undefined, { ms: 150 });
    await new Promise((r) => setTimeout(r, 10));
    const paint = await f.queue.submit({ type: 'paint', requires: { paint: 1 } });
    expect(f.queue.waitingClaims).toBe(1);
    expect(await forWelder).toEqual([]);
    expect(f.queue.getOrThrow(paint.id).state).toBe('ready');
    expect((await f.queue.claim(painter, 1)).map((t) => t.id)).toEqual([paint.id]);
  });

  it('share new work in the order they came, each up to its max, never a task twice', async () => {
    const ids = ['a', 'b', 'c'].map((n) => agent(n));
    const waits = ids.map((id) => f.queue.claim(id, 2, undefined, { ms: 5000 }));
    await new Promise((r) => setTimeout(r, 10));
    const created = await f.queue.submitBatch(Array.from({ length: 5 }, (_, n) => ({ type: 'noop', payload: { n } })));
    const got = await Promise.race([Promise.all(waits.slice(0, 2)), new Promise<never>((_, no) => setTimeout(() => no(new Error('late')), 2000))]);
    expect(got.map((t) => t.length)).toEqual([2, 2]);
    const third = await waits[2]!;
    expect(third).toHaveLength(1);
    const all = [...got.flat(), ...third].map((t) => t.id).sort();
    expect(all).toEqual(created.map((t) => t.id).sort());
  });

  it('are woken by work made outside the group commits (a tick making a delayed task ready)', async () => {
    const a = agent('a');
    const later = f.queue.create({ type: 'noop', runAt: f.clock.now() + 1000 });
    const waiting = f.queue.claim(a, 1, undefined, { ms: 5000 });
    await new Promise((r) => setTimeout(r, 10));
    f.clock.advance(1000);
    f.queue.tick();
    expect((await waiting).map((t) => t.id)).toEqual([later.id]);
  });

  it('look again when their agent changes (nudgeClaims), e.g. back from paused', async () => {
    const a = agent('a');
    f.agents.update(a, { status: 'paused' });
    await f.queue.submit({ type: 'noop' });
    const waiting = f.queue.claim(a, 1, undefined, { ms: 5000 });
    await new Promise((r) => setTimeout(r, 10));
    expect(f.queue.waitingClaims).toBe(1);
    f.agents.update(a, { status: 'available' });
    f.queue.nudgeClaims(a);
    expect(await waiting).toHaveLength(1);
  });

  it('run `within` in the claim’s transaction, only when they took something', async () => {
    const a = agent('a');
    const seen: number[] = [];
    const waiting = f.queue.claim(a, 3, (tasks) => seen.push(tasks.length), { ms: 5000 });
    await new Promise((r) => setTimeout(r, 10));
    await f.queue.submitBatch([{ type: 'noop' }, { type: 'noop' }]);
    expect(await waiting).toHaveLength(2);
    expect(seen).toEqual([2]);
  });

  it('cost one claim attempt per new task however many wait, more only while those tried cannot take it', async () => {
    await f.close();
    let real: Assigner | null = null;
    let attempts = 0;
    f = openQueueFixture(
      {},
      {
        assigner: {
          pickForAgent: (agent, limit) => (attempts++, real!.pickForAgent(agent, limit)),
          pickAgent: (task, candidates) => real!.pickAgent(task, candidates),
        },
      },
    );
    real = new CapabilityAssigner(f.database.sqlite);
    // 50 waiting agents; every fifth can weld at level 5.
    const ids = Array.from({ length: 50 }, (_, i) => agent(`a${i}`, { skills: { weld: i % 5 === 4 ? 5 : 1 } }));
    const waits = ids.map((id) => f.queue.claim(id, 1, undefined, { ms: 3000 }));
    await new Promise((r) => setTimeout(r, 20));
    expect(f.queue.waitingClaims).toBe(50);
    attempts = 0;
    const anyone = await f.queue.submit({ type: 'noop' });
    const first = await waits[0]!;
    expect(first.map((t) => t.id)).toEqual([anyone.id]);
    expect(attempts).toBe(1);
    attempts = 0;
    // Needs weld 5: the claims tried in order until one can (a4 was the fifth to come; a0 is gone).
    const hard = await f.queue.submit({ type: 'weld', requires: { weld: 5 } });
    expect((await waits[4]!).map((t) => t.id)).toEqual([hard.id]);
    expect(attempts).toBe(4);
    expect(f.queue.waitingClaims).toBe(48);
    f.queue.releaseWaitingClaims();
    await Promise.all(waits);
  });

  it('refuse an unknown agent', async () => {
    await expect(f.queue.claim('nobody', 1, undefined, { ms: 1000 })).rejects.toMatchObject({ code: 'not_found' });
    expect(f.queue.waitingClaims).toBe(0);
  });
});
