// The tasks table: only the rows on screen are in the DOM (@tanstack/react-virtual), pages of
// `tasks.list` load as the end comes near, and rows follow task events without a reload.
// ARIA table roles on a CSS grid, so it reads as a table and sizes like one at any row count.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { TaskSummary } from '../../../../preload/contract';
import { PriorityBadge, TaskStateBadge } from '../../components/task-badges';
import { formatCellWhen, formatDateTime } from '../../lib/format';
import { isFinished } from '../../lib/task-actions';
import { DEFAULT_SORT_ORDER } from '../../lib/task-query';
import { useNow } from '../../lib/use-now';
import { useTaskViewStore, type TaskSort } from '../../state/task-view-store';

export const TASK_ROW_HEIGHT = 38;
const HEAD_HEIGHT = 36;
/** Start loading the next page this many rows before the end. */
const PREFETCH_ROWS = 60;

export interface TaskTableProps {
  rows: readonly TaskSummary[];
  total: number;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): void;
  agentName(id: string): string;
  onOpen(id: string): void;
  /** Bumped when the list is replaced (filters, sort, refresh): the view goes back to the top. */
  resetKey: string;
}

const COLUMNS: ReadonlyArray<{ id: string; label: string; sort?: TaskSort; className?: string }> = [
  { id: 'state', label: 'State', sort: 'state' },
  { id: 'priority', label: 'Priority', sort: 'priority' },
  { id: 'title', label: 'Title' },
  { id: 'type', label: 'Type', sort: 'type' },
  { id: 'agent', label: 'Agent' },
  { id: 'attempt', label: 'Attempt', className: 'vtable__cell--num' },
  { id: 'created', label: 'Created', sort: 'created' },
  { id: 'deadline', label: 'Deadline', sort: 'deadline' },
  { id: 'tags', label: 'Tags' },
];

export function TaskTable({ rows, total, hasNextPage, isFetchingNextPage, fetchNextPage, agentName, onOpen, resetKey }: TaskTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow(30_000);
  const count = rows.length + (hasNextPage ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => TASK_ROW_HEIGHT,
    overscan: 10,
    scrollMargin: HEAD_HEIGHT,
    getItemKey: (index) => rows[index]?.id ?? `more-${index}`,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - PREFETCH_ROWS) fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [resetKey]);

  // Up/Down move between rows (scrolling rows into the DOM as needed); Home/End jump.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!row) return;
    const index = Number(row.dataset.index);
    const target =
      event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? rows.length - 1 : null;
    if (target === null || target < 0 || target >= rows.length) return;
    event.preventDefault();
    virtualizer.scrollToIndex(target, { align: 'auto' });
    const focus = (tries: number) => {
      const button = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${target}"] .vtable__open`);
      if (button) button.focus();
      else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
    };
    requestAnimationFrame(() => focus(5));
  };

  return (
    <div className="vtable" role="table" aria-label="Tasks" aria-rowcount={total + 1}>
      <div className="vtable__scroll" ref={scrollRef}>
        <div role="rowgroup" className="vtable__head">
          <div role="row" aria-rowindex={1} className="vtable__row vtable__row--head">
            {COLUMNS.map((column) => (
              <ColumnHeader key={column.id} label={column.label} sort={column.sort} className={column.className} />
            ))}
          </div>
        </div>
        <div role="rowgroup" className="vtable__body" style={{ height: virtualizer.getTotalSize() }} onKeyDown={onKeyDown}>
          {items.map((item) => {
            const task = rows[item.index];
            const style = { transform: `translateY(${item.start - HEAD_HEIGHT}px)`, height: item.size };
            if (!task) {
              return (
                <div key={item.key} role="row" className="vtable__row vtable__row--more" style={style} aria-rowindex={item.index + 2}>
                  <div role="cell" className="vtable__more">
                    Loading more tasks…
                  </div>
                </div>
              );
            }
            return <TaskRow key={item.key} task={task} index={item.index} style={style} now={now} agentName={agentName} onOpen={onOpen} />;
          })}
        </div>
      </div>
    </div>
  );
}

