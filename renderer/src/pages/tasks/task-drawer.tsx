// One task in full, in a drawer at the right: facts, progress and last error, its attempts
// (task-attempts.tsx), payload and result as JSON, its timeline, what it depends on and what
// waits on it, and the actions this role may take (cancel with a reason, retry now, change
// priority); why it went to its agent and why not to the others (task-delegation.tsx). Follows
// task and decision events while open.
import { useState, type FormEvent, type ReactNode } from 'react';
import { TASK_PRIORITIES, calls, type TaskDetails, type TaskEventDto, type TaskPriority, type TaskSummary, type UserDto } from '../../../../preload/contract';
import { Facts } from '../../components/card';
import { Dialog } from '../../components/dialog';
import { SelectField, TextAreaField } from '../../components/field';
import { LoadState } from '../../components/page-header';
import { PriorityBadge, TASK_PRIORITY_LABELS, TASK_STATE_LABELS, TaskStateBadge } from '../../components/task-badges';
import { fieldErrors, hasErrors } from '../../lib/form';
import { formatCompactDateTime, formatDateTime, formatDuration } from '../../lib/format';
import { can } from '../../lib/permissions';
import { formatSkills } from '../../lib/skills';
import { canCancel, canChangePriority, canRetryNow, isFinished } from '../../lib/task-actions';
import { useNow } from '../../lib/use-now';
import { useCall, useMutateCall } from '../../query/call-hooks';
import { TaskAttempts } from './task-attempts';
import { TaskDelegation } from './task-delegation';

const PRIORITY_OPTIONS = TASK_PRIORITIES.map((priority) => ({ value: priority, label: TASK_PRIORITY_LABELS[priority] }));

export interface TaskDrawerProps {
  id: string;
  me: UserDto;
  agentName(id: string): string;
  onOpen(id: string): void;
  onClose(): void;
}

export function TaskDrawer({ id, me, agentName, onOpen, onClose }: TaskDrawerProps) {
  const details = useCall('tasks.get', { id }, { staleTime: 5_000 });
  const task = details.data?.task;
  return (
    <Dialog title={task ? task.title : 'Task'} size="drawer" onClose={onClose}>
      <div className="drawer">
        <LoadState loading={details.isPending} error={details.error}>
          {details.data && <TaskDetailsView key={details.data.task.id} details={details.data} me={me} agentName={agentName} onOpen={onOpen} />}
        </LoadState>
      </div>
    </Dialog>
  );
}

