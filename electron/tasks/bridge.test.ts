// The tasks.* calls through the real bridge: roles, audit rows, events pushed to windows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDto } from '../../preload/contract';
import { openTestHost, type TestConnection, type TestHost } from '../testing/harness';

let t: TestHost;
let supervisor: TestConnection;
let operator: TestConnection;

beforeAll(async () => {
  t = await openTestHost({ taskTickMs: 0, tasks: { shutdownGraceMs: 0 } });
  supervisor = await t.signIn('supervisor');
  operator = await t.signIn('operator');
});
afterAll(() => t.close());

describe('tasks calls', () => {
  it('lets a supervisor create a task, audited with its creator, and pushes it to operators', async () => {
    const detach = t.host.bridge.attach(operator);
    const seen = operator.messages.length;
    const task = await t.ok(supervisor, 'tasks.create', { type: 'inspect', title: 'Check weld seam', priority: 'high', payload: { seam: 3 } });
    detach();
    expect(task).toMatchObject({ state: 'ready', priority: 'high', creator: 'supervisor1', payload: { seam: 3 } });
    expect(operator.messages.slice(seen)).toContainEqual(
      expect.objectContaining({ type: 'event', name: 'task.created', payload: expect.objectContaining({ id: task.id }) }),
    );
    const admin = await t.signIn('admin');
    const { entries } = await t.ok(admin, 'audit.list', { limit: 5, action: 'tasks.create' });
    expect(entries[0]).toMatchObject({ outcome: 'ok', actorName: 'supervisor1', target: 'inspect' });
  });

  it('refuses creation by an operator and leaves no task behind', async () => {
    const before = t.count('tasks');
    const r = await t.call(operator, 'tasks.create', { type: 'inspect' });
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(t.count('tasks')).toBe(before);
  });

  it('creates a batch with refs, lists with filters and gets the details with timeline and dependencies', async () => {
    const { tasks } = await t.ok(supervisor, 'tasks.createBatch', {
      tasks: [
        { type: 'weld', ref: 'w', tags: ['batch-7'] },
        { type: 'inspect', dependsOnRefs: ['w'], tags: ['batch-7'] },
      ],
    });
    expect(tasks.map((x) => x.state)).toEqual(['ready', 'blocked']);
    const page = await t.ok(operator, 'tasks.list', { tag: 'batch-7', sort: 'created', order: 'asc' });
    expect(page.total).toBe(2);
    expect(page.tasks.map((x) => x.type)).toEqual(['weld', 'inspect']);
    expect(page.tasks[0]).not.toHaveProperty('payload');
    const details = await t.ok(operator, 'tasks.get', { id: tasks[1]!.id });
    expect(details.dependencies.map((d) => d.id)).toEqual([tasks[0]!.id]);
    expect(details.timeline).toMatchObject([{ from: null, to: 'blocked', actor: 'supervisor1' }]);
  });

  it('gives every role the floor at a glance: tasks by state read off the main thread, this hour by minute', async () => {
    await t.ok(supervisor, 'tasks.createBatch', { tasks: [{ type: 'floor', priority: 'critical' }, { type: 'floor' }, { type: 'floor' }] });
    const o = await t.ok(operator, 'tasks.overview', {});
    const ready = (priority: string) => o.depth.find((d) => d.state === 'ready' && d.priority === priority)?.count ?? 0;
    const all = t.host.database.sqlite.prepare("SELECT priority, count(*) AS n FROM tasks WHERE state = 'ready' GROUP BY priority").all() as { priority: number; n: number }[];
    expect(ready('critical')).toBe(all.find((r) => r.priority === 0)?.n ?? 0);
    expect(ready('critical')).toBeGreaterThanOrEqual(1);
    expect(ready('normal')).toBe(all.find((r) => r.priority === 2)?.n ?? 0);
    expect(o.minutes.at(-1)!.at).toBe(o.at - (o.at % 60_000));
    expect(o.minutes.reduce((n, m) => n + m.created, 0)).toBe(t.host.tasks.counters.created);
    expect(o.countingSince).toBeLessThanOrEqual(o.at);
  });

  it('refuses a batch over 1000 tasks as invalid input', async () => {
    const r = await t.call(supervisor, 'tasks.createBatch', { tasks: Array.from({ length: 1001 }, () => ({ type: 'x' })) });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('cancels, retries and re-prioritises as a supervisor, with typed errors for the wrong state', async () => {
    const task: TaskDto = await t.ok(supervisor, 'tasks.create', { type: 'paint' });
    expect(await t.ok(supervisor, 'tasks.setPriority', { id: task.id, priority: 'critical' })).toMatchObject({ priority: 'critical' });
    expect(await t.call(supervisor, 'tasks.retryNow', { id: task.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await t.ok(supervisor, 'tasks.cancel', { id: task.id, reason: 'line stopped' })).toMatchObject({ state: 'cancelled' });
    expect(await t.call(supervisor, 'tasks.cancel', { id: task.id, reason: 'again' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await t.call(operator, 'tasks.cancel', { id: task.id, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const details = await t.ok(operator, 'tasks.get', { id: task.id });
    expect(details.timeline.map((e) => e.kind)).toEqual(['state', 'priority', 'state']);
    expect(details.timeline[2]).toMatchObject({ to: 'cancelled', actor: 'supervisor1', note: 'line stopped' });
  });

  it('answers not_found for an unknown task', async () => {
    expect(await t.call(operator, 'tasks.get', { id: '01J00000000000000000000000' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