function ColumnHeader({ label, sort, className }: { label: string; sort?: TaskSort; className?: string }) {
  const filters = useTaskViewStore((state) => state.filters);
  const setFilters = useTaskViewStore((state) => state.setFilters);
  const active = sort !== undefined && filters.sort === sort;
  const ariaSort = active ? (filters.order === 'asc' ? 'ascending' : 'descending') : undefined;
  return (
    <div role="columnheader" className={`vtable__cell vtable__th${className ? ` ${className}` : ''}`} aria-sort={ariaSort}>
      {sort ? (
        <button
          type="button"
          className={`vtable__sort${active ? ' vtable__sort--active' : ''}`}
          title={`Sort by ${label.toLowerCase()}`}
          onClick={() =>
            setFilters(active ? { order: filters.order === 'asc' ? 'desc' : 'asc' } : { sort, order: DEFAULT_SORT_ORDER[sort] })
          }
        >
          {label}
          <span className="vtable__sort-icon" aria-hidden="true">
            {active ? (filters.order === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      ) : (
        label
      )}
    </div>
  );
}

interface TaskRowProps {
  task: TaskSummary;
  index: number;
  style: { transform: string; height: number };
  now: number;
  agentName(id: string): string;
  onOpen(id: string): void;
}

function TaskRow({ task, index, style, now, agentName, onOpen }: TaskRowProps) {
  const overdue = task.deadline !== null && task.deadline < now && !isFinished(task.state);
  return (
    <div
      role="row"
      className="vtable__row"
      style={style}
      data-index={index}
      aria-rowindex={index + 2}
      onClick={(event) => {
        // The title button handles its own click (and Enter/Space).
        if (!(event.target as HTMLElement).closest('button')) onOpen(task.id);
      }}
    >
      <Cell>
        <TaskStateBadge state={task.state} />
        {task.cancelRequested && !isFinished(task.state) && (
          <span className="vtable__flag" title="Cancel requested, waiting for the agent">
            stopping
          </span>
        )}
      </Cell>
      <Cell>
        <PriorityBadge priority={task.priority} />
      </Cell>
      <Cell className="vtable__cell--title">
        <button type="button" className="vtable__open" onClick={() => onOpen(task.id)} title={task.title}>
          {task.title}
        </button>
      </Cell>
      <Cell title={task.type}>
        <code className="vtable__type">{task.type}</code>
      </Cell>
      <Cell title={task.assignedAgentId ? agentName(task.assignedAgentId) : undefined}>
        {task.assignedAgentId ? agentName(task.assignedAgentId) : <span className="muted">—</span>}
      </Cell>
      <Cell className="vtable__cell--num" title={task.failures > 0 ? `${task.failures} failed attempt${task.failures === 1 ? '' : 's'}` : undefined}>
        <span className={task.failures > 0 ? 'text-warn' : undefined}>
          {task.attempt}/{task.maxAttempts}
        </span>
      </Cell>
      <Cell className="vtable__cell--time" title={formatDateTime(task.createdAt)}>
        {formatCellWhen(task.createdAt, now)}
      </Cell>
      <Cell className="vtable__cell--time" title={task.deadline !== null ? `${formatDateTime(task.deadline)}${overdue ? ' (overdue)' : ''}` : undefined}>
        {task.deadline === null ? (
          <span className="muted">—</span>
        ) : (
          <span className={overdue ? 'overdue' : undefined}>
            {formatCellWhen(task.deadline, now)}
            {overdue && <span className="visually-hidden"> (overdue)</span>}
          </span>
        )}
      </Cell>
      <TagsCell tags={task.tags} />
    </div>
  );
}

/**
 * How many chips fit in `available` px, given each chip's width, the gap between them and the
 * width of the "+N" chip that follows when some are left out. At least one when there are any:
 * the first chip then shrinks to an ellipsis rather than leave only "+N".
 */
export function fitChips(widths: readonly number[], available: number, gap: number, moreWidth: number): number {
  const n = widths.length;
  let used = 0;
  for (let i = 0; i < n; i++) used += widths[i]! + (i > 0 ? gap : 0);
  if (used <= available) return n;
  let shown = 0;
  let width = moreWidth;
  while (shown < n - 1 && width + widths[shown]! + gap <= available) {
    width += widths[shown]! + gap;
    shown++;
  }
  return Math.max(1, shown);
}

/**
 * The tags as chips, as many as fit and then "+N"; the cell's tooltip lists them all. Widths come
 * from a hidden copy of every chip, so the count follows the column's width without a re-render loop.
 */
function TagsCell({ tags }: { tags: readonly string[] }) {
  const cellRef = useRef<HTMLDivElement>(null);
  const measureRef = useRef<HTMLSpanElement>(null);
  const [shown, setShown] = useState(tags.length);
  const key = tags.join('\u0000');

  useLayoutEffect(() => {
    const cell = cellRef.current;
    const measure = measureRef.current;
    if (!cell || !measure) return;
    const update = () => {
      const chips = [...measure.children].map((chip) => (chip as HTMLElement).offsetWidth);
      const more = chips.pop() ?? 0;
      const style = getComputedStyle(cell);
      const available = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      setShown(fitChips(chips, available, parseFloat(style.columnGap) || 0, more));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(cell);
    return () => observer.disconnect();
  }, [key]);

  const hidden = tags.length - Math.min(shown, tags.length);
  return (
    <div role="cell" ref={cellRef} className="vtable__cell vtable__cell--tags" title={tags.join(', ') || undefined}>
      {tags.slice(0, tags.length - hidden).map((tag) => (
        <span key={tag} className="chip">
          {tag}
        </span>
      ))}
      {hidden > 0 && (
        <span className="chip chip--more">
          +{hidden}
          <span className="visually-hidden"> more: {tags.slice(-hidden).join(', ')}</span>
        </span>
      )}
      {tags.length > 1 && (
        <span className="vtable__measure" ref={measureRef} aria-hidden="true">
          {tags.map((tag) => (
            <span key={tag} className="chip">
              {tag}
            </span>
          ))}
          <span className="chip chip--more">+{tags.length}</span>
        </span>
      )}
    </div>
  );
}

function Cell({ children, className, title }: { children: ReactNode; className?: string; title?: string | undefined }) {
  return (
    <div role="cell" className={`vtable__cell${className ? ` ${className}` : ''}`} title={title}>
      {children}
    </div>
  );
}

/** Distinct task types among loaded rows, for the Type filter's suggestions. */
export function useKnownTypes(rows: readonly TaskSummary[]): string[] {
  return useMemo(() => {
    const types = new Set<string>();
    for (const task of rows) {
      types.add(task.type);
      if (types.size >= 200) break;
    }
    return [...types].sort();
  }, [rows]);
}
