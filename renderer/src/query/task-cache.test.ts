// @vitest-environment node
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../../preload/contract';
import { FakeTimers, ID_A, sampleAgent, sampleTask } from '../testing/fakes';
import { callKey, callPagesKey } from './call-key';
import { applyEventToCache } from './event-cache';
import { applyTaskChanges, matchesTaskQuery, patchTaskPages, patchWorkInbox, type TaskDetails, type TaskListInput, type TaskPages } from './task-cache';
import { TaskEventBatcher } from './task-event-batcher';

function client() {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
}

/** Pages of the given task numbers; every page but the last has a cursor. */
function pages(total: number, ...numbers: number[][]): TaskPages {
  return {
    pages: numbers.map((ns, i) => ({ tasks: ns.map((n) => sampleTask(n)), total, nextCursor: i < numbers.length - 1 ? `c${i}` : null })),
    pageParams: numbers.map((_, i) => (i === 0 ? null : `c${i - 1}`)),
  };
}

const ids = (data: TaskPages) => data.pages.map((page) => page.tasks.map((task) => Number(task.id.slice(-5))));
const created = (task: TaskSummary) => ({ kind: 'created' as const, task });
const updated = (task: TaskSummary) => ({ kind: 'updated' as const, task });
const NEWEST: TaskListInput = { sort: 'created', order: 'desc', limit: 3 };

/** A list with more pages to come: its last page has a cursor. */
function open(data: TaskPages): TaskPages {
  const last = data.pages.length - 1;
  return { ...data, pages: data.pages.map((page, i) => (i === last ? { ...page, nextCursor: 'more' } : page)) };
}

describe('matchesTaskQuery', () => {
  it('applies every filter the host applies', () => {
    const task = sampleTask(1, { state: 'running', priority: 'high', type: 'weld.seam', tags: ['night'], assignedAgentId: 'A1', title: 'Weld Part A' });
    expect(matchesTaskQuery(task, {})).toBe(true);
    expect(matchesTaskQuery(task, { status: ['running', 'ready'], priority: ['high'], type: 'weld.seam', tag: 'night', agentId: 'A1' })).toBe(true);
    expect(matchesTaskQuery(task, { status: ['ready'] })).toBe(false);
    expect(matchesTaskQuery(task, { priority: ['low'] })).toBe(false);
    expect(matchesTaskQuery(task, { type: 'weld' })).toBe(false);
    expect(matchesTaskQuery(task, { tag: 'day' })).toBe(false);
    expect(matchesTaskQuery(task, { agentId: 'A2' })).toBe(false);
  });

  it('searches title, type and id without regard to case', () => {
    const task = sampleTask(42, { title: 'Weld Part A', type: 'weld.seam' });
    expect(matchesTaskQuery(task, { search: 'part a' })).toBe(true);
    expect(matchesTaskQuery(task, { search: 'SEAM' })).toBe(true);
    expect(matchesTaskQuery(task, { search: task.id.slice(-6).toLowerCase() })).toBe(true);
    expect(matchesTaskQuery(task, { search: 'paint' })).toBe(false);
  });
});

