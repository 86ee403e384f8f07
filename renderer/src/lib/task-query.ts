// From the tasks page's filters to a `tasks.list` input (without cursor: the pages add it), and the
// natural direction of each sort. Pure: tested in node.
import { Id, TASK_PRIORITIES, TASK_STATES, type CallInput } from '../../../preload/contract';
import type { SortOrder, TaskFilters, TaskSort } from '../state/task-view-store';

export type TaskListInput = CallInput<'tasks.list'>;

/** Rows per `tasks.list` page: a few screens' worth, well under TASK_PAGE_MAX. */
export const TASK_PAGE_SIZE = 200;

/** The order a sort starts in when chosen: newest first for times, most urgent / soonest first otherwise. */
export const DEFAULT_SORT_ORDER: Record<TaskSort, SortOrder> = {
  created: 'desc',
  updated: 'desc',
  priority: 'asc',
  deadline: 'asc',
  state: 'asc',
  type: 'asc',
};

export function taskListInput(filters: TaskFilters, limit = TASK_PAGE_SIZE): TaskListInput {
  const input: TaskListInput = { sort: filters.sort, order: filters.order, limit };
  // Canonical order, so picking the same states in another order reuses the cached pages.
  const states = TASK_STATES.filter((state) => filters.states.includes(state));
  const priorities = TASK_PRIORITIES.filter((priority) => filters.priorities.includes(priority));
  if (states.length > 0 && states.length < TASK_STATES.length) input.status = states;
  if (priorities.length > 0 && priorities.length < TASK_PRIORITIES.length) input.priority = priorities;
  const type = filters.type.trim();
  const tag = filters.tag.trim();
  const search = filters.search.trim();
  if (type) input.type = type.slice(0, 64);
  if (tag) input.tag = tag.slice(0, 64);
  if (search) input.search = search.slice(0, 200);
  if (Id.safeParse(filters.agentId).success) input.agentId = filters.agentId;
  return input;
}

/** True when the input narrows the list (sort alone does not). */
export function isFilteredTaskList(input: TaskListInput): boolean {
  return Boolean(input.status?.length || input.priority?.length || input.type || input.agentId || input.tag || input.search?.trim());
}
