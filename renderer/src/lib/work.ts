// My work: what a person may do with each task in their inbox, and the words for it. The host
// decides in the end; this only offers the buttons that make sense. Pure, tested in node.
import type { Presence, WorkItem } from '../../../preload/contract';

export const PRESENCE_LABELS: Record<Presence, string> = { available: 'Available', away: 'Away', on_break: 'On break' };

export const PRESENCE_HINTS: Record<Presence, string> = {
  available: 'You are offered new work.',
  away: 'No new work is offered to you; what you hold stays yours.',
  on_break: 'No new work is offered until you are back; what you hold stays yours.',
};

/**
 * What the chosen presence means for new work. Available alone is not enough: the engine offers
 * nothing to someone who holds as many tasks as their capacity (load counts offered and started).
 */
export function presenceHint(presence: Presence, load: number, capacity: number): string {
  if (presence === 'available' && load >= capacity) {
    return `You have as much work as you can hold (${load} of ${capacity}); new work is offered again when you finish a task or hand one back.`;
  }
  return PRESENCE_HINTS[presence];
}

export type WorkStage = 'offered' | 'accepted' | 'in-progress' | 'finished' | 'other';

export function workStage(item: Pick<WorkItem, 'state' | 'accepted'>): WorkStage {
  switch (item.state) {
    case 'assigned':
      return item.accepted ? 'accepted' : 'offered';
    case 'running':
      return 'in-progress';
    case 'succeeded':
    case 'cancelled':
    case 'dead':
      return 'finished';
    default:
      return 'other';
  }
}

export const WORK_STAGE_LABELS: Record<WorkStage, string> = {
  offered: 'Offered to you',
  accepted: 'Accepted',
  'in-progress': 'In progress',
  finished: 'Finished',
  other: 'Waiting',
};

export interface WorkActions {
  accept: boolean;
  start: boolean;
  done: boolean;
  decline: boolean;
}

export function workActions(item: Pick<WorkItem, 'state' | 'accepted' | 'cancelRequested'>): WorkActions {
  const stage = workStage(item);
  return {
    accept: stage === 'offered',
    start: stage === 'offered' || stage === 'accepted',
    done: stage === 'in-progress',
    decline: stage === 'offered' || stage === 'accepted' || stage === 'in-progress',
  };
}

/** Offers first (they run out), then accepted, then in progress; by priority, then oldest first. */
const STAGE_ORDER: Record<WorkStage, number> = { offered: 0, accepted: 1, 'in-progress': 2, other: 3, finished: 4 };
const PRIORITY_ORDER = { critical: 0, high: 1, normal: 2, low: 3 } as const;

export function sortWork(items: readonly WorkItem[]): WorkItem[] {
  return [...items].sort(
    (a, b) =>
      STAGE_ORDER[workStage(a)] - STAGE_ORDER[workStage(b)] ||
      PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] ||
      a.createdAt - b.createdAt ||
      (a.id < b.id ? -1 : 1),
  );
}

/**
 * When the attempt in the person's hands started, if it has. A task keeps the start of its last
 * attempt after that attempt ended, so an offer may carry another agent's earlier start: only a
 * running task's start is its current attempt's.
 */
export function attemptStartedAt(item: Pick<WorkItem, 'state' | 'startedAt'>): number | null {
  return item.state === 'running' ? item.startedAt : null;
}

/** "4 min left", "45 s left", "expired" for an offer's clock. */
export function offerTimeLeft(expiresAt: number, now: number): string {
  const ms = expiresAt - now;
  if (ms <= 0) return 'offer expired';
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s left to accept`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min left to accept`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left to accept`;
}

/** What `work.done` sends: the note when there is one (trimmed), else nothing. */
export function doneInput(taskId: string, note: string): { taskId: string; note?: string } {
  const trimmed = note.trim();
  return trimmed ? { taskId, note: trimmed.slice(0, 500) } : { taskId };
}
