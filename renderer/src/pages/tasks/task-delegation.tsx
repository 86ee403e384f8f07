// The task drawer's delegation part: "Why this agent?" (who, who decided, the host's sentence, and
// the score components of the winner against the runner-up), "Why not …?" for every other agent
// considered or kept out (and, asked for and worked out now, for any agent the record does not
// list), earlier decisions, and (supervisor and up) pin, re-assign and exclude by hand. Follows
// `decision.made` events through the query cache.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { calls, type AgentDto, type CandidateDto, type DecisionDto, type TaskDelegationDto, type TaskSummary, type UserDto, type WhyNotNowDto } from '../../../../preload/contract';
import { Badge } from '../../components/badge';
import { Dialog } from '../../components/dialog';
import { SelectField, TextAreaField } from '../../components/field';
import { LoadState } from '../../components/page-header';
import {
  WHY_NOT_LABELS,
  WHY_NOT_NOW_LABELS,
  asOfNowLabel,
  askableAgents,
  componentRows,
  decisionSource,
  exclusionKindLabel,
  formatPercent,
  formatScore,
  predictionSummary,
  whyNotEntries,
  type WhyNotEntry,
} from '../../lib/explanation';
import { isUnheard } from '../../lib/agent-live';
import { fieldErrors, hasErrors } from '../../lib/form';
import { formatCompactDateTime, formatDateTime, formatDuration } from '../../lib/format';
import { can } from '../../lib/permissions';
import { isFinished } from '../../lib/task-actions';
import { useCall, useMutateCall } from '../../query/call-hooks';
import { callKey } from '../../query/call-key';

export function TaskDelegation({ task, me }: { task: TaskSummary; me: UserDto }) {
  const explain = useCall('delegation.explain', { taskId: task.id }, { staleTime: 10_000 });
  return (
    <>
      <section className="drawer__section why" aria-label="Why this agent?">
        <h3 className="drawer__heading">Why this agent?</h3>
        <LoadState loading={explain.isPending} error={explain.error}>
          {explain.data && <WhyThisAgent delegation={explain.data} task={task} />}
        </LoadState>
        {can(me.role, 'delegation.pin') && <DelegationActions task={task} delegation={explain.data} />}
      </section>
      {explain.data && <WhyNot task={task} delegation={explain.data} mayAsk={can(me.role, 'delegation.whyNotNow')} />}
      {explain.data && explain.data.history.length > 0 && <DecisionHistory history={explain.data.history} />}
    </>
  );
}

function WhyThisAgent({ delegation, task }: { delegation: TaskDelegationDto; task: TaskSummary }) {
  const decision = delegation.decision;
  const pinned = delegation.pinnedAgentId;
  const pinnedName = pinned ? (decision?.candidates.find((c) => c.agentId === pinned)?.name ?? decision?.agentName ?? 'an agent') : null;
  if (!decision) {
    return (
      <div className="why__body">
        {pinned && <PinnedNote name={pinnedName} />}
        <p className="muted">
          {task.assignedAgentId
            ? 'No choice among agents was recorded when its agent took this task.'
            : isFinished(task.state)
              ? 'No delegation decision was recorded for this task.'
              : 'No decision yet: the engine decides when an agent with the skills this task needs is free.'}
        </p>
      </div>
    );
  }
  return (
    <div className="why__body">
      <div className="why__head">
        <span className="why__winner">{decision.agentName ?? 'Nobody'}</span>
        <Badge tone={decision.source === 'engine' ? (decision.explored ? 'accent' : 'info') : 'warn'}>{decisionSource(decision)}</Badge>
        {/* A pin that is the decision itself is already named by its badge. */}
        {pinned && !(decision.source === 'pin' && decision.agentId === pinned) && <PinnedNote name={pinnedName} />}
        <span className="why__when muted" title={formatDateTime(decision.decidedAt)}>
          {formatCompactDateTime(decision.decidedAt)}
        </span>
      </div>
      {decision.agentId !== null && task.assignedAgentId === null && !isFinished(task.state) && (
        <p className="why__note muted">The last decision: the task is waiting for an agent again.</p>
      )}
      {decision.agentId === null && isFinished(task.state) && (
        <p className="why__note muted">Recorded while the task was waiting; it has finished since ({task.state.replace('_', ' ')}).</p>
      )}
      <p className="why__text">{decision.why}</p>
      {decision.winner && <p className="why__prediction muted">{predictionSummary(decision.winner, formatDuration)}</p>}
      {decision.winner && <ScoreTable decision={decision} winner={decision.winner} />}
    </div>
  );
}

