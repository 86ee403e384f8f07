// Which task actions make sense in which state (the host decides in the end; this greys out the rest).
import { FINISHED_TASK_STATES, type TaskState } from '../../../preload/contract';

export function isFinished(state: TaskState): boolean {
  return (FINISHED_TASK_STATES as readonly TaskState[]).includes(state);
}

/** Delayed, backing off after a failure, or dead: "Retry now" makes it ready at once. */
export function canRetryNow(state: TaskState): boolean {
  return state === 'pending' || state === 'failed' || state === 'timed_out' || state === 'dead';
}

export function canCancel(task: { state: TaskState; cancelRequested: boolean }): boolean {
  return !isFinished(task.state) && !task.cancelRequested;
}

export function canChangePriority(state: TaskState): boolean {
  return !isFinished(state);
}