function TaskDetailsView({ details, me, agentName, onOpen }: { details: TaskDetails; me: UserDto; agentName(id: string): string; onOpen(id: string): void }) {
  const { task } = details;
  const now = useNow(30_000);
  const overdue = task.deadline !== null && task.deadline < now && !isFinished(task.state);
  const when = (ms: number | null) => (ms === null ? <span className="muted">—</span> : formatDateTime(ms));
  return (
    <>
      <div className="drawer__status">
        <TaskStateBadge state={task.state} />
        <PriorityBadge priority={task.priority} />
        {task.cancelRequested && !isFinished(task.state) && <span className="badge badge--warn">Cancel requested</span>}
        <code className="drawer__id" title="Task id">
          {task.id}
        </code>
      </div>

      <TaskActions task={task} me={me} agentName={agentName} />

      {task.lastError && (
        <div className="drawer__error" role="note" aria-label="Last error">
          <strong>Last error{task.lastError.code ? ` (${task.lastError.code})` : ''}:</strong> {task.lastError.message}
          {task.lastError.retryable === false && <span> · not retryable</span>}
        </div>
      )}
      {task.cancelReason && (
        <p className="drawer__note">
          <strong>Cancel reason:</strong> {task.cancelReason}
        </p>
      )}
      {task.progress && !isFinished(task.state) && (
        <div className="drawer__progress">
          <span>Progress{task.progress.percent !== undefined ? `: ${Math.round(task.progress.percent)}%` : ''}</span>
          {task.progress.percent !== undefined && (
            <progress max={100} value={task.progress.percent} aria-label="Progress">
              {Math.round(task.progress.percent)}%
            </progress>
          )}
          {task.progress.message && <span className="muted">{task.progress.message}</span>}
        </div>
      )}

      <TaskDelegation task={task} me={me} />

      <DrawerSection title="Details">
        <Facts
          items={[
            { label: 'Type', value: <code>{task.type}</code> },
            { label: 'Assigned agent', value: task.assignedAgentId ? agentName(task.assignedAgentId) : <span className="muted">None</span> },
            {
              label: 'Attempts',
              value: `${task.attempt} of ${task.maxAttempts} delivered · ${task.failures} failed`,
            },
            { label: 'Backoff', value: `${formatDuration(task.backoff.baseMs)} doubling, at most ${formatDuration(task.backoff.maxMs)}` },
            { label: 'Timeout per attempt', value: task.timeoutMs === null ? <span className="muted">None</span> : formatDuration(task.timeoutMs) },
            { label: 'Required skills', value: Object.keys(task.requires).length ? formatSkills(task.requires) : <span className="muted">Any agent</span> },
            { label: 'Tags', value: task.tags.length ? <Chips items={task.tags} /> : <span className="muted">None</span> },
            { label: 'Created', value: <>{formatDateTime(task.createdAt)}{task.creator && <span className="muted"> by {task.creator}</span>}</> },
            { label: 'Updated', value: when(task.updatedAt) },
            { label: 'Run at', value: when(task.runAt) },
            {
              label: 'Deadline',
              value: task.deadline === null ? <span className="muted">—</span> : <span className={overdue ? 'overdue' : undefined}>{formatDateTime(task.deadline)}{overdue && ' (overdue)'}</span>,
            },
            { label: 'Started', value: when(task.startedAt) },
            { label: 'Finished', value: when(task.finishedAt) },
            ...(task.leaseExpiresAt !== null ? [{ label: 'Lease until', value: formatDateTime(task.leaseExpiresAt) }] : []),
            { label: 'Idempotency key', value: task.idempotencyKey ? <code>{task.idempotencyKey}</code> : <span className="muted">None</span> },
            ...(task.workflowRunId ? [{ label: 'Workflow run', value: <code>{task.workflowRunId}{task.workflowStepId ? ` / ${task.workflowStepId}` : ''}</code> }] : []),
          ]}
        />
      </DrawerSection>

      <DrawerSection title={`Attempts (${task.attempt})`}>
        <TaskAttempts task={task} timeline={details.timeline} now={now} agentName={agentName} />
      </DrawerSection>

      <DrawerSection title="Payload">
        <JsonBlock value={task.payload} label="Payload" />
      </DrawerSection>
      <DrawerSection title="Result">
        {task.result === null ? <p className="muted">No result yet.</p> : <JsonBlock value={task.result} label="Result" />}
      </DrawerSection>
      {task.lastError?.details !== undefined && (
        <DrawerSection title="Error details">
          <JsonBlock value={task.lastError.details} label="Error details" />
        </DrawerSection>
      )}

      <DrawerSection title={`Dependencies (${task.dependsOn.length})`}>
        {task.dependsOn.length === 0 ? (
          <p className="muted">Depends on no other task.</p>
        ) : (
          <TaskLinks tasks={details.dependencies} pruned={details.prunedDependencies} onOpen={onOpen} label="Dependencies" />
        )}
      </DrawerSection>
      {details.dependents.length > 0 && (
        <DrawerSection title={`Waiting on this task (${details.dependents.length})`}>
          <TaskLinks tasks={details.dependents} pruned={[]} onOpen={onOpen} label="Dependent tasks" />
        </DrawerSection>
      )}

      <DrawerSection title="Timeline">
        <Timeline events={details.timeline} agentName={agentName} />
      </DrawerSection>
    </>
  );
}

function DrawerSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="drawer__section" aria-label={title.replace(/ \(\d+\)$/, '')}>
      <h3 className="drawer__heading">{title}</h3>
      {children}
    </section>
  );
}

function Chips({ items }: { items: readonly string[] }) {
  return (
    <span className="chips">
      {items.map((item) => (
        <span key={item} className="chip">
          {item}
        </span>
      ))}
    </span>
  );
}

