// How task events keep cached task lists and details true without re-reading 100,000 rows:
//   - a row already loaded is replaced in place (or dropped when it no longer matches the filters);
//   - a new task goes on top of a newest-first list, and the total follows;
//   - anything whose place only the host can know (another sort, a filtered list it may have
//     joined) marks the list stale, and the caller decides whether a refetch is cheap enough.
// Pure functions over the cache; batching and throttling live in task-event-batcher.ts.
import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';
import type { CallInput, CallOutput, TaskSummary } from '../../../preload/contract';
import { isFilteredTaskList } from '../lib/task-query';

export type TaskListInput = CallInput<'tasks.list'>;
export type TaskPage = CallOutput<'tasks.list'>;
export type TaskPages = InfiniteData<TaskPage, string | null>;
export type TaskDetails = CallOutput<'tasks.get'>;

export interface TaskChange {
  kind: 'created' | 'updated';
  task: TaskSummary;
}

/** Whether the host would list `task` for `input` (its filters; sort and paging aside). */
export function matchesTaskQuery(task: TaskSummary, input: TaskListInput): boolean {
  if (input.status?.length && !input.status.includes(task.state)) return false;
  if (input.priority?.length && !input.priority.includes(task.priority)) return false;
  if (input.type && task.type !== input.type) return false;
  if (input.agentId && task.assignedAgentId !== input.agentId) return false;
  if (input.tag && !task.tags.includes(input.tag)) return false;
  const search = input.search?.trim().toLowerCase();
  if (search) {
    const hay = [task.title, task.type, task.id];
    if (!hay.some((text) => text.toLowerCase().includes(search))) return false;
  }
  return true;
}

/** The value a sort orders by changed, so the row may belong elsewhere. */
function sortKeyChanged(before: TaskSummary, after: TaskSummary, sort: TaskListInput['sort']): boolean {
  switch (sort ?? 'created') {
    case 'created':
      return false;
    case 'updated':
      return before.updatedAt !== after.updatedAt;
    case 'priority':
      return before.priority !== after.priority;
    case 'deadline':
      return before.deadline !== after.deadline;
    case 'state':
      return before.state !== after.state;
    case 'type':
      return before.type !== after.type;
  }
}

/** The last change per task id, in event order. */
function latestChanges(changes: readonly TaskChange[]): Map<string, TaskChange> {
  const latest = new Map<string, TaskChange>();
  for (const change of changes) {
    const previous = latest.get(change.task.id);
    // A task created and updated within one batch is still new to every list.
    const kind = previous?.kind === 'created' ? 'created' : change.kind;
    latest.set(change.task.id, { kind, task: change.task });
  }
  return latest;
}

export interface TaskPagesPatch {
  data: TaskPages;
  /** The cached pages may now be wrong in order or total: only a refetch can tell. */
  stale: boolean;
}

