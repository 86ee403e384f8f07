// A claimed task reads the same whether its spec came from the cache (spec-cache.ts) or from the
// database, and nothing updates a spec column.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentRegistry } from '../agents/registry';
import { EventBus } from '../core/events';
import { createIdFactory } from '../core/ids';
import { TaskQueue } from './queue';
import { SPEC_COLUMNS, SpecCache } from './spec-cache';
import { openQueueFixture, seededRandom, type QueueFixture } from './test-fixture';

let f: QueueFixture;
beforeEach(() => {
  f = openQueueFixture();
});
afterEach(async () => {
  await f.close();
});

const agent = (skills: Record<string, number> = {}) => f.agents.create({ name: `a${Math.random()}`, kind: 'software', capacity: 50, skills }).id;

describe('spec cache', () => {
  it('gives claimed tasks exactly what the database holds, for every kind of spec', async () => {
    const a = agent({ weld: 3 });
    const dep = f.queue.create({ type: 'prep' });
    const specs = [
      { type: 'plain' },
      { type: 'full', title: 'Weld seam 4711', payload: { part: 4711, seams: [1, 2], note: 'é ✓', nested: { deep: null } }, requires: { weld: 2 }, deadline: f.clock.now() + 60_000, timeoutMs: 5000, idempotencyKey: 'k-1', tags: ['line-3', 'urgent'], maxAttempts: 5, backoff: { baseMs: 200, maxMs: 800 } },
      { type: 'string-payload', payload: 'just text' },
      { type: 'workflow', workflowRunId: 'run-1', workflowStepId: 'step-a' },
    ];
    const created = specs.map((s) => f.queue.create(s, { name: 'planner' }));
    const after = f.queue.create({ type: 'after', dependsOn: [dep.id] }, { name: 'planner' });
    const [prep] = await f.queue.claim(a, 1);
    await f.queue.complete(prep!.id, a, prep!.attempt);
    // A priority changed after creation is read back, not remembered.
    f.queue.setPriority(created[0]!.id, 'critical');
    const claimed = await f.queue.claim(a, 10);
    expect(claimed.map((t) => t.id).sort()).toEqual([...created.map((t) => t.id), after.id].sort());
    for (const t of claimed) expect(t).toEqual(f.queue.getOrThrow(t.id));
    expect(claimed.find((t) => t.id === created[1]!.id)).toMatchObject({ payload: specs[1]!.payload, tags: ['line-3', 'urgent'], requires: { weld: 2 } });
  });

  it('gives a retried task its failures, last error and new run time, and a fresh payload each time', async () => {
    const a = agent();
    const t = f.queue.create({ type: 'flaky', payload: { n: 1 }, tags: ['x'] });
    const [first] = await f.queue.claim(a, 1);
    (first!.payload as { n: number }).n = 99;
    first!.tags.push('mutated');
    await f.queue.fail(t.id, a, 1, { message: 'jammed', code: 'E_JAM' });
    f.clock.advance(60_000);
    f.queue.tick();
    const [second] = await f.queue.claim(a, 1);
    expect(second).toEqual(f.queue.getOrThrow(t.id));
    expect(second).toMatchObject({ attempt: 2, failures: 1, payload: { n: 1 }, tags: ['x'], lastError: { message: 'jammed', code: 'E_JAM' } });
  });

  it('gives a task offered to the agent (then claimed) what the database holds', async () => {
    const a = agent();
    const t = f.queue.create({ type: 'offered', payload: { x: [1, 2] }, tags: ['p'] });
    f.queue.offerTo(t.id, a, 60_000);
    const [claimed] = await f.queue.claim(a, 1);
    expect(claimed).toEqual(f.queue.getOrThrow(t.id));
    expect(claimed).toMatchObject({ id: t.id, state: 'running', attempt: 1, payload: { x: [1, 2] } });
  });

  it('reads tasks another process created from the database', async () => {
    const created = await f.queue.submitBatch([{ type: 'a', payload: { i: 1 } }, { type: 'b', tags: ['t'] }]);
    // A second queue on the same file (as the CLI or a restarted host would be): its cache is empty.
    const bus = new EventBus();
    const newId = createIdFactory(f.clock, seededRandom(7));
    const agents = new AgentRegistry({ sqlite: f.database.sqlite, bus, clock: f.clock, random: seededRandom(7), newId });
    const other = new TaskQueue({ sqlite: f.database.sqlite, bus, clock: f.clock, random: seededRandom(7), newId, agents, options: { autoAssign: false, shutdownGraceMs: 0 } });
    const a = agents.create({ name: 'other', kind: 'software', capacity: 5 }).id;
    // One offered to the agent first, one taken from the ready ones: both read whole.
    other.offerTo(created[1]!.id, a, 60_000);
    const claimed = await other.claim(a, 5);
    expect(claimed.map((t) => t.id).sort()).toEqual(created.map((t) => t.id).sort());
    for (const t of claimed) expect(t).toEqual(other.getOrThrow(t.id));
    await other.shutdown(0);
    bus.dispose();
  });

  it('forgets the oldest past its bounds', () => {
    const cache = new SpecCache(3, 10_000);
    for (const id of ['a', 'b', 'c', 'd']) cache.remember(id, ['t', id]);
    expect(['a', 'b', 'c', 'd'].map((id) => cache.get(id) !== undefined)).toEqual([false, true, true, true]);
    cache.remember('big', ['x'.repeat(1000)]);
    cache.remember('big2', ['x'.repeat(1000)]);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBeLessThanOrEqual(3);
    // Larger than a quarter of the budget: not kept at all.
    cache.remember('huge', ['x'.repeat(3000)]);
    expect(cache.get('huge')).toBeUndefined();
  });

  it('is never stale: no UPDATE of tasks in the main process sets a spec column', () => {
    const root = join(__dirname, '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) files.push(join(dir, e.name));
      }
    };
    walk(root);
    let updates = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/UPDATE\s+tasks\s+SET\s+([\s\S]*?)(?:\bWHERE\b|\bFROM\b|`)/g)) {
        updates++;
        for (const col of SPEC_COLUMNS) expect(new RegExp(`\\b${col}\\s*=`).test(m[1]!), `${file}: ${m[0].slice(0, 80)}`).toBe(false);
      }
    }
    expect(updates).toBeGreaterThan(5);
  });

  it('refuses a patch of a spec column', async () => {
    const t = f.queue.create({ type: 'x' });
    // setPriority patches priority and order_key: allowed. The guard is for code paths to come.
    expect(f.queue.setPriority(t.id, 'high').priority).toBe('high');
    const patch = (f.queue as unknown as { patch(row: unknown, p: Record<string, unknown>): unknown }).patch.bind(f.queue);
    expect(() => patch({ id: t.id }, { title: 'renamed' })).toThrow(/title does not change/);
  });
});
