// The tasks page's toolbar: search, state, priority, type, agent, tag and sort. Text applies after a
// short pause in typing; choices apply at once. The values live in the task view store.
import { useEffect, useState } from 'react';
import { TASK_PRIORITIES, TASK_SORTS, TASK_STATES, type AgentDto } from '../../../../preload/contract';
import { SelectField, TextField } from '../../components/field';
import { MultiSelect } from '../../components/multi-select';
import { TASK_PRIORITY_LABELS, TASK_STATE_LABELS } from '../../components/task-badges';
import { DEFAULT_TASK_FILTERS, useTaskViewStore, type SortOrder, type TaskFilters, type TaskSort } from '../../state/task-view-store';

const STATE_OPTIONS = TASK_STATES.map((state) => ({ value: state, label: TASK_STATE_LABELS[state] }));
const PRIORITY_OPTIONS = TASK_PRIORITIES.map((priority) => ({ value: priority, label: TASK_PRIORITY_LABELS[priority] }));

const SORT_LABELS: Record<TaskSort, Record<SortOrder, string>> = {
  created: { desc: 'Newest first', asc: 'Oldest first' },
  updated: { desc: 'Recently updated', asc: 'Updated longest ago' },
  priority: { asc: 'Most urgent', desc: 'Least urgent' },
  deadline: { asc: 'Deadline soonest', desc: 'Deadline latest' },
  state: { asc: 'State A–Z', desc: 'State Z–A' },
  type: { asc: 'Type A–Z', desc: 'Type Z–A' },
};

type SortValue = `${TaskSort}:${SortOrder}`;
const SORT_OPTIONS: ReadonlyArray<{ value: SortValue; label: string }> = TASK_SORTS.flatMap((sort) =>
  (Object.keys(SORT_LABELS[sort]) as SortOrder[]).map((order) => ({ value: `${sort}:${order}` as SortValue, label: SORT_LABELS[sort][order] })),
);

type TextKey = 'search' | 'type' | 'tag';
const TEXT_KEYS: readonly TextKey[] = ['search', 'type', 'tag'];

export function TaskFilterBar({ agents, knownTypes }: { agents: readonly AgentDto[]; knownTypes: readonly string[] }) {
  const filters = useTaskViewStore((state) => state.filters);
  const setFilters = useTaskViewStore((state) => state.setFilters);
  const resetFilters = useTaskViewStore((state) => state.resetFilters);
  const [draft, setDraft] = useState<Pick<TaskFilters, TextKey>>({ search: filters.search, type: filters.type, tag: filters.tag });

  // Follow the store when it changes from elsewhere (Clear filters, a tag clicked in the drawer).
  const [applied, setApplied] = useState(filters);
  if (applied !== filters) {
    setApplied(filters);
    const moved = TEXT_KEYS.filter((key) => filters[key] !== applied[key]);
    if (moved.length > 0) setDraft({ ...draft, ...Object.fromEntries(moved.map((key) => [key, filters[key]])) });
  }

  useEffect(() => {
    if (TEXT_KEYS.every((key) => draft[key] === filters[key])) return;
    const timer = setTimeout(() => setFilters(draft), 300);
    return () => clearTimeout(timer);
  }, [draft, filters, setFilters]);

  const agentOptions = [
    { value: '', label: 'Any agent' },
    ...[...agents].sort((a, b) => a.name.localeCompare(b.name)).map((agent) => ({ value: agent.id, label: agent.name })),
  ];
  if (filters.agentId && !agents.some((agent) => agent.id === filters.agentId)) agentOptions.push({ value: filters.agentId, label: 'Unknown agent' });
  const isFiltered =
    filters.states.length > 0 ||
    filters.priorities.length > 0 ||
    TEXT_KEYS.some((key) => filters[key] !== DEFAULT_TASK_FILTERS[key] || draft[key] !== '') ||
    filters.agentId !== '';

  return (
    <form
      className="filter-bar filter-bar--tasks"
      role="search"
      aria-label="Filter tasks"
      onSubmit={(event) => {
        event.preventDefault();
        setFilters(draft);
      }}
    >
      <TextField
        label="Search"
        type="search"
        value={draft.search}
        onValueChange={(search) => setDraft({ ...draft, search })}
        placeholder="Title, type or id"
        maxLength={200}
        fieldClassName="filter-bar__search"
      />
      <MultiSelect label="State" options={STATE_OPTIONS} selected={filters.states} onChange={(states) => setFilters({ states })} anyLabel="Any state" />
      <MultiSelect
        label="Priority"
        options={PRIORITY_OPTIONS}
        selected={filters.priorities}
        onChange={(priorities) => setFilters({ priorities })}
        anyLabel="Any priority"
      />
      <TextField
        label="Type"
        value={draft.type}
        onValueChange={(type) => setDraft({ ...draft, type })}
        placeholder="Any type"
        maxLength={64}
        list="task-type-options"
        autoComplete="off"
        spellCheck={false}
      />
      <datalist id="task-type-options">
        {knownTypes.map((type) => (
          <option key={type} value={type} />
        ))}
      </datalist>
      <SelectField label="Agent" value={filters.agentId} options={agentOptions} onValueChange={(agentId) => setFilters({ agentId })} />
      <TextField label="Tag" value={draft.tag} onValueChange={(tag) => setDraft({ ...draft, tag })} placeholder="Any tag" maxLength={64} autoComplete="off" spellCheck={false} />
      <SelectField<SortValue>
        label="Sort"
        value={`${filters.sort}:${filters.order}`}
        options={SORT_OPTIONS}
        onValueChange={(value) => {
          const [sort, order] = value.split(':') as [TaskSort, SortOrder];
          setFilters({ sort, order });
        }}
      />
      <div className="filter-bar__actions">
        <button
          type="button"
          className="btn btn--ghost"
          aria-label="Clear filters"
          title="Clear filters"
          disabled={!isFiltered}
          onClick={() => {
            setDraft({ search: '', type: '', tag: '' });
            resetFilters();
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
