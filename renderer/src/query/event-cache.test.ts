// @vitest-environment node
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { CallOutput } from '../../../preload/contract';
import { ID_A, ID_B, sampleAgent, sampleAudit, sampleSession, sampleSettings, sampleUser } from '../testing/fakes';
import { callKey } from './call-key';
import { applyEventToCache, isLiveAuditPage, prependAuditEntry } from './event-cache';

function client() {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
}

function page(seqs: number[], nextBeforeSeq: number | null = null): CallOutput<'audit.list'> {
  return { entries: seqs.map((seq) => sampleAudit(seq)), nextBeforeSeq };
}

const isInvalidated = (qc: QueryClient, key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated ?? false;

describe('audit.appended', () => {
  it('prepends the entry to unfiltered newest pages, keeping each page at its limit', () => {
    const qc = client();
    qc.setQueryData(callKey('audit.list', { limit: 3 }), page([5, 4, 3], 3));
    qc.setQueryData(callKey('audit.list', {}), page([5, 4, 3]));
    applyEventToCache(qc, { type: 'event', name: 'audit.appended', payload: sampleAudit(6) });
    expect(qc.getQueryData(callKey('audit.list', { limit: 3 }))).toEqual(page([6, 5, 4], 4));
    expect(qc.getQueryData(callKey('audit.list', {}))).toEqual(page([6, 5, 4, 3]));
  });

  it('does not add an entry twice', () => {
    const qc = client();
    qc.setQueryData(callKey('audit.list', { limit: 8 }), page([5, 4]));
    const event = { type: 'event', name: 'audit.appended', payload: sampleAudit(5) } as const;
    applyEventToCache(qc, event);
    expect(qc.getQueryData(callKey('audit.list', { limit: 8 }))).toEqual(page([5, 4]));
  });

  it('refetches filtered newest pages and leaves older pages alone', () => {
    const qc = client();
    const filtered = callKey('audit.list', { limit: 50, action: 'users' });
    const older = callKey('audit.list', { limit: 50, beforeSeq: 3 });
    qc.setQueryData(filtered, page([4]));
    qc.setQueryData(older, page([2, 1]));
    applyEventToCache(qc, { type: 'event', name: 'audit.appended', payload: sampleAudit(6) });
    expect(isInvalidated(qc, filtered)).toBe(true);
    expect(qc.getQueryData(filtered)).toEqual(page([4]));
    expect(isInvalidated(qc, older)).toBe(false);
    expect(qc.getQueryData(older)).toEqual(page([2, 1]));
  });

  it("leaves an agent's routine work off a live page that hides it, and puts the rest on top", () => {
    const qc = client();
    const key = callKey('audit.list', { limit: 10, hideAgentRoutine: true });
    qc.setQueryData(key, page([5, 4]));
    applyEventToCache(qc, { type: 'event', name: 'audit.appended', payload: sampleAudit(6, { action: 'gateway.heartbeat', outcome: 'ok' }) });
    expect(qc.getQueryData(key)).toEqual(page([5, 4]));
    expect(isInvalidated(qc, key)).toBe(false);
    applyEventToCache(qc, { type: 'event', name: 'audit.appended', payload: sampleAudit(7, { action: 'gateway.heartbeat', outcome: 'conflict' }) });
    expect((qc.getQueryData(key) as ReturnType<typeof page>).entries.map((e) => e.seq)).toEqual([7, 5, 4]);
  });

  it('treats only the unfiltered first page as live', () => {
    expect(isLiveAuditPage({ limit: 8 })).toBe(true);
    expect(isLiveAuditPage({ action: '' })).toBe(true);
    expect(isLiveAuditPage({ outcome: 'ok' })).toBe(false);
    expect(isLiveAuditPage({ beforeSeq: 9 })).toBe(false);
    expect(isLiveAuditPage({ from: 0 })).toBe(false);
  });

  it('keeps the cursor when the page is not full', () => {
    expect(prependAuditEntry(page([2, 1]), sampleAudit(3), 50)).toEqual(page([3, 2, 1]));
  });
});

describe('user.changed', () => {
  it('patches the user in users.list, adds a new one, and marks the list for refetch', () => {
    const qc = client();
    const key = callKey('users.list', {});
    qc.setQueryData(key, { users: [sampleUser()] });
    applyEventToCache(qc, { type: 'event', name: 'user.changed', payload: sampleUser({ role: 'operator' }) });
    applyEventToCache(qc, { type: 'event', name: 'user.changed', payload: sampleUser({ id: ID_B, username: 'bob' }) });
    expect(qc.getQueryData(key)).toEqual({ users: [sampleUser({ role: 'operator' }), sampleUser({ id: ID_B, username: 'bob' })] });
    expect(isInvalidated(qc, key)).toBe(true);
  });

  it('updates the signed-in session when the change is about us', () => {
    const qc = client();
    const key = callKey('auth.resume', { token: 'tok-1' });
    qc.setQueryData(key, sampleSession());
    applyEventToCache(qc, { type: 'event', name: 'user.changed', payload: sampleUser({ displayName: 'Ada K.' }) });
    expect(qc.getQueryData<CallOutput<'auth.resume'>>(key)?.user.displayName).toBe('Ada K.');
  });
});

describe('settings.changed', () => {
  it('replaces settings.get and refetches auth.status', () => {
    const qc = client();
    qc.setQueryData(callKey('settings.get', {}), sampleSettings());
    qc.setQueryData(callKey('auth.status', {}), { setupRequired: false, siteName: 'Line 4' });
    applyEventToCache(qc, { type: 'event', name: 'settings.changed', payload: sampleSettings({ siteName: 'Line 5' }) });
    expect(qc.getQueryData(callKey('settings.get', {}))).toEqual(sampleSettings({ siteName: 'Line 5' }));
    expect(isInvalidated(qc, callKey('auth.status', {}))).toBe(true);
  });
});

describe('agent events', () => {
  it('agent.changed patches unfiltered agents.list, leaves filtered lists to the refetch', () => {
    const qc = client();
    const all = callKey('agents.list', {});
    const robots = callKey('agents.list', { kind: 'robot' });
    qc.setQueryData(all, { agents: [sampleAgent()] });
    qc.setQueryData(robots, { agents: [sampleAgent()] });
    applyEventToCache(qc, { type: 'event', name: 'agent.changed', payload: sampleAgent({ status: 'paused' }) });
    applyEventToCache(qc, { type: 'event', name: 'agent.changed', payload: sampleAgent({ id: ID_A, name: 'Vision AI', kind: 'software' }) });
    expect(qc.getQueryData(all)).toEqual({ agents: [sampleAgent({ status: 'paused' }), sampleAgent({ id: ID_A, name: 'Vision AI', kind: 'software' })] });
    expect(qc.getQueryData(robots)).toEqual({ agents: [sampleAgent()] });
    expect(isInvalidated(qc, all)).toBe(true);
    expect(isInvalidated(qc, robots)).toBe(true);
  });

  it('agent.keysChanged refetches the key lists', () => {
    const qc = client();
    const keys = callKey('agents.listKeys', { agentId: ID_B });
    qc.setQueryData(keys, { keys: [] });
    applyEventToCache(qc, { type: 'event', name: 'agent.keysChanged', payload: { agentId: ID_B } });
    expect(isInvalidated(qc, keys)).toBe(true);
  });
});

describe('delegation events', () => {
  it('decision.made refetches that task’s explanation (only) and My work', () => {
    const qc = client();
    const mine = callKey('delegation.explain', { taskId: ID_A });
    const other = callKey('delegation.explain', { taskId: ID_B });
    qc.setQueryData(mine, { taskId: ID_A, decision: null, history: [], pinnedAgentId: null, exclusions: [] });
    qc.setQueryData(other, { taskId: ID_B, decision: null, history: [], pinnedAgentId: null, exclusions: [] });
    qc.setQueryData(callKey('work.mine', {}), { agent: null, tasks: [] });
    applyEventToCache(qc, { type: 'event', name: 'decision.made', payload: { taskId: ID_A, agentId: ID_B, agentName: 'Welder R2', source: 'engine', explored: false } });
    expect(isInvalidated(qc, mine)).toBe(true);
    expect(isInvalidated(qc, other)).toBe(false);
    expect(isInvalidated(qc, callKey('work.mine', {}))).toBe(true);
  });

  it('work.offered refetches My work; drift refetches that agent’s profile; settings are replaced', () => {
    const qc = client();
    qc.setQueryData(callKey('work.mine', {}), { agent: null, tasks: [] });
    qc.setQueryData(callKey('delegation.profile', { agentId: ID_B }), { agentId: ID_B } as CallOutput<'delegation.profile'>);
    applyEventToCache(qc, { type: 'event', name: 'work.offered', payload: { taskId: ID_A, title: 'T', priority: 'normal', agentId: ID_B, userId: ID_A, offerExpiresAt: null } });
    applyEventToCache(qc, {
      type: 'event',
      name: 'delegation.driftDetected',
      payload: { agentId: ID_B, agentName: 'Welder R2', taskType: 'weld', metric: 'duration', direction: 'slower', at: 1 },
    });
    expect(isInvalidated(qc, callKey('work.mine', {}))).toBe(true);
    expect(isInvalidated(qc, callKey('delegation.profile', { agentId: ID_B }))).toBe(true);
    const settings = { weights: { default: sampleDecisionWeights(), byType: {} }, explorationRate: 0.1, timeZone: 'UTC', humanOfferMinutes: 5, pullMargin: 0.05, pullHoldSeconds: 15 };
    applyEventToCache(qc, { type: 'event', name: 'delegation.settingsChanged', payload: settings });
    expect(qc.getQueryData(callKey('delegation.getSettings', {}))).toEqual(settings);
  });

  it('agent.changed updates the presence My work shows for that person', () => {
    const qc = client();
    const person = sampleAgent({ kind: 'human', presence: 'available', userId: ID_A });
    qc.setQueryData(callKey('work.mine', {}), { agent: person, tasks: [] });
    applyEventToCache(qc, { type: 'event', name: 'agent.changed', payload: { ...person, presence: 'on_break' } });
    expect(qc.getQueryData<CallOutput<'work.mine'>>(callKey('work.mine', {}))!.agent!.presence).toBe('on_break');
  });
});

function sampleDecisionWeights() {
  return { capability: 0.1, success: 0.3, speed: 0.2, deadline: 0.1, load: 0.1, zone: 0.1, cost: 0.05, fairness: 0.05 };
}
