import { describe, expect, it } from 'vitest';
import type { TaskEventDto } from '../../../preload/contract';
import { deriveAttempts } from './task-attempts';

let seq = 0;
const ev = (at: number, from: TaskEventDto['from'], to: TaskEventDto['to'], attempt: number, extra: Partial<TaskEventDto> = {}): TaskEventDto => ({
  seq: ++seq,
  at,
  kind: 'state',
  from,
  to,
  attempt,
  agentId: null,
  actor: null,
  note: null,
  ...extra,
});

describe('deriveAttempts', () => {
  it('gives one row per attempt, most recent first, with agent, start, end, outcome and the error', () => {
    const timeline = [
      ev(1000, null, 'ready', 0, { note: 'created by sam', actor: 'sam' }),
      ev(2000, 'ready', 'running', 1, { agentId: 'w1' }),
      ev(5000, 'running', 'failed', 1, { agentId: 'w1', note: 'Torch misfire; retry 2 of 3 in 1000 ms' }),
      ev(6000, 'failed', 'ready', 1, { note: 'backoff over' }),
      ev(6500, 'ready', 'assigned', 1, { agentId: 'w2' }),
      ev(7000, 'assigned', 'running', 2, { agentId: 'w2' }),
      ev(9000, 'running', 'succeeded', 2, { agentId: 'w2' }),
    ];
    expect(deriveAttempts(timeline, { state: 'succeeded', attempt: 2 })).toEqual([
      { attempt: 2, agentId: 'w2', startedAt: 7000, endedAt: 9000, outcome: 'succeeded', endedTaskDead: false, notes: [] },
      { attempt: 1, agentId: 'w1', startedAt: 2000, endedAt: 5000, outcome: 'failed', endedTaskDead: false, notes: ['Torch misfire; retry 2 of 3 in 1000 ms'] },
    ]);
  });

  it('shows the running attempt as running, with a cancel request made during it', () => {
    const timeline = [
      ev(1000, null, 'ready', 0),
      ev(2000, 'ready', 'running', 1, { agentId: 'w1' }),
      ev(3000, 'running', 'running', 1, { kind: 'cancel_requested', agentId: 'w1', actor: 'sam', note: 'wrong part' }),
    ];
    expect(deriveAttempts(timeline, { state: 'running', attempt: 1 })).toEqual([
      { attempt: 1, agentId: 'w1', startedAt: 2000, endedAt: null, outcome: 'running', endedTaskDead: false, notes: ['Cancel requested by sam: wrong part'] },
    ]);
  });

  it('folds failed -> dead into the attempt, and counts a released attempt without calling it failed', () => {
    const timeline = [
      ev(1000, null, 'ready', 0),
      ev(2000, 'ready', 'running', 1, { agentId: 'w1' }),
      ev(3000, 'running', 'ready', 1, { kind: 'released', agentId: 'w1', note: 'lease released: the engine is shutting down' }),
      ev(4000, 'ready', 'running', 2, { agentId: 'w1' }),
      ev(5000, 'running', 'timed_out', 2, { agentId: 'w1', note: 'Attempt 2 ran longer than 1000 ms' }),
      ev(5000, 'timed_out', 'dead', 2, { agentId: 'w1', note: 'no attempts left (1 of 1 failed)' }),
      // retry now: the same attempt number until the next start
      ev(8000, 'dead', 'ready', 2, { kind: 'retry_now', actor: 'sam', note: 'retry now' }),
    ];
    const [second, first] = deriveAttempts(timeline, { state: 'ready', attempt: 2 });
    expect(first).toMatchObject({ attempt: 1, outcome: 'released', endedAt: 3000, notes: ['lease released: the engine is shutting down'] });
    expect(second).toMatchObject({
      attempt: 2,
      outcome: 'timed_out',
      endedTaskDead: true,
      notes: ['Attempt 2 ran longer than 1000 ms', 'no attempts left (1 of 1 failed)'],
    });
  });

  it('ignores offers that were never started, and keeps attempts whose start or end is not stored', () => {
    const timeline = [
      // The start of attempt 3 fell outside the stored rows; attempt 4 never got an end row.
      ev(1000, 'running', 'failed', 3, { agentId: 'w1', note: 'boom' }),
      ev(2000, 'ready', 'assigned', 3, { kind: 'offered', agentId: 'ann' }),
      ev(3000, 'assigned', 'ready', 3, { agentId: 'ann', note: 'the offer was not taken in time' }),
      ev(4000, 'ready', 'running', 4, { agentId: 'w2' }),
      ev(5000, 'ready', 'running', 5, { agentId: 'w2' }),
    ];
    expect(deriveAttempts(timeline, { state: 'running', attempt: 5 }).map((a) => [a.attempt, a.agentId, a.startedAt, a.endedAt, a.outcome])).toEqual([
      [5, 'w2', 5000, null, 'running'],
      [4, 'w2', 4000, null, 'unknown'],
      [3, 'w1', null, 1000, 'failed'],
    ]);
  });

  it('has no attempts for a task that never ran, or was cancelled while offered', () => {
    const timeline = [ev(1000, null, 'ready', 0), ev(2000, 'ready', 'assigned', 0, { agentId: 'ann' }), ev(3000, 'assigned', 'cancelled', 0, { agentId: 'ann', note: 'not needed' })];
    expect(deriveAttempts(timeline, { state: 'cancelled', attempt: 0 })).toEqual([]);
    expect(deriveAttempts([], { state: 'ready', attempt: 0 })).toEqual([]);
  });
});