export function patchTaskPages(data: TaskPages, input: TaskListInput, changes: readonly TaskChange[]): TaskPagesPatch {
  if (changes.length === 0 || data.pages.length === 0) return { data, stale: false };
  const latest = latestChanges(changes);
  const sort = input.sort ?? 'created';
  const order = input.order ?? 'desc';
  const filtered = isFilteredTaskList(input);
  const complete = data.pages[data.pages.length - 1]!.nextCursor === null;
  // Sorts where a change puts the task at the very top: newest created / newest updated first.
  const toTop = (kind: TaskChange['kind']) => order === 'desc' && (sort === 'updated' || (sort === 'created' && kind === 'created'));

  let stale = false;
  let totalDelta = 0;
  const seen = new Set<string>();
  const top: TaskSummary[] = [];

  const pages = data.pages.map((page) => {
    let changed = false;
    const tasks: TaskSummary[] = [];
    for (const row of page.tasks) {
      const change = latest.get(row.id);
      if (!change) {
        tasks.push(row);
        continue;
      }
      seen.add(row.id);
      changed = true;
      if (!matchesTaskQuery(change.task, input)) {
        totalDelta -= 1;
        continue;
      }
      if (sort === 'updated' && order === 'desc' && row.updatedAt !== change.task.updatedAt) {
        top.push(change.task);
        continue;
      }
      if (sortKeyChanged(row, change.task, sort)) stale = true;
      tasks.push(change.task);
    }
    return changed ? { ...page, tasks } : page;
  });

  const appended: TaskSummary[] = [];
  for (const change of latest.values()) {
    if (seen.has(change.task.id)) continue;
    const matches = matchesTaskQuery(change.task, input);
    if (change.kind === 'created') {
      if (!matches) continue;
      totalDelta += 1;
      if (toTop('created')) top.push(change.task);
      else if (complete && sort === 'created') appended.push(change.task);
      else stale = true;
      continue;
    }
    // An update to a task we have not loaded.
    if (complete) {
      // Every match is loaded, so it was not one before: it joined the list (or never was in it).
      if (!matches) continue;
      totalDelta += 1;
      if (toTop('updated')) top.push(change.task);
      else stale = true;
    } else if (filtered) {
      // It may have joined or left the matches among the rows not loaded: only the host knows.
      stale = true;
      if (matches && toTop('updated')) top.push(change.task);
    } else if (toTop('updated')) {
      // Unfiltered, newest update first: it moves up from the rows not loaded.
      top.push(change.task);
    } else if (sort !== 'created') {
      // Its sort value may have moved it into the loaded rows.
      stale = true;
    }
  }

  if (top.length === 0 && appended.length === 0 && totalDelta === 0) {
    const changed = pages.some((page, index) => page !== data.pages[index]);
    return { data: changed ? { ...data, pages } : data, stale };
  }
  const byNewest = (a: TaskSummary, b: TaskSummary) =>
    (sort === 'updated' ? b.updatedAt - a.updatedAt : 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const last = pages.length - 1;
  const next = pages.map((page, index) => {
    let tasks = page.tasks;
    if (index === 0 && top.length > 0) tasks = [...[...top].sort(byNewest), ...tasks];
    if (index === last && appended.length > 0) tasks = [...tasks, ...[...appended].sort((a, b) => (a.id < b.id ? -1 : 1))];
    return { ...page, tasks, total: Math.max(0, page.total + totalDelta) };
  });
  return { data: { ...data, pages: next }, stale };
}

/** Patch a task's details (its summary fields, and the same task among dependencies). */
export function patchTaskDetails(details: TaskDetails, latest: ReadonlyMap<string, TaskChange>): { details: TaskDetails; changed: boolean } {
  const own = latest.get(details.task.id);
  const swap = (list: TaskSummary[]) => {
    let changed = false;
    const next = list.map((task) => {
      const change = latest.get(task.id);
      if (!change) return task;
      changed = true;
      return change.task;
    });
    return changed ? next : list;
  };
  const dependencies = swap(details.dependencies);
  const dependents = swap(details.dependents);
  if (!own && dependencies === details.dependencies && dependents === details.dependents) return { details, changed: false };
  return {
    details: {
      ...details,
      // Summaries carry no payload or result: keep the ones we have.
      task: own ? { ...details.task, ...own.task } : details.task,
      dependencies,
      dependents,
    },
    changed: own !== undefined,
  };
}

export type WorkInbox = CallOutput<'work.mine'>;

/**
 * My work: tasks already in the inbox take the event's state at once (a task handed elsewhere
 * leaves); `touched` says the host should be asked again (a task may have joined the inbox).
 */
export function patchWorkInbox(inbox: WorkInbox, latest: ReadonlyMap<string, TaskChange>): { inbox: WorkInbox; touched: boolean } {
  const agentId = inbox.agent?.id;
  let touched = false;
  let changed = false;
  const tasks: WorkInbox['tasks'] = [];
  for (const item of inbox.tasks) {
    const change = latest.get(item.id);
    if (!change) {
      tasks.push(item);
      continue;
    }
    touched = true;
    changed = true;
    if (change.task.assignedAgentId !== agentId) continue;
    tasks.push({ ...item, ...change.task });
  }
  if (!touched && agentId) {
    for (const change of latest.values()) if (change.task.assignedAgentId === agentId) touched = true;
  }
  return { inbox: changed ? { ...inbox, tasks } : inbox, touched };
}

export interface TaskCacheOutcome {
  /** Queries that need the host: lists whose order or total may be off, details whose timeline grew. */
  stale: QueryKey[];
}

/** Apply a batch of task events to every cached task list and task details. */
export function applyTaskChanges(queryClient: QueryClient, changes: readonly TaskChange[]): TaskCacheOutcome {
  const stale: QueryKey[] = [];
  if (changes.length === 0) return { stale };
  for (const query of queryClient.getQueryCache().findAll({ queryKey: ['tasks.list'] })) {
    const input = (query.queryKey[1] ?? {}) as TaskListInput;
    if (query.queryKey[2] === 'pages') {
      const data = query.state.data as TaskPages | undefined;
      if (!data) continue;
      const patch = patchTaskPages(data, input, changes);
      if (patch.data !== data) queryClient.setQueryData<TaskPages>(query.queryKey, patch.data);
      if (patch.stale) stale.push(query.queryKey);
    } else {
      // A plain one-page list (a widget): small, so just read it again.
      stale.push(query.queryKey);
    }
  }
  const latest = latestChanges(changes);
  for (const query of queryClient.getQueryCache().findAll({ queryKey: ['work.mine'] })) {
    const inbox = query.state.data as WorkInbox | undefined;
    if (!inbox) continue;
    const patch = patchWorkInbox(inbox, latest);
    if (patch.inbox !== inbox) queryClient.setQueryData<WorkInbox>(query.queryKey, patch.inbox);
    // Offers, acceptance and new work only the host can tell.
    if (patch.touched) stale.push(query.queryKey);
  }
  for (const query of queryClient.getQueryCache().findAll({ queryKey: ['tasks.get'] })) {
    const details = query.state.data as TaskDetails | undefined;
    if (!details) continue;
    const patch = patchTaskDetails(details, latest);
    if (patch.details !== details) queryClient.setQueryData<TaskDetails>(query.queryKey, patch.details);
    // Its timeline has a new row only the host has.
    if (patch.changed) stale.push(query.queryKey);
  }
  return { stale };
}
