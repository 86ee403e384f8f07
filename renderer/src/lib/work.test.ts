// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { WorkItem } from '../../../preload/contract';
import { sampleTask } from '../testing/fakes';
import { attemptStartedAt, doneInput, offerTimeLeft, presenceHint, sortWork, workActions, workStage } from './work';

const item = (n: number, patch: Partial<WorkItem> = {}): WorkItem => ({ ...sampleTask(n), state: 'assigned', accepted: false, offerExpiresAt: null, why: null, ...patch });

describe('My work actions', () => {
  it('offers accept, start and can’t-do for an offer; start and can’t-do once accepted; done and can’t-do while running', () => {
    expect(workActions(item(1))).toEqual({ accept: true, start: true, done: false, decline: true });
    expect(workActions(item(1, { accepted: true }))).toEqual({ accept: false, start: true, done: false, decline: true });
    expect(workActions(item(1, { state: 'running', accepted: true }))).toEqual({ accept: false, start: false, done: true, decline: true });
    expect(workActions(item(1, { state: 'succeeded' }))).toEqual({ accept: false, start: false, done: false, decline: false });
  });

  it('names the stage', () => {
    expect(workStage(item(1))).toBe('offered');
    expect(workStage(item(1, { state: 'running' }))).toBe('in-progress');
  });

  it('sorts offers first, then by priority and age', () => {
    const sorted = sortWork([item(1, { state: 'running' }), item(2, { priority: 'low' }), item(3, { priority: 'critical' }), item(4, { accepted: true })]);
    expect(sorted.map((w) => w.createdAt % 10)).toEqual([3, 2, 4, 1]);
  });

  it('counts down an offer and sends a done note only when there is one', () => {
    expect(offerTimeLeft(10_000, 0)).toBe('10 s left to accept');
    expect(offerTimeLeft(300_000, 0)).toBe('5 min left to accept');
    expect(offerTimeLeft(0, 5)).toBe('offer expired');
    expect(doneInput('T', '  ')).toEqual({ taskId: 'T' });
    expect(doneInput('T', ' all good ')).toEqual({ taskId: 'T', note: 'all good' });
  });

  it('shows no start time on an offer that carries an earlier attempt’s start, and the current attempt’s start while running', () => {
    // The task ran before with another agent (attempt 1 started at 1_000) and was offered again.
    const reOffered = item(1, { state: 'assigned', attempt: 1, startedAt: 1_000 });
    expect(attemptStartedAt(reOffered)).toBeNull();
    expect(attemptStartedAt(item(1, { state: 'assigned', accepted: true, attempt: 1, startedAt: 1_000 }))).toBeNull();
    expect(attemptStartedAt(item(1, { state: 'running', accepted: true, attempt: 2, startedAt: 9_000 }))).toBe(9_000);
  });

  it('says a person at full capacity gets no new work even when available', () => {
    expect(presenceHint('available', 0, 1)).toBe('You are offered new work.');
    expect(presenceHint('available', 1, 2)).toBe('You are offered new work.');
    expect(presenceHint('available', 1, 1)).toBe('You have as much work as you can hold (1 of 1); new work is offered again when you finish a task or hand one back.');
    expect(presenceHint('on_break', 1, 1)).toBe('No new work is offered until you are back; what you hold stays yours.');
  });
});
