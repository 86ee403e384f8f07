// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { TaskListInput } from '../../../preload/contract';
import { DEFAULT_TASK_FILTERS, type TaskFilters } from '../state/task-view-store';
import { isFilteredTaskList, taskListInput, TASK_PAGE_SIZE } from './task-query';

const filters = (patch: Partial<TaskFilters>): TaskFilters => ({ ...DEFAULT_TASK_FILTERS, ...patch });
const AGENT = '01HZX3K5V8Q2W7N4M6P9R0T1YC';

describe('taskListInput', () => {
  it('asks for the newest page with no filters by default', () => {
    expect(taskListInput(DEFAULT_TASK_FILTERS)).toEqual({ sort: 'created', order: 'desc', limit: TASK_PAGE_SIZE });
  });

  it('maps every filter, trimming text', () => {
    const input = taskListInput(
      filters({ states: ['running', 'ready'], priorities: ['high'], type: ' weld.seam ', agentId: AGENT, tag: ' night', search: ' part A ', sort: 'deadline', order: 'asc' }),
    );
    expect(input).toEqual({
      sort: 'deadline',
      order: 'asc',
      limit: TASK_PAGE_SIZE,
      status: ['ready', 'running'],
      priority: ['high'],
      type: 'weld.seam',
      agentId: AGENT,
      tag: 'night',
      search: 'part A',
    });
    expect(TaskListInput.safeParse(input).success).toBe(true);
  });

  it('lists states in one order whatever order they were picked in, so the cache key is stable', () => {
    expect(taskListInput(filters({ states: ['dead', 'ready'] }))).toEqual(taskListInput(filters({ states: ['ready', 'dead'] })));
  });

  it('drops a filter that picks everything, blank text and an agent id that is not one', () => {
    const input = taskListInput(
      filters({ priorities: ['critical', 'high', 'normal', 'low'], type: '  ', search: '', agentId: 'nobody' }),
    );
    expect(input).toEqual({ sort: 'created', order: 'desc', limit: TASK_PAGE_SIZE });
  });

  it('cuts text to what the contract allows', () => {
    const input = taskListInput(filters({ search: 'x'.repeat(300), tag: 't'.repeat(80) }));
    expect(input.search).toHaveLength(200);
    expect(input.tag).toHaveLength(64);
    expect(TaskListInput.safeParse(input).success).toBe(true);
  });

  it('tells a filtered list from a merely sorted one', () => {
    expect(isFilteredTaskList(taskListInput(filters({ sort: 'priority', order: 'asc' })))).toBe(false);
    expect(isFilteredTaskList(taskListInput(filters({ tag: 'qa' })))).toBe(true);
    expect(isFilteredTaskList(taskListInput(filters({ states: ['dead'] })))).toBe(true);
  });
});
