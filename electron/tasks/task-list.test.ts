// The task list: filters, search, sorts and cursor paging with a total that ignores the page.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskListInput, type TaskListQuery } from '../../preload/contract';
import { AppError } from '../core/errors';
import { openQueueFixture, type QueueFixture } from './test-fixture';

let f: QueueFixture;
const q = (input: Partial<TaskListQuery> = {}) => f.queue.list(TaskListInput.parse(input));

beforeEach(async () => {
  f = openQueueFixture();
  const a = f.agents.create({ name: 'welder', kind: 'robot', capacity: 100, skills: { weld: 3 } });
  const priorities = ['low', 'normal', 'high', 'critical'] as const;
  for (let i = 0; i < 40; i++) {
    f.queue.create({
      type: i % 2 ? 'weld' : 'inspect',
      title: `Part ${String(i).padStart(2, '0')}${i === 13 ? ' 100%_done' : ''}`,
      priority: priorities[i % 4],
      tags: i % 5 === 0 ? ['line-4'] : [],
      deadline: i % 3 === 0 ? f.clock.now() + i * 1000 : undefined,
    });
    f.clock.advance(10);
  }
  await f.queue.claim(a.id, 5);
});
afterEach(() => f.close());

describe('task list', () => {
  it('pages newest first by cursor with the total of all matches', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = q({ limit: 15, cursor });
      expect(page.total).toBe(40);
      seen.push(...page.tasks.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(40);
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it('filters by state, priority, type, agent and tag', () => {
    expect(q({ status: ['running'] }).total).toBe(5);
    expect(q({ status: ['ready', 'running'] }).total).toBe(40);
    expect(q({ priority: ['critical'] }).total).toBe(10);
    expect(q({ type: 'weld', priority: ['normal', 'critical'] }).total).toBe(20);
    expect(q({ type: 'weld', priority: ['high', 'low'] }).total).toBe(0);
    expect(q({ agentId: f.agents.list()[0]!.id }).total).toBe(5);
    expect(q({ tag: 'line-4' }).total).toBe(8);
  });

  it('searches title, type and id, treating % and _ literally', () => {
    expect(q({ search: 'part 1' }).total).toBe(10);
    expect(q({ search: '100%_' }).tasks.map((t) => t.title)).toEqual(['Part 13 100%_done']);
    expect(q({ search: '%' }).total).toBe(1);
    const any = q({ limit: 1 }).tasks[0]!;
    expect(q({ search: any.id.slice(-10) }).tasks.map((t) => t.id)).toEqual([any.id]);
  });

  it('sorts by priority (most urgent first ascending) and pages through ties stably', () => {
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = q({ sort: 'priority', order: 'asc', limit: 7, cursor });
      all.push(...page.tasks.map((t) => `${t.priority}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all).toHaveLength(40);
    expect(all.slice(0, 10).every((p) => p === 'critical')).toBe(true);
    expect(all.slice(30).every((p) => p === 'low')).toBe(true);
  });

  it('sorts by deadline with tasks without one last', () => {
    const page = q({ sort: 'deadline', order: 'asc', limit: 40 });
    const deadlines = page.tasks.map((t) => t.deadline);
    const withDeadline = deadlines.filter((d) => d !== null) as number[];
    expect(withDeadline).toEqual([...withDeadline].sort((x, y) => x - y));
    expect(deadlines.slice(withDeadline.length).every((d) => d === null)).toBe(true);
  });

  it('refuses a cursor it did not hand out', () => {
    expect(() => q({ cursor: 'not-a-cursor' })).toThrow(AppError);
    expect(() => q({ cursor: Buffer.from('[{},1]').toString('base64url') })).toThrow(/cursor/);
  });
});
