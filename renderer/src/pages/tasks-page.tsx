// The task queue: every piece of work for robots, software agents and people. A virtualised table
// over cursor pages of `tasks.list`, filters in the task view store, live through task events,
// a details drawer, and (supervisor and up) new tasks one by one or imported from a file.
import { useCallback, useMemo, useState } from 'react';
import type { UserDto } from '../../../preload/contract';
import { PageHeader } from '../components/page-header';
import { can } from '../lib/permissions';
import { isFilteredTaskList, taskListInput } from '../lib/task-query';
import { useCall } from '../query/call-hooks';
import { useResetTaskPages, useTaskPages } from '../query/task-pages';
import { useTaskViewStore } from '../state/task-view-store';
import { ImportTasksDialog } from './tasks/import-tasks-dialog';
import { NewTaskDialog } from './tasks/new-task-dialog';
import { TaskDrawer } from './tasks/task-drawer';
import { TaskFilterBar } from './tasks/task-filter-bar';
import { TaskTable, useKnownTypes } from './tasks/task-table';
import { Notice } from '../components/notice';

type Notice = { tone: 'ok' | 'error'; text: string } | null;

export function TasksPage({ me }: { me: UserDto }) {
  const filters = useTaskViewStore((state) => state.filters);
  const openTaskId = useTaskViewStore((state) => state.openTaskId);
  const openTask = useTaskViewStore((state) => state.openTask);
  const closeTask = useTaskViewStore((state) => state.closeTask);
  const input = useMemo(() => taskListInput(filters), [filters]);
  const pages = useTaskPages(input);
  const refresh = useResetTaskPages(input);
  const agents = useCall('agents.list', {}, { staleTime: 60_000 });
  const [dialog, setDialog] = useState<'new' | 'import' | null>(null);
  const [notice, setNotice] = useState<Notice>(null);

  const rows = useMemo(() => pages.data?.pages.flatMap((page) => page.tasks) ?? [], [pages.data]);
  const lastPage = pages.data?.pages[pages.data.pages.length - 1];
  const total = lastPage?.total ?? 0;
  const knownTypes = useKnownTypes(rows);
  const agentList = useMemo(() => agents.data?.agents ?? [], [agents.data]);
  const agentNames = useMemo(() => new Map(agentList.map((agent) => [agent.id, agent.name])), [agentList]);
  const agentName = useCallback((id: string) => agentNames.get(id) ?? `${id.slice(0, 10)}…`, [agentNames]);
  const { fetchNextPage: fetchNext } = pages;
  const fetchNextPage = useCallback(() => void fetchNext(), [fetchNext]);
  const canCreate = can(me.role, 'tasks.create');
  const canImport = can(me.role, 'tasks.createBatch');
  const resetKey = JSON.stringify(input);
  // Stale: an event changed what only the host can place (a deep list is not refetched by itself).
  const stale = pages.isStale && !pages.isFetching && pages.data !== undefined;

  return (
    <div className="page page--wide page--fill">
      <PageHeader
        title="Tasks"
        description="Work for robots, software agents and people, as the queue holds it now."
        actions={
          (canCreate || canImport) && (
            <>
              {canImport && (
                <button type="button" className="btn btn--secondary" onClick={() => setDialog('import')}>
                  Import…
                </button>
              )}
              {canCreate && (
                <button type="button" className="btn btn--primary" onClick={() => setDialog('new')}>
                  New task
                </button>
              )}
            </>
          )
        }
      />
      {notice && (
        <Notice tone={notice.tone} text={notice.text} onDismiss={() => setNotice(null)} />
      )}
      <TaskFilterBar agents={agentList} knownTypes={knownTypes} />
      <section className="card card--flush task-list" aria-label="Task list">
        <div className="table-toolbar">
          <span className="table-toolbar__info" role="status" aria-label="Task count">
            <span className="live-dot" aria-hidden="true" />
            <span>
              <strong className="task-total">{total.toLocaleString()}</strong> {total === 1 ? 'task' : 'tasks'}
              {rows.length < total && <span className="muted"> · {rows.length.toLocaleString()} loaded</span>}
            </span>
            {pages.isFetching && !pages.isFetchingNextPage && <span className="muted">· Updating…</span>}
          </span>
          {stale && (
            <span className="table-toolbar__stale">
              Tasks changed since this list was loaded.
              <button type="button" className="btn btn--secondary btn--small" onClick={refresh}>
                Refresh
              </button>
            </span>
          )}
        </div>
        {pages.isError && !pages.data ? (
          <p className="load-state load-state--error" role="alert">
            {pages.error.message}
          </p>
        ) : pages.isPending ? (
          <p className="load-state">Loading tasks…</p>
        ) : rows.length === 0 ? (
          <p className="load-state">{isFilteredTaskList(input) ? 'No tasks match these filters.' : 'No tasks yet.'}</p>
        ) : (
          <TaskTable
            rows={rows}
            total={total}
            hasNextPage={pages.hasNextPage}
            isFetchingNextPage={pages.isFetchingNextPage}
            fetchNextPage={fetchNextPage}
            agentName={agentName}
            onOpen={openTask}
            resetKey={resetKey}
          />
        )}
        {pages.isFetchNextPageError && (
          <p className="load-state load-state--error" role="alert">
            More tasks could not be loaded: {pages.error?.message}{' '}
            <button type="button" className="btn btn--ghost btn--small" onClick={fetchNextPage}>
              Try again
            </button>
          </p>
        )}
      </section>
      {openTaskId && <TaskDrawer id={openTaskId} me={me} agentName={agentName} onOpen={openTask} onClose={closeTask} />}
      {dialog === 'new' && (
        <NewTaskDialog
          onClose={() => setDialog(null)}
          onCreated={(task) => {
            setDialog(null);
            setNotice({ tone: 'ok', text: `Task “${task.title}” was created.` });
          }}
        />
      )}
      {dialog === 'import' && (
        <ImportTasksDialog
          onClose={() => setDialog(null)}
          onImported={(count) => {
            setDialog(null);
            setNotice({ tone: 'ok', text: `${count.toLocaleString()} ${count === 1 ? 'task was' : 'tasks were'} created.` });
          }}
        />
      )}
    </div>
  );
}