function JsonBlock({ value, label }: { value: unknown; label: string }) {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  return (
    <pre className="json-block" tabIndex={0} aria-label={label}>
      {text}
    </pre>
  );
}

function TaskLinks({ tasks, pruned, onOpen, label }: { tasks: readonly TaskSummary[]; pruned: readonly string[]; onOpen(id: string): void; label: string }) {
  return (
    <ul className="task-links" aria-label={label}>
      {tasks.map((task) => (
        <li key={task.id} className="task-links__item">
          <TaskStateBadge state={task.state} />
          <button type="button" className="link-button" onClick={() => onOpen(task.id)}>
            {task.title}
          </button>
          <code className="muted task-links__id">{task.id}</code>
        </li>
      ))}
      {pruned.map((id) => (
        <li key={id} className="task-links__item">
          <span className="badge badge--neutral">Pruned</span>
          <code className="muted">{id}</code>
          <span className="muted">finished and removed by retention</span>
        </li>
      ))}
    </ul>
  );
}

function Timeline({ events, agentName }: { events: readonly TaskEventDto[]; agentName(id: string): string }) {
  if (events.length === 0) return <p className="muted">No transitions recorded.</p>;
  return (
    <ol className="timeline" aria-label="Timeline">
      {[...events].sort((a, b) => a.seq - b.seq).map((event) => {
        const meta = [
          event.attempt > 0 ? `attempt ${event.attempt}` : null,
          event.agentId ? agentName(event.agentId) : null,
          // A note such as "created by sam" already names who.
          event.actor && !event.note?.includes(event.actor) ? `by ${event.actor}` : null,
        ].filter((part): part is string => part !== null);
        return (
          <li key={event.seq} className="timeline__item">
            <span className="timeline__time" title={formatDateTime(event.at)}>
              {formatCompactDateTime(event.at)}
            </span>
            <span className="timeline__what">
              <span className="timeline__states">
                {event.from && event.from !== event.to ? (
                  <>
                    {TASK_STATE_LABELS[event.from]} <span aria-hidden="true">→</span>
                    <span className="visually-hidden"> to</span> <strong>{TASK_STATE_LABELS[event.to]}</strong>
                  </>
                ) : (
                  <strong>{event.from === null ? `Created: ${TASK_STATE_LABELS[event.to]}` : TASK_STATE_LABELS[event.to]}</strong>
                )}
                {event.kind !== 'state' && <span className="timeline__kind">{event.kind}</span>}
              </span>
              {event.note && <span className="timeline__note">{event.note}</span>}
              {meta.length > 0 && <span className="timeline__meta">{meta.join(' · ')}</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function TaskActions({ task, me, agentName }: { task: TaskDetails['task']; me: UserDto; agentName(id: string): string }) {
  const mayCancel = can(me.role, 'tasks.cancel');
  const mayRetry = can(me.role, 'tasks.retryNow');
  const mayPrioritise = can(me.role, 'tasks.setPriority');
  const [cancelling, setCancelling] = useState(false);
  const [priority, setPriority] = useState<TaskPriority>(task.priority);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const fail = (error: Error) => setMessage({ tone: 'error', text: error.message });
  const retry = useMutateCall('tasks.retryNow', { onSuccess: () => setMessage({ tone: 'ok', text: 'Retry requested: the task goes to the next free agent that can take it.' }), onError: fail });
  const setPriorityCall = useMutateCall('tasks.setPriority', {
    onSuccess: (updated) => setMessage({ tone: 'ok', text: `Priority changed to ${TASK_PRIORITY_LABELS[updated.priority].toLowerCase()}.` }),
    onError: fail,
  });
  // Follow the task when its priority changes elsewhere.
  const [seenPriority, setSeenPriority] = useState(task.priority);
  if (seenPriority !== task.priority) {
    setSeenPriority(task.priority);
    setPriority(task.priority);
  }

  if (!mayCancel && !mayRetry && !mayPrioritise) return null;
  const finished = isFinished(task.state);
  return (
    <section className="drawer__actions" aria-label="Actions">
      <div className="drawer__action-row">
        {mayCancel && (
          <button
            type="button"
            className="btn btn--secondary btn--danger-text"
            disabled={!canCancel(task)}
            title={finished ? 'The task is finished.' : task.cancelRequested ? 'Cancellation already requested.' : undefined}
            onClick={() => setCancelling(true)}
          >
            Cancel task…
          </button>
        )}
        {mayRetry && (
          <button
            type="button"
            className="btn btn--secondary"
            disabled={!canRetryNow(task.state) || retry.isPending}
            title={canRetryNow(task.state) ? 'Make the task ready now, skipping its wait.' : 'Only a delayed, backing-off or dead task can be retried now.'}
            onClick={() => {
              setMessage(null);
              retry.mutate({ id: task.id });
            }}
          >
            Retry now
          </button>
        )}
        {mayPrioritise && (
          <form
            className="drawer__priority"
            onSubmit={(event: FormEvent) => {
              event.preventDefault();
              setMessage(null);
              setPriorityCall.mutate({ id: task.id, priority });
            }}
          >
            <SelectField<TaskPriority> label="Priority" value={priority} options={PRIORITY_OPTIONS} onValueChange={(value) => setPriority(value)} disabled={!canChangePriority(task.state)} />
            <button type="submit" className="btn btn--secondary" disabled={!canChangePriority(task.state) || priority === task.priority || setPriorityCall.isPending}>
              Change priority
            </button>
          </form>
        )}
      </div>
      {message && (
        <p className={message.tone === 'ok' ? 'form__status' : 'form-error'} role={message.tone === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {cancelling && (
        <CancelTaskDialog
          task={task}
          agentName={agentName}
          onClose={() => setCancelling(false)}
          onDone={(updated) => {
            setCancelling(false);
            setMessage({ tone: 'ok', text: isFinished(updated.state) ? 'The task is cancelled.' : 'Cancellation requested: the agent is asked to stop.' });
          }}
        />
      )}
    </section>
  );
}

/** What cancelling does, by state: the queue stops only a running task gracefully; everything else ends at once. */
function cancelDescription(task: Pick<TaskSummary, 'title' | 'state' | 'assignedAgentId'>, agentName: (id: string) => string): string {
  const agent = task.assignedAgentId ? agentName(task.assignedAgentId) : 'an agent';
  const dependents = 'Tasks that depend on it are cancelled too.';
  if (task.state === 'running') {
    return `“${task.title}” is running on ${agent}: it is asked to stop, and the task ends cancelled when it does (or after a grace period). ${dependents}`;
  }
  if (task.state === 'assigned') {
    return `“${task.title}” is offered to ${agent} but not started: the offer is withdrawn and the task is cancelled at once. ${dependents}`;
  }
  return `“${task.title}” is cancelled at once. ${dependents}`;
}

function CancelTaskDialog({ task, agentName, onClose, onDone }: { task: TaskSummary; agentName(id: string): string; onClose(): void; onDone(task: TaskSummary): void }) {
  const [reason, setReason] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const cancel = useMutateCall('tasks.cancel', { onSuccess: onDone });
  const errors = fieldErrors<'reason'>(calls['tasks.cancel'].input, { id: task.id, reason });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors)) return;
    cancel.mutate({ id: task.id, reason: reason.trim() });
  };
  return (
    <Dialog
      title="Cancel task"
      description={cancelDescription(task, agentName)}
      onClose={onClose}
    >
      <form className="form" onSubmit={submit} noValidate>
        <TextAreaField
          label="Reason"
          value={reason}
          onValueChange={setReason}
          error={submitted ? errors.reason : undefined}
          hint="Recorded in the task's timeline and the audit trail."
          rows={3}
          maxLength={500}
          data-autofocus
        />
        {cancel.isError && (
          <p className="form-error" role="alert">
            {cancel.error.message}
          </p>
        )}
        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Keep task
          </button>
          <button type="submit" className="btn btn--danger" disabled={cancel.isPending}>
            {cancel.isPending ? 'Cancelling…' : 'Cancel task'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
