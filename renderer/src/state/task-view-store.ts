// The tasks page's UI state: filters, sort and which task the drawer shows. The tasks themselves
// live in react-query (see query/task-pages.ts); nothing here is server state.
import { create } from 'zustand';
import type { TASK_SORTS, TaskPriority, TaskState } from '../../../preload/contract';

export type TaskSort = (typeof TASK_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

export interface TaskFilters {
  states: TaskState[];
  priorities: TaskPriority[];
  /** Exact task type; '' for any. */
  type: string;
  /** Assigned agent id; '' for any. */
  agentId: string;
  tag: string;
  /** Matched by the host against title, type and id. */
  search: string;
  sort: TaskSort;
  order: SortOrder;
}

export const DEFAULT_TASK_FILTERS: TaskFilters = {
  states: [],
  priorities: [],
  type: '',
  agentId: '',
  tag: '',
  search: '',
  sort: 'created',
  order: 'desc',
};

interface TaskViewState {
  filters: TaskFilters;
  /** The task open in the details drawer. */
  openTaskId: string | null;
  setFilters(patch: Partial<TaskFilters>): void;
  resetFilters(): void;
  openTask(id: string): void;
  closeTask(): void;
}

export const useTaskViewStore = create<TaskViewState>((set) => ({
  filters: DEFAULT_TASK_FILTERS,
  openTaskId: null,
  setFilters: (patch) => set((state) => ({ filters: { ...state.filters, ...patch } })),
  // Sort survives "Clear filters": it is how the list reads, not what it holds.
  resetFilters: () => set((state) => ({ filters: { ...DEFAULT_TASK_FILTERS, sort: state.filters.sort, order: state.filters.order } })),
  openTask: (id) => set({ openTaskId: id }),
  closeTask: () => set({ openTaskId: null }),
}));
