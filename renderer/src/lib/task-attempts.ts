// A task's attempts, derived from its timeline rows (the drawer loads them already; the contract
// has no attempt list). An attempt starts where the task enters `running` from elsewhere (a claim
// or a person starting it: the attempt number goes up) and ends where it leaves `running`. What
// happened in between (a cancel request) and right after (failed -> dead) is folded into its notes.
import type { TaskEventDto, TaskState } from '../../../preload/contract';

/** How an attempt ended; `released`: put back to ready without counting a failure. */
export type AttemptOutcome = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'released' | 'dead' | 'unknown';

export const ATTEMPT_OUTCOME_LABELS: Record<AttemptOutcome, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  timed_out: 'Timed out',
  cancelled: 'Cancelled',
  released: 'Released',
  dead: 'Dead',
  unknown: 'Not recorded',
};

export interface TaskAttempt {
  attempt: number;
  agentId: string | null;
  /** Null when the start is not in the stored timeline. */
  startedAt: number | null;
  /** Null while it runs, or when its end is not in the stored timeline. */
  endedAt: number | null;
  outcome: AttemptOutcome;
  /** The attempt's failure used up the task's attempts (or was not retryable): the task ended dead. */
  endedTaskDead: boolean;
  /** Error, retry plan, release reason, cancel request: oldest first. */
  notes: string[];
}

const ENDS: Partial<Record<TaskState, AttemptOutcome>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timed_out',
  cancelled: 'cancelled',
  ready: 'released',
  dead: 'dead',
};

/**
 * One row per attempt, most recent first. `task` is the task as it is now: an attempt without a
 * recorded end is `running` only if it is the task's current, running attempt.
 */
export function deriveAttempts(timeline: readonly TaskEventDto[], task: { state: TaskState; attempt: number }): TaskAttempt[] {
  const attempts: TaskAttempt[] = [];
  const latest = (n: number) => {
    for (let i = attempts.length - 1; i >= 0; i--) if (attempts[i]!.attempt === n) return attempts[i]!;
    return undefined;
  };
  const note = (a: TaskAttempt, text: string | null) => {
    if (text && !a.notes.includes(text)) a.notes.push(text);
  };
  for (const e of [...timeline].sort((x, y) => x.seq - y.seq)) {
    if (e.to === 'running' && e.from !== 'running') {
      attempts.push({ attempt: e.attempt, agentId: e.agentId, startedAt: e.at, endedAt: null, outcome: 'unknown', endedTaskDead: false, notes: [] });
    } else if (e.from === 'running' && e.to !== 'running') {
      let a = latest(e.attempt);
      if (!a || a.endedAt !== null) {
        // Its start fell outside the stored timeline.
        a = { attempt: e.attempt, agentId: e.agentId, startedAt: null, endedAt: null, outcome: 'unknown', endedTaskDead: false, notes: [] };
        attempts.push(a);
      }
      a.endedAt = e.at;
      a.outcome = ENDS[e.to] ?? 'unknown';
      a.agentId ??= e.agentId;
      note(a, e.note);
    } else if (e.kind === 'cancel_requested') {
      const a = latest(e.attempt);
      if (a) note(a, `Cancel requested${e.actor ? ` by ${e.actor}` : ''}${e.note ? `: ${e.note}` : ''}`);
    } else if ((e.from === 'failed' || e.from === 'timed_out') && e.to === 'dead') {
      const a = latest(e.attempt);
      if (a && a.endedAt !== null) {
        a.endedTaskDead = true;
        note(a, e.note);
      }
    }
  }
  for (const a of attempts) {
    if (a.endedAt === null && a.startedAt !== null && task.state === 'running' && a.attempt === task.attempt) a.outcome = 'running';
  }
  return attempts.sort((x, y) => y.attempt - x.attempt || (y.startedAt ?? y.endedAt ?? 0) - (x.startedAt ?? x.endedAt ?? 0));
}