function PinnedNote({ name }: { name: string | null }) {
  return <Badge tone="warn" title="A supervisor pinned this task: the engine does not choose for it.">{`Pinned to ${name ?? 'an agent'}`}</Badge>;
}

/** Winner against runner-up, component by component: bars for the eye, numbers for the record. */
function ScoreTable({ decision, winner }: { decision: DecisionDto; winner: CandidateDto }) {
  const rows = componentRows(decision);
  const runnerUp = decision.runnerUp;
  return (
    <table className="score-table" aria-label="Score components">
      <caption className="visually-hidden">Score components of {winner.name}{runnerUp ? ` and the runner-up ${runnerUp.name}` : ''}, each from 0 to 1</caption>
      <thead>
        <tr>
          <th scope="col">Component</th>
          <th scope="col" className="score-table__weight">
            Weight
          </th>
          <th scope="col">
            <span className="legend legend--winner" aria-hidden="true" />
            {winner.name}
          </th>
          {runnerUp && (
            <th scope="col">
              <span className="legend legend--runner" aria-hidden="true" />
              {runnerUp.name} <span className="muted">(runner-up)</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.component} title={row.hint}>
            <th scope="row">{row.label}</th>
            <td className="score-table__weight">{formatPercent(row.weight)}</td>
            <td>
              <ScoreBar value={row.winner} tone="winner" />
            </td>
            {runnerUp && <td>{row.runnerUp !== null && <ScoreBar value={row.runnerUp} tone="runner" />}</td>}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td className="score-table__weight" />
          <td className="score-table__total">{formatScore(winner.total)}</td>
          {runnerUp && <td className="score-table__total">{formatScore(runnerUp.total)}</td>}
        </tr>
      </tfoot>
    </table>
  );
}

function ScoreBar({ value, tone }: { value: number; tone: 'winner' | 'runner' }) {
  return (
    <span className="score-bar">
      <span className="score-bar__track" aria-hidden="true">
        <span className={`score-bar__fill score-bar__fill--${tone}`} style={{ width: `${Math.round(value * 100)}%` }} />
      </span>
      <span className="score-bar__value">{formatScore(value)}</span>
    </span>
  );
}

function WhyNot({ task, delegation, mayAsk }: { task: TaskSummary; delegation: TaskDelegationDto; mayAsk: boolean }) {
  const entries = whyNotEntries(delegation);
  const [open, setOpen] = useState(entries.length <= 3);
  if (entries.length === 0 && !mayAsk) return null;
  return (
    <section className="drawer__section" aria-label="Why not the others?">
      {entries.length > 0 ? (
        <details className="why-not" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
          <summary className="why-not__summary">
            <span className="drawer__heading">Why not …?</span>
            <span className="muted">
              {entries.length} {delegation.decision?.agentId ? 'other ' : ''}
              {entries.length === 1 ? 'agent' : 'agents'}
            </span>
          </summary>
          <ul className="why-not__list" aria-label="Other agents">
            {entries.map((entry) => (
              <WhyNotItem key={entry.agentId} entry={entry} />
            ))}
          </ul>
        </details>
      ) : (
        <h3 className="drawer__heading">Why not …?</h3>
      )}
      {/* Outside the folded list: in a large fleet the record lists only some agents, and this is how to ask about the rest. */}
      {mayAsk && <AskWhyNot task={task} delegation={delegation} />}
    </section>
  );
}

/**
 * "Ask about another agent": the host works out now, against today's roster, loads and learned
 * models, why the engine would not give this task to an agent the record does not list. Labelled
 * "As of now" so nobody takes it for the recorded reason.
 */
function AskWhyNot({ task, delegation }: { task: TaskSummary; delegation: TaskDelegationDto }) {
  const agents = useCall('agents.list', {}, { staleTime: 30_000 });
  const [agentId, setAgentId] = useState('');
  const [asked, setAsked] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const answer = useCall('delegation.whyNotNow', { taskId: task.id, agentId: asked ?? '' }, { enabled: asked !== null, staleTime: 0, gcTime: 60_000 });
  const choices = askableAgents(agents.data?.agents ?? [], delegation);
  // Every agent is explained above already.
  if (agents.isSuccess && choices.length === 0 && asked === null) return null;
  const agentError = agentId ? undefined : 'Choose an agent.';
  const options = [
    { value: '', label: agents.isPending ? 'Loading agents…' : 'Choose an agent…' },
    ...choices.map((agent) => ({ value: agent.id, label: agentOptionLabel(agent, task) })),
  ];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (agentError) return;
    if (agentId === asked) void answer.refetch();
    else setAsked(agentId);
  };
  return (
    <div className="why-ask">
      <form className="why-ask__form" onSubmit={submit} noValidate>
        <SelectField
          label="Ask about another agent"
          value={agentId}
          options={options}
          onValueChange={setAgentId}
          error={submitted ? agentError : undefined}
          fieldClassName="why-ask__field"
        />
        <button type="submit" className="btn btn--secondary btn--small" disabled={answer.isFetching}>
          {answer.isFetching ? 'Asking…' : 'Ask'}
        </button>
      </form>
      <div aria-live="polite">
        {asked !== null && answer.error && (
          <p className="form-error" role="alert">
            {answer.error.message}
          </p>
        )}
        {asked !== null && !answer.error && answer.data && <WhyNotNow answer={answer.data} decidedAt={delegation.decision?.decidedAt ?? null} />}
      </div>
    </div>
  );
}