describe('patchTaskPages', () => {
  it('replaces a loaded row in place, keeping every other page object', () => {
    const data = pages(6, [6, 5, 4], [3, 2, 1]);
    const patch = patchTaskPages(data, NEWEST, [updated(sampleTask(2, { state: 'running' }))]);
    expect(patch.stale).toBe(false);
    expect(patch.data.pages[0]).toBe(data.pages[0]);
    expect(patch.data.pages[1]!.tasks[1]!.state).toBe('running');
    expect(ids(patch.data)).toEqual([[6, 5, 4], [3, 2, 1]]);
  });

  it('puts a new task on top of a newest-first list and counts it, once', () => {
    const data = open(pages(100, [6, 5, 4]));
    const patch = patchTaskPages(data, NEWEST, [created(sampleTask(8)), created(sampleTask(7)), created(sampleTask(8))]);
    expect(ids(patch.data)).toEqual([[8, 7, 6, 5, 4]]);
    expect(patch.data.pages[0]!.total).toBe(102);
    expect(patch.stale).toBe(false);
  });

  it('ignores a new task the filters do not match', () => {
    const data = pages(3, [6, 5, 4]);
    const patch = patchTaskPages(data, { ...NEWEST, status: ['dead'] }, [created(sampleTask(7))]);
    expect(patch.data).toBe(data);
    expect(patch.stale).toBe(false);
  });

  it('drops a row that no longer matches and lowers the total', () => {
    const data = pages(3, [6, 5, 4]);
    const patch = patchTaskPages(data, { ...NEWEST, status: ['ready'] }, [updated(sampleTask(5, { state: 'running' }))]);
    expect(ids(patch.data)).toEqual([[6, 4]]);
    expect(patch.data.pages[0]!.total).toBe(2);
  });

  it('appends a new task to a complete oldest-first list, and marks an incomplete one stale', () => {
    const oldest: TaskListInput = { sort: 'created', order: 'asc' };
    const complete = patchTaskPages(pages(2, [1, 2]), oldest, [created(sampleTask(3))]);
    expect(ids(complete.data)).toEqual([[1, 2, 3]]);
    expect(complete.stale).toBe(false);
    const partial = patchTaskPages(open(pages(50, [1, 2])), oldest, [created(sampleTask(3))]);
    expect(ids(partial.data)).toEqual([[1, 2]]);
    expect(partial.data.pages[0]!.total).toBe(51);
    expect(partial.stale).toBe(true);
  });

  it('marks the list stale when a change moves a row under the chosen sort', () => {
    const byPriority: TaskListInput = { sort: 'priority', order: 'asc' };
    const moved = patchTaskPages(pages(3, [6, 5, 4]), byPriority, [updated(sampleTask(4, { priority: 'critical' }))]);
    expect(moved.stale).toBe(true);
    expect(moved.data.pages[0]!.tasks[2]!.priority).toBe('critical');
    const same = patchTaskPages(pages(3, [6, 5, 4]), byPriority, [updated(sampleTask(4, { state: 'running' }))]);
    expect(same.stale).toBe(false);
  });

  it('moves an updated task to the top of a recently-updated list', () => {
    const recent: TaskListInput = { sort: 'updated', order: 'desc' };
    const data = open(pages(100, [6, 5], [4, 3]));
    const patch = patchTaskPages(data, recent, [updated(sampleTask(3, { updatedAt: 1_800_000_000_000 })), updated(sampleTask(9, { updatedAt: 1_800_000_000_001 }))]);
    expect(ids(patch.data)).toEqual([[9, 3, 6, 5], [4]]);
    expect(patch.data.pages[0]!.total).toBe(100);
    expect(patch.stale).toBe(false);
  });

  it('in a filtered list with rows not loaded, an update to an unseen task needs the host', () => {
    const patch = patchTaskPages(open(pages(40, [6, 5])), { ...NEWEST, status: ['ready'] }, [updated(sampleTask(1, { state: 'dead' }))]);
    expect(patch.stale).toBe(true);
    expect(patch.data.pages[0]!.total).toBe(40);
  });

  it('in an unfiltered newest-first list, an update to an unseen task changes nothing', () => {
    const data = open(pages(40, [6, 5]));
    const patch = patchTaskPages(data, NEWEST, [updated(sampleTask(1, { state: 'dead' }))]);
    expect(patch.data).toBe(data);
    expect(patch.stale).toBe(false);
  });

  it('counts a task that joins a complete filtered list', () => {
    const patch = patchTaskPages(pages(1, [6]), { ...NEWEST, status: ['dead'] }, [updated(sampleTask(2, { state: 'dead' }))]);
    expect(patch.data.pages[0]!.total).toBe(2);
    expect(patch.stale).toBe(true);
  });
});

describe('applyTaskChanges', () => {
  it('patches every cached list and the details of that task, and asks for the details again', () => {
    const qc = client();
    const listKey = callPagesKey('tasks.list', NEWEST);
    const readyKey = callPagesKey('tasks.list', { ...NEWEST, status: ['ready'] });
    qc.setQueryData(listKey, pages(3, [3, 2, 1]));
    qc.setQueryData(readyKey, pages(3, [3, 2, 1]));
    const detailsKey = callKey('tasks.get', { id: sampleTask(2).id });
    const details: TaskDetails = {
      task: { ...sampleTask(2), payload: { program: 'P-1' }, result: null },
      timeline: [],
      dependencies: [sampleTask(1)],
      dependents: [],
      prunedDependencies: [],
    };
    qc.setQueryData(detailsKey, details);
    const otherKey = callKey('tasks.get', { id: sampleTask(3).id });
    qc.setQueryData(otherKey, { ...details, task: { ...sampleTask(3), payload: null, result: null } });

    const { stale } = applyTaskChanges(qc, [updated(sampleTask(2, { state: 'cancelled', cancelReason: 'wrong part' })), updated(sampleTask(1, { state: 'succeeded' }))]);

    expect(qc.getQueryData<TaskPages>(listKey)!.pages[0]!.tasks[1]!.state).toBe('cancelled');
    expect(ids(qc.getQueryData<TaskPages>(readyKey)!)).toEqual([[3]]);
    const patched = qc.getQueryData<TaskDetails>(detailsKey)!;
    expect(patched.task.state).toBe('cancelled');
    expect(patched.task.payload).toEqual({ program: 'P-1' });
    expect(patched.dependencies[0]!.state).toBe('succeeded');
    expect(stale).toEqual([detailsKey]);
  });

  it('goes through applyEventToCache for a single event', () => {
    const qc = client();
    const listKey = callPagesKey('tasks.list', NEWEST);
    qc.setQueryData(listKey, pages(1, [1]));
    applyEventToCache(qc, { type: 'event', name: 'task.created', payload: sampleTask(2) });
    expect(ids(qc.getQueryData<TaskPages>(listKey)!)).toEqual([[2, 1]]);
  });
});

