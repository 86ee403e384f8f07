// My work: the inbox of a person who takes tasks. Offers and held tasks of the agent linked to the
// signed-in account, with Accept, Start, Done (an optional note) and Can't do (a reason, so the task
// goes to someone else); and presence (available / away / on break), which decides whether new
// work is offered. Live through task, offer and agent events.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { PRESENCES, calls, type AgentDto, type Presence, type WorkItem } from '../../../preload/contract';
import { Badge, type BadgeTone } from '../components/badge';
import { Dialog } from '../components/dialog';
import { TextAreaField } from '../components/field';
import { LoadState, PageHeader } from '../components/page-header';
import { PriorityBadge } from '../components/task-badges';
import { fieldErrors } from '../lib/form';
import { formatCellWhen, formatDateTime } from '../lib/format';
import { useNow } from '../lib/use-now';
import { PRESENCE_LABELS, WORK_STAGE_LABELS, attemptStartedAt, doneInput, offerTimeLeft, presenceHint, sortWork, workActions, workStage, type WorkStage } from '../lib/work';
import { useCall, useMutateCall } from '../query/call-hooks';
import { callKey } from '../query/call-key';
import { Notice } from '../components/notice';

type Notice = { tone: 'ok' | 'error'; text: string } | null;

export function WorkPage() {
  const mine = useCall('work.mine', {}, { staleTime: 10_000, refetchInterval: 30_000 });
  const [notice, setNotice] = useState<Notice>(null);
  const agent = mine.data?.agent ?? null;

  if (mine.data && !agent) {
    return (
      <div className="page">
        <PageHeader title="My work" />
        <section className="card empty-card" aria-label="Not set up">
          <h2 className="empty-card__title">You are not set up as a person agent</h2>
          <p>
            My work lists the tasks offered to a person at the site. Your account is not linked to a person on the Agents page yet: ask an engineer or an
            administrator to add you as a person and link your account.
          </p>
        </section>
      </div>
    );
  }

  return (
    <div className="page page--wide">
      <PageHeader
        title="My work"
        description={agent ? `Tasks offered to you and held by you as ${agent.name}. Accept or start them, and say when you can't do one.` : undefined}
      />
      {notice && (
        <Notice tone={notice.tone} text={notice.text} onDismiss={() => setNotice(null)} />
      )}
      <LoadState loading={mine.isPending} error={mine.error}>
        {agent && mine.data && (
          <div className="work">
            <PresencePicker agent={agent} onError={(text) => setNotice({ tone: 'error', text })} />
            <Inbox agent={agent} items={mine.data.tasks} onNotice={setNotice} />
          </div>
        )}
      </LoadState>
    </div>
  );
}

function PresencePicker({ agent, onError }: { agent: AgentDto; onError(text: string): void }) {
  const queryClient = useQueryClient();
  // The choice shows at once (a radio must not snap back while the host answers); the agent's own
  // presence takes over when the answer lands, or again if it is refused.
  const [chosen, setChosen] = useState<Presence | null>(null);
  const setPresence = useMutateCall('work.setPresence', {
    onSuccess: (updated) => {
      queryClient.setQueryData<{ agent: AgentDto | null; tasks: WorkItem[] }>(callKey('work.mine', {}), (inbox) => (inbox ? { ...inbox, agent: updated } : inbox));
    },
    onError: (error) => onError(error.message),
    onSettled: () => setChosen(null),
  });
  const current: Presence = chosen ?? agent.presence ?? 'available';
  const choose = (presence: Presence) => {
    setChosen(presence);
    setPresence.mutate({ presence });
  };
  return (
    <section className="card presence" aria-label="Presence">
      <fieldset className="presence__group">
        <legend className="presence__legend">Your presence</legend>
        <div className="segmented">
          {PRESENCES.map((presence) => (
            <label key={presence} className={`segmented__option${current === presence ? ' segmented__option--on' : ''}`}>
              <input
                type="radio"
                name="presence"
                value={presence}
                checked={current === presence}
                disabled={setPresence.isPending}
                onChange={() => choose(presence)}
              />
              <span className={`dot dot--presence-${presence}`} aria-hidden="true" />
              {PRESENCE_LABELS[presence]}
            </label>
          ))}
        </div>
        <p className="presence__hint muted">{presenceHint(current, agent.load, agent.capacity)}</p>
      </fieldset>
      {agent.status !== 'available' && agent.status !== 'busy' && (
        <p className="presence__status">
          <Badge tone="warn">Status: {agent.status}</Badge> <span className="muted">A supervisor or engineer set this; no new work is offered meanwhile.</span>
        </p>
      )}
    </section>
  );
}

const STAGE_TONES: Record<WorkStage, BadgeTone> = { offered: 'info', accepted: 'accent', 'in-progress': 'accent', finished: 'ok', other: 'neutral' };

type Pending = { kind: 'done' | 'decline'; item: WorkItem } | null;