function WhyNotNow({ answer, decidedAt }: { answer: WhyNotNowDto; decidedAt: number | null }) {
  return (
    <section className="why-now" aria-label={`Why not ${answer.name}? (as of now)`}>
      <p className="why-now__label" title={`Worked out at ${formatDateTime(answer.at)}, not recorded with the decision`}>
        {asOfNowLabel(decidedAt, formatCompactDateTime)}
      </p>
      <div className="why-not__head">
        <strong>Why not {answer.name}?</strong>
        <Badge tone={answer.kind === 'lower' ? 'neutral' : answer.kind === 'chosen' ? 'info' : 'warn'}>{WHY_NOT_NOW_LABELS[answer.kind]}</Badge>
        {answer.total !== null && <span className="muted why-not__score">score {formatScore(answer.total)}</span>}
      </div>
      {answer.reasons.length > 0 ? (
        <ul className="why-not__reasons">
          {answer.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : (
        <p className="why-not__text">{answer.text}</p>
      )}
    </section>
  );
}

function WhyNotItem({ entry }: { entry: WhyNotEntry }) {
  return (
    <li className="why-not__item" aria-label={`Why not ${entry.name}?`}>
      <div className="why-not__head">
        <strong>Why not {entry.name}?</strong>
        <Badge tone={entry.kind === 'lower' ? 'neutral' : entry.kind === 'excluded' ? 'warn' : 'danger'}>{WHY_NOT_LABELS[entry.kind]}</Badge>
        {entry.total !== null && <span className="muted why-not__score">score {formatScore(entry.total)}</span>}
      </div>
      {entry.kind !== 'lower' && entry.reasons.length > 0 ? (
        // Rules read best one per line; the host's sentence joins the same reasons with semicolons.
        <ul className="why-not__reasons">
          {entry.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : (
        <p className="why-not__text">{entry.text}</p>
      )}
    </li>
  );
}

function DecisionHistory({ history }: { history: TaskDelegationDto['history'] }) {
  return (
    <section className="drawer__section" aria-label="Earlier decisions">
      <details className="why-not">
        <summary className="why-not__summary">
          <span className="drawer__heading">Earlier decisions</span>
          <span className="muted">{history.length}</span>
        </summary>
        <ol className="why-not__list">
          {history.map((entry) => (
            <li key={entry.id} className="why-not__item">
              <div className="why-not__head">
                <strong>{entry.agentName ?? 'Nobody'}</strong>
                <span className="muted">
                  {decisionSource({ source: entry.source, actor: entry.actor, explored: false, agentId: entry.agentId })} · {formatCompactDateTime(entry.decidedAt)}
                </span>
              </div>
              <p className="why-not__text">{entry.why}</p>
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}

type ActionKind = 'pin' | 'reassign' | 'exclude';

function DelegationActions({ task, delegation }: { task: TaskSummary; delegation: TaskDelegationDto | undefined }) {
  const [open, setOpen] = useState<ActionKind | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const queryClient = useQueryClient();
  // Unpinning is one click where the pin shows, not only inside the pin dialog.
  const unpin = useMutateCall('delegation.pin', {
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: callKey('delegation.explain', { taskId: task.id }) });
      void queryClient.invalidateQueries({ queryKey: callKey('tasks.get', { id: task.id }) });
      setMessage('Unpinned: the engine chooses again.');
    },
    onError: (error) => setMessage(error.message),
  });
  const finished = isFinished(task.state);
  // Re-assigning moves work that has not started; a running attempt is the agent's until it ends.
  const canReassign = !finished && task.state !== 'running';
  const exclusions = delegation?.exclusions ?? [];
  return (
    <div className="why__actions">
      <div className="drawer__action-row">
        <button type="button" className="btn btn--secondary btn--small" disabled={finished} onClick={() => setOpen('pin')}>
          Pin to agent…
        </button>
        {delegation?.pinnedAgentId && !finished && (
          <button type="button" className="btn btn--secondary btn--small" disabled={unpin.isPending} onClick={() => unpin.mutate({ taskId: task.id, agentId: null })}>
            {unpin.isPending ? 'Unpinning…' : 'Unpin'}
          </button>
        )}
        <button
          type="button"
          className="btn btn--secondary btn--small"
          disabled={!canReassign}
          title={canReassign ? undefined : task.state === 'running' ? 'The task is running: cancel it or wait for the attempt to end.' : 'The task is finished.'}
          onClick={() => setOpen('reassign')}
        >
          Re-assign to…
        </button>
        <button type="button" className="btn btn--secondary btn--small" disabled={finished} onClick={() => setOpen('exclude')}>
          Exclude agent…
        </button>
      </div>
      {exclusions.length > 0 && (
        <ul className="why__exclusions" aria-label="Kept off this task">
          {exclusions.map((exclusion) => (
            <li key={`${exclusion.agentId}-${exclusion.at}`}>
              <strong>{exclusion.agentName ?? exclusion.agentId}</strong>: {exclusion.reason}{' '}
              <span className="muted">
                ({exclusionKindLabel(exclusion.kind)}
                {exclusion.actor ? `, ${exclusion.actor}` : ''}, {formatCompactDateTime(exclusion.at)})
              </span>
            </li>
          ))}
        </ul>
      )}
      {message && (
        <p className="form__status" role="status">
          {message}
        </p>
      )}
      {open && (
        <AgentPickDialog
          kind={open}
          task={task}
          delegation={delegation}
          onClose={() => setOpen(null)}
          onDone={(text) => {
            setOpen(null);
            setMessage(text);
          }}
        />
      )}
    </div>
  );
}

const ACTION_TEXT: Record<ActionKind, { title: string; submit: string; busy: string; describe(title: string): string }> = {
  pin: {
    title: 'Pin to agent',
    submit: 'Pin task',
    busy: 'Pinning…',
    describe: (title) => `“${title}” goes only to the agent you pick, now and on every retry, until you unpin it. The engine keeps learning from the outcome.`,
  },
  reassign: {
    title: 'Re-assign task',
    submit: 'Re-assign',
    busy: 'Re-assigning…',
    describe: (title) => `“${title}” is offered to the agent you pick now. If it fails later, the engine chooses again.`,
  },
  exclude: {
    title: 'Exclude agent',
    submit: 'Exclude agent',
    busy: 'Excluding…',
    describe: (title) => `The agent you pick never gets “${title}”. If it holds the offer now, the offer is withdrawn and the engine chooses again.`,
  },
};

function AgentPickDialog({
  kind,
  task,
  delegation,
  onClose,
  onDone,
}: {
  kind: ActionKind;
  task: TaskSummary;
  delegation: TaskDelegationDto | undefined;
  onClose(): void;
  onDone(message: string): void;
}) {
  const agents = useCall('agents.list', {}, { staleTime: 30_000 });
  const queryClient = useQueryClient();
  const [agentId, setAgentId] = useState('');
  const [reason, setReason] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const text = ACTION_TEXT[kind];
  const excluded = new Set((delegation?.exclusions ?? []).map((e) => e.agentId));
  const list = [...(agents.data?.agents ?? [])]
    .filter((agent) => (kind === 'exclude' ? !excluded.has(agent.id) : kind === 'reassign' ? agent.id !== task.assignedAgentId && !excluded.has(agent.id) : !excluded.has(agent.id)))
    .sort((a, b) => a.name.localeCompare(b.name));
  const options = [{ value: '', label: 'Choose an agent…' }, ...list.map((agent) => ({ value: agent.id, label: agentOptionLabel(agent, task) }))];
  const after = (updated: TaskSummary, words: string) => {
    void queryClient.invalidateQueries({ queryKey: callKey('delegation.explain', { taskId: task.id }) });
    void queryClient.invalidateQueries({ queryKey: callKey('tasks.get', { id: task.id }) });
    onDone(words);
    return updated;
  };
  const name = (id: string) => list.find((a) => a.id === id)?.name ?? 'the agent';
  const pin = useMutateCall('delegation.pin', { onSuccess: (updated, input) => after(updated, input.agentId ? `Pinned to ${name(input.agentId)}.` : 'Unpinned: the engine chooses again.') });
  const reassign = useMutateCall('delegation.reassign', { onSuccess: (updated, input) => after(updated, `Re-assigned to ${name(input.agentId)}.`) });
  const exclude = useMutateCall('delegation.exclude', { onSuccess: (updated, input) => after(updated, `${name(input.agentId)} is excluded from this task.`) });
  const pending = pin.isPending || reassign.isPending || exclude.isPending;
  const failure = pin.error ?? reassign.error ?? exclude.error;
  const reasonError = kind === 'exclude' ? fieldErrors<'reason'>(calls['delegation.exclude'].input, { taskId: task.id, agentId: agentId || task.id, reason }).reason : undefined;
  const agentError = agentId ? undefined : 'Choose an agent.';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (agentError || hasErrors({ reason: reasonError })) return;
    if (kind === 'pin') pin.mutate({ taskId: task.id, agentId });
    else if (kind === 'reassign') reassign.mutate({ taskId: task.id, agentId });
    else exclude.mutate({ taskId: task.id, agentId, reason: reason.trim() });
  };

  return (
    <Dialog title={text.title} description={text.describe(task.title)} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <SelectField
          label="Agent"
          value={agentId}
          options={options}
          onValueChange={setAgentId}
          error={submitted ? agentError : undefined}
          hint={agents.isPending ? 'Loading agents…' : kind === 'exclude' ? undefined : 'Agents without the skills the task needs are marked.'}
          data-autofocus
        />
        {kind === 'exclude' && (
          <TextAreaField
            label="Reason"
            value={reason}
            onValueChange={setReason}
            error={submitted ? reasonError : undefined}
            hint="Recorded with the task and in the audit trail."
            rows={3}
            maxLength={500}
          />
        )}
        {kind === 'pin' && delegation?.pinnedAgentId && (
          <p className="muted">
            Pinned now to {delegation.decision?.candidates.find((c) => c.agentId === delegation.pinnedAgentId)?.name ?? 'an agent'}.{' '}
            <button type="button" className="link-button" disabled={pending} onClick={() => pin.mutate({ taskId: task.id, agentId: null })}>
              Unpin
            </button>
          </p>
        )}
        {failure && (
          <p className="form-error" role="alert">
            {failure.message}
          </p>
        )}
        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={kind === 'exclude' ? 'btn btn--danger' : 'btn btn--primary'} disabled={pending}>
            {pending ? text.busy : text.submit}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Welder R2 · Robot · available · 1/2" and a mark when it lacks a required skill level. */
function agentOptionLabel(agent: AgentDto, task: TaskSummary): string {
  const lacks = Object.entries(task.requires).some(([skill, level]) => (agent.skills[skill] ?? 0) < level);
  const kind = agent.kind === 'human' ? 'person' : agent.kind;
  // "available" from an agent nobody has heard from would promise work that never starts.
  const status = isUnheard(agent, Date.now()) ? (agent.lastSeenAt === null ? 'never connected' : 'not connected') : agent.status;
  return `${agent.name} · ${kind} · ${status} · ${agent.load}/${agent.capacity}${lacks ? ' · lacks a required skill' : ''}`;
}