describe('TaskEventBatcher', () => {
  it('applies a flood of events in one pass after a short pause', () => {
    const qc = client();
    const timers = new FakeTimers();
    const listKey = callPagesKey('tasks.list', NEWEST);
    qc.setQueryData(listKey, open(pages(10, [1])));
    let writes = 0;
    qc.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'success') writes += 1;
    });
    const batcher = new TaskEventBatcher(qc, { timers, now: () => timers.now, flushMs: 100 });
    for (let n = 2; n <= 1001; n++) batcher.push(created(sampleTask(n)));
    expect(ids(qc.getQueryData<TaskPages>(listKey)!)).toEqual([[1]]);
    timers.advance(100);
    expect(writes).toBe(1);
    const data = qc.getQueryData<TaskPages>(listKey)!;
    expect(data.pages[0]!.tasks).toHaveLength(1001);
    expect(data.pages[0]!.total).toBe(1010);
    batcher.dispose();
  });

  it('refetches a short stale list at most once per interval, and only marks a deep one', () => {
    const qc = client();
    const timers = new FakeTimers();
    const shortKey = callPagesKey('tasks.list', { sort: 'priority', order: 'asc' });
    const deepKey = callPagesKey('tasks.list', { sort: 'state', order: 'asc' });
    qc.setQueryData(shortKey, pages(3, [3, 2, 1]));
    qc.setQueryData(deepKey, pages(5, [5], [4], [3], [2], [1]));
    const batcher = new TaskEventBatcher(qc, { timers, now: () => timers.now, flushMs: 10, refetchMs: 1000, maxLivePages: 3 });
    const invalidated = (key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated ?? false;

    batcher.push(updated(sampleTask(2, { priority: 'critical', state: 'running' })));
    timers.advance(10);
    expect(invalidated(shortKey)).toBe(true);
    expect(invalidated(deepKey)).toBe(true);

    // Pretend the refetch landed; the next change within a second waits for the interval.
    qc.setQueryData(shortKey, pages(3, [2, 3, 1]));
    batcher.push(updated(sampleTask(1, { priority: 'high' })));
    timers.advance(10);
    expect(invalidated(shortKey)).toBe(false);
    expect(timers.pendingDelays()).toEqual([990]);
    timers.advance(989);
    expect(invalidated(shortKey)).toBe(false);
    timers.advance(1);
    expect(invalidated(shortKey)).toBe(true);
    batcher.dispose();
  });
});

describe('patchWorkInbox', () => {
  const person = sampleAgent({ kind: 'human', userId: ID_A, presence: 'available' });
  const item = (n: number, patch: Partial<TaskSummary> = {}) => ({ ...sampleTask(n, { state: 'assigned', assignedAgentId: person.id, ...patch }), accepted: false, offerExpiresAt: null, why: null });

  it('takes a task event’s state into the inbox at once and asks the host again', () => {
    const inbox = { agent: person, tasks: [item(1), item(2)] };
    const change = { kind: 'updated' as const, task: sampleTask(1, { state: 'running', assignedAgentId: person.id }) };
    const { inbox: next, touched } = patchWorkInbox(inbox, new Map([[change.task.id, change]]));
    expect(touched).toBe(true);
    expect(next.tasks.map((t) => t.state)).toEqual(['running', 'assigned']);
    expect(next.tasks[0]!.accepted).toBe(false);
  });

  it('drops a task handed to someone else, and notices work that may be new to the inbox', () => {
    const inbox = { agent: person, tasks: [item(1)] };
    const away = { kind: 'updated' as const, task: sampleTask(1, { state: 'ready', assignedAgentId: null }) };
    expect(patchWorkInbox(inbox, new Map([[away.task.id, away]])).inbox.tasks).toEqual([]);
    const fresh = { kind: 'updated' as const, task: sampleTask(5, { state: 'assigned', assignedAgentId: person.id }) };
    const outcome = patchWorkInbox(inbox, new Map([[fresh.task.id, fresh]]));
    expect(outcome).toEqual({ inbox, touched: true });
    const unrelated = { kind: 'updated' as const, task: sampleTask(6, { assignedAgentId: null }) };
    expect(patchWorkInbox(inbox, new Map([[unrelated.task.id, unrelated]])).touched).toBe(false);
  });
});
