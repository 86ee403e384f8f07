// Task states and priorities as badges, with the words for them. Colour never says it alone.
import type { TaskPriority, TaskState } from '../../../preload/contract';
import { Badge, type BadgeTone } from './badge';

export const TASK_STATE_LABELS: Record<TaskState, string> = {
  pending: 'Pending',
  ready: 'Ready',
  blocked: 'Blocked',
  assigned: 'Assigned',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  timed_out: 'Timed out',
  cancelled: 'Cancelled',
  dead: 'Dead',
};

const STATE_HINTS: Record<TaskState, string> = {
  pending: 'Waits for its start time',
  ready: 'Waiting for an agent',
  blocked: 'A dependency is not finished',
  assigned: 'Offered to an agent, not started',
  running: 'An agent is working on it',
  succeeded: 'Finished',
  failed: 'The attempt failed; a retry waits for its backoff',
  timed_out: 'The attempt ran too long; a retry waits for its backoff',
  cancelled: 'Finished: cancelled',
  dead: 'Finished: attempts used up or not retryable',
};

const STATE_TONES: Record<TaskState, BadgeTone> = {
  pending: 'neutral',
  ready: 'info',
  blocked: 'warn',
  assigned: 'info',
  running: 'accent',
  succeeded: 'ok',
  failed: 'warn',
  timed_out: 'warn',
  cancelled: 'neutral',
  dead: 'danger',
};

export const TASK_PRIORITY_LABELS: Record<TaskPriority, string> = {
  critical: 'Critical',
  high: 'High',
  normal: 'Normal',
  low: 'Low',
};

const PRIORITY_TONES: Record<TaskPriority, BadgeTone> = {
  critical: 'danger',
  high: 'warn',
  normal: 'neutral',
  low: 'neutral',
};

export function TaskStateBadge({ state }: { state: TaskState }) {
  return (
    <Badge tone={STATE_TONES[state]} title={STATE_HINTS[state]}>
      {TASK_STATE_LABELS[state]}
    </Badge>
  );
}

export function PriorityBadge({ priority }: { priority: TaskPriority }) {
  if (priority === 'normal' || priority === 'low') {
    return <span className={`priority priority--${priority}`}>{TASK_PRIORITY_LABELS[priority]}</span>;
  }
  return <Badge tone={PRIORITY_TONES[priority]}>{TASK_PRIORITY_LABELS[priority]}</Badge>;
}