function Inbox({ agent, items, onNotice }: { agent: AgentDto; items: readonly WorkItem[]; onNotice(notice: Notice): void }) {
  const queryClient = useQueryClient();
  const now = useNow(1_000);
  const [pending, setPending] = useState<Pending>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['work.mine'] });
  const fail = (error: Error) => onNotice({ tone: 'error', text: error.message });
  const succeeded = (text: string) => {
    refresh();
    onNotice({ tone: 'ok', text });
  };
  const accept = useMutateCall('work.accept', { onSuccess: (item) => succeeded(`You accepted “${item.title}”.`), onError: fail });
  const start = useMutateCall('work.start', { onSuccess: (item) => succeeded(`You started “${item.title}”.`), onError: fail });
  const busy = accept.isPending || start.isPending;
  const sorted = sortWork(items);
  const capacityWord = `Holding ${agent.load} of the ${agent.capacity} you can take at once`;

  return (
    <section className="card card--flush inbox" aria-label="Inbox">
      <div className="card__header">
        <h2 className="card__title">Inbox</h2>
        <span className="muted">{capacityWord}</span>
      </div>
      {sorted.length === 0 ? (
        <p className="load-state">Nothing for you right now. New work shows here as soon as it is offered to you.</p>
      ) : (
        <ul className="inbox__list" aria-label="My tasks">
          {sorted.map((item) => {
            const stage = workStage(item);
            const actions = workActions(item);
            const overdue = item.deadline !== null && item.deadline < now;
            const startedAt = attemptStartedAt(item);
            return (
              <li key={item.id} className={`inbox__item inbox__item--${stage}`} aria-label={item.title}>
                <div className="inbox__main">
                  <div className="inbox__line">
                    <Badge tone={STAGE_TONES[stage]}>{WORK_STAGE_LABELS[stage]}</Badge>
                    <PriorityBadge priority={item.priority} />
                    <strong className="inbox__title">{item.title}</strong>
                    <code className="muted">{item.type}</code>
                  </div>
                  <div className="inbox__meta">
                    {stage === 'offered' && item.offerExpiresAt !== null && (
                      <span className={item.offerExpiresAt - now < 60_000 ? 'text-warn' : undefined}>{offerTimeLeft(item.offerExpiresAt, now)}</span>
                    )}
                    {item.deadline !== null && (
                      <span className={overdue ? 'overdue' : undefined} title={formatDateTime(item.deadline)}>
                        Due {formatCellWhen(item.deadline, now)}
                        {overdue && ' (overdue)'}
                      </span>
                    )}
                    {startedAt !== null && <span title={formatDateTime(startedAt)}>Started {formatCellWhen(startedAt, now)}</span>}
                    {Object.keys(item.requires).length > 0 && (
                      <span>
                        Needs{' '}
                        {Object.entries(item.requires)
                          .map(([skill, level]) => `${skill} ${level}`)
                          .join(', ')}
                      </span>
                    )}
                  </div>
                  {item.why && <p className="inbox__why">Why you: {item.why}</p>}
                </div>
                <div className="inbox__actions">
                  {actions.accept && (
                    <button type="button" className="btn btn--secondary btn--small" disabled={busy} onClick={() => accept.mutate({ taskId: item.id })}>
                      Accept
                    </button>
                  )}
                  {actions.start && (
                    <button type="button" className="btn btn--primary btn--small" disabled={busy} onClick={() => start.mutate({ taskId: item.id })}>
                      Start
                    </button>
                  )}
                  {actions.done && (
                    <button type="button" className="btn btn--primary btn--small" onClick={() => setPending({ kind: 'done', item })}>
                      Done…
                    </button>
                  )}
                  {actions.decline && (
                    <button type="button" className="btn btn--ghost-danger btn--small" onClick={() => setPending({ kind: 'decline', item })}>
                      Can’t do…
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {pending?.kind === 'done' && (
        <DoneDialog
          item={pending.item}
          onClose={() => setPending(null)}
          onDone={(title) => {
            setPending(null);
            refresh();
            onNotice({ tone: 'ok', text: `“${title}” is done. Thank you.` });
          }}
        />
      )}
      {pending?.kind === 'decline' && (
        <DeclineDialog
          item={pending.item}
          onClose={() => setPending(null)}
          onDone={(title) => {
            setPending(null);
            refresh();
            onNotice({ tone: 'ok', text: `“${title}” was handed back and goes to someone else.` });
          }}
        />
      )}
    </section>
  );
}

function DoneDialog({ item, onClose, onDone }: { item: WorkItem; onClose(): void; onDone(title: string): void }) {
  const [note, setNote] = useState('');
  const done = useMutateCall('work.done', { onSuccess: () => onDone(item.title) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    done.mutate(doneInput(item.id, note));
  };
  return (
    <Dialog title="Mark as done" description={`“${item.title}” is finished and counts as a success.`} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <TextAreaField label="Result note" value={note} onValueChange={setNote} hint="Optional: what was done, readings, anything the next person should know." rows={3} maxLength={500} data-autofocus />
        {done.isError && (
          <p className="form-error" role="alert">
            {done.error.message}
          </p>
        )}
        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={done.isPending}>
            {done.isPending ? 'Saving…' : 'Mark done'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeclineDialog({ item, onClose, onDone }: { item: WorkItem; onClose(): void; onDone(title: string): void }) {
  const [reason, setReason] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const decline = useMutateCall('work.decline', { onSuccess: () => onDone(item.title) });
  const error = fieldErrors<'reason'>(calls['work.decline'].input, { taskId: item.id, reason }).reason;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (error) return;
    decline.mutate({ taskId: item.id, reason: reason.trim() });
  };
  return (
    <Dialog title="Can’t do this task" description={`“${item.title}” goes back to the engine, which offers it to someone else. You are not offered it again.`} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <TextAreaField
          label="Reason"
          value={reason}
          onValueChange={setReason}
          error={submitted ? error : undefined}
          hint="Required. Your supervisor sees it, and it is in the audit trail."
          rows={3}
          maxLength={500}
          data-autofocus
        />
        {decline.isError && (
          <p className="form-error" role="alert">
            {decline.error.message}
          </p>
        )}
        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Keep it
          </button>
          <button type="submit" className="btn btn--danger" disabled={decline.isPending}>
            {decline.isPending ? 'Handing back…' : 'Hand it back'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
