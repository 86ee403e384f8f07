// The drawer's Attempts section: one row per attempt (number, agent, started, ended, outcome, the
// error or note), most recent first, derived from the timeline the drawer already loads.
import type { TaskDto, TaskEventDto } from '../../../../preload/contract';
import { Badge, type BadgeTone } from '../../components/badge';
import { formatCompactDateTime, formatDateTime, formatDuration } from '../../lib/format';
import { ATTEMPT_OUTCOME_LABELS, deriveAttempts, type AttemptOutcome } from '../../lib/task-attempts';

const OUTCOME_TONES: Record<AttemptOutcome, BadgeTone> = {
  running: 'accent',
  succeeded: 'ok',
  failed: 'warn',
  timed_out: 'warn',
  cancelled: 'neutral',
  released: 'info',
  dead: 'danger',
  unknown: 'neutral',
};

const OUTCOME_HINTS: Record<AttemptOutcome, string> = {
  running: 'The agent is working on it',
  succeeded: 'The agent reported success',
  failed: 'The attempt failed',
  timed_out: 'The attempt ran longer than the task allows',
  cancelled: 'Stopped by a cancel request',
  released: 'Put back to ready without counting a failure',
  dead: 'The task ended dead',
  unknown: 'The end of this attempt is not in the stored timeline',
};

const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const sameDay = (a: number, b: number) => new Date(a).toDateString() === new Date(b).toDateString();

/** "14:05:07" on the reference day, else a short date with the time. */
function when(ms: number, reference: number): string {
  return sameDay(ms, reference) ? timeOfDay.format(new Date(ms)) : formatCompactDateTime(ms);
}

export function TaskAttempts({
  task,
  timeline,
  now,
  agentName,
}: {
  task: Pick<TaskDto, 'state' | 'attempt'>;
  timeline: readonly TaskEventDto[];
  now: number;
  agentName(id: string): string;
}) {
  const attempts = deriveAttempts(timeline, task);
  if (attempts.length === 0) return <p className="muted">Not started yet: no agent has taken it.</p>;
  return (
    <>
      <table className="table table--compact" aria-label="Attempts">
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Agent</th>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={`${a.attempt}-${a.startedAt ?? a.endedAt}`}>
              <td className="num">{a.attempt}</td>
              <td>{a.agentId ? agentName(a.agentId) : <span className="muted">—</span>}</td>
              <td className="nowrap" title={a.startedAt === null ? 'Not in the stored timeline' : formatDateTime(a.startedAt)}>
                {a.startedAt === null ? <span className="muted">—</span> : when(a.startedAt, now)}
              </td>
              <td
                className="nowrap"
                title={
                  a.endedAt === null
                    ? undefined
                    : `${formatDateTime(a.endedAt)}${a.startedAt !== null ? ` (after ${formatDuration(a.endedAt - a.startedAt)})` : ''}`
                }
              >
                {a.endedAt === null ? <span className="muted">—</span> : when(a.endedAt, a.startedAt ?? now)}
              </td>
              <td>
                <Badge tone={OUTCOME_TONES[a.outcome]} title={OUTCOME_HINTS[a.outcome]}>
                  {ATTEMPT_OUTCOME_LABELS[a.outcome]}
                </Badge>
                {a.endedTaskDead && (
                  <>
                    {' '}
                    <Badge tone="danger" title={OUTCOME_HINTS.dead}>
                      Task dead
                    </Badge>
                  </>
                )}
                {a.notes.map((text) => (
                  <div key={text} className="timeline__note">
                    {text}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {attempts.length < task.attempt && (
        <p className="muted">
          {attempts.length} of {task.attempt} attempts are in the stored timeline.
        </p>
      )}
    </>
  );
}
