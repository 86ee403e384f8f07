// How pushed events keep the react-query cache true without reloads:
//   audit.appended   -> prepended to unfiltered newest-first pages; filtered pages refetched
//   user.changed     -> the row patched in users.list, which is then refetched to be sure
//   settings.changed -> settings.get replaced; auth.status (carries the site name) refetched
//   task.created / task.updated -> rows patched in cached task lists and details (task-cache.ts);
//                      the app batches these first (task-event-batcher.ts), tests apply them one by one
//   agent.changed    -> the agent patched into unfiltered agents.list, every agents.list refetched
//   agent.keysChanged -> agents.listKeys refetched (keys never travel in events)
//   decision.made    -> that task's delegation.explain refetched; My work too (an offer may be ours)
//   work.offered     -> My work refetched (only the host knows the offer's clock and reasons)
//   delegation.driftDetected -> that agent's learned profile refetched
//   delegation.settingsChanged -> delegation.getSettings replaced
//   delegation.simulationProgressed -> nothing cached: the What-if page follows its own run's reports
import type { QueryClient } from '@tanstack/react-query';
import { AUDIT_PAGE_MAX, isAgentRoutine, type CallInput, type CallOutput, type EventPayload } from '../../../preload/contract';
import type { BridgeEvent } from '../bridge/bridge-client';
import { callKey } from './call-key';
import { applyTaskChanges } from './task-cache';

type AuditListInput = CallInput<'audit.list'>;
type AgentListInput = CallInput<'agents.list'>;
type AgentListOutput = CallOutput<'agents.list'>;
type AuditListOutput = CallOutput<'audit.list'>;

const DEFAULT_AUDIT_LIMIT = 50;

/**
 * The newest page with no filter (but maybe hiding agents' routine work): a new entry belongs at
 * its top, unless it is routine work the page hides.
 */
export function isLiveAuditPage(input: AuditListInput): boolean {
  return (
    input.beforeSeq === undefined &&
    !input.action &&
    !input.actor &&
    input.outcome === undefined &&
    input.from === undefined &&
    input.to === undefined
  );
}

/** Put `entry` on top of a newest-first page, keeping the page at its limit and the cursor right. */
export function prependAuditEntry(
  page: AuditListOutput,
  entry: EventPayload<'audit.appended'>,
  limit: number,
): AuditListOutput {
  if (page.entries.some((existing) => existing.seq === entry.seq)) return page;
  const entries = [entry, ...page.entries].sort((a, b) => b.seq - a.seq);
  if (entries.length <= limit) return { ...page, entries };
  const kept = entries.slice(0, limit);
  const last = kept[kept.length - 1];
  return { entries: kept, nextBeforeSeq: last ? last.seq : page.nextBeforeSeq };
}

export function applyEventToCache(queryClient: QueryClient, event: BridgeEvent): void {
  switch (event.name) {
    case 'audit.appended': {
      const entry = event.payload;
      for (const query of queryClient.getQueryCache().findAll({ queryKey: ['audit.list'] })) {
        const input = (query.queryKey[1] ?? {}) as AuditListInput;
        const page = query.state.data as AuditListOutput | undefined;
        if (page && isLiveAuditPage(input)) {
          if (input.hideAgentRoutine && isAgentRoutine(entry)) continue;
          const limit = Math.min(AUDIT_PAGE_MAX, input.limit ?? DEFAULT_AUDIT_LIMIT);
          queryClient.setQueryData<AuditListOutput>(query.queryKey, prependAuditEntry(page, entry, limit));
        } else if (input.beforeSeq === undefined) {
          // A filtered newest page: only the host knows whether the entry matches.
          void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
        }
        // Older pages (beforeSeq set) cannot gain a newer entry.
      }
      return;
    }
    case 'user.changed': {
      const user = event.payload;
      queryClient.setQueriesData<CallOutput<'users.list'>>({ queryKey: ['users.list'] }, (list) => {
        if (!list) return list;
        const known = list.users.some((existing) => existing.id === user.id);
        return {
          users: known ? list.users.map((existing) => (existing.id === user.id ? user : existing)) : [...list.users, user],
        };
      });
      // Our own account changed (role, name): the session's copy of the user follows.
      queryClient.setQueriesData<CallOutput<'auth.resume'>>({ queryKey: ['auth.resume'] }, (session) =>
        session && session.user.id === user.id ? { ...session, user } : session,
      );
      void queryClient.invalidateQueries({ queryKey: ['users.list'] });
      return;
    }
    case 'settings.changed': {
      queryClient.setQueryData(callKey('settings.get', {}), event.payload);
      void queryClient.invalidateQueries({ queryKey: ['auth.status'] });
      return;
    }
    case 'task.created':
    case 'task.updated': {
      const { stale } = applyTaskChanges(queryClient, [{ kind: event.name === 'task.created' ? 'created' : 'updated', task: event.payload }]);
      for (const queryKey of stale) void queryClient.invalidateQueries({ queryKey, exact: true });
      return;
    }
    case 'agent.changed': {
      const agent = event.payload;
      for (const query of queryClient.getQueryCache().findAll({ queryKey: ['agents.list'] })) {
        const input = (query.queryKey[1] ?? {}) as AgentListInput;
        const list = query.state.data as AgentListOutput | undefined;
        // A filtered list (by status or kind) may gain or lose the agent: the refetch below decides.
        if (!list || input.status?.length || input.kind) continue;
        const known = list.agents.some((existing) => existing.id === agent.id);
        queryClient.setQueryData<AgentListOutput>(query.queryKey, {
          agents: known ? list.agents.map((existing) => (existing.id === agent.id ? agent : existing)) : [...list.agents, agent],
        });
      }
      void queryClient.invalidateQueries({ queryKey: ['agents.list'] });
      // A person's own presence (set here or by a supervisor) shows in My work.
      queryClient.setQueriesData<CallOutput<'work.mine'>>({ queryKey: ['work.mine'] }, (inbox) =>
        inbox?.agent && inbox.agent.id === agent.id ? { ...inbox, agent } : inbox,
      );
      return;
    }
    case 'decision.made': {
      void queryClient.invalidateQueries({ queryKey: callKey('delegation.explain', { taskId: event.payload.taskId }), exact: true });
      void queryClient.invalidateQueries({ queryKey: ['work.mine'] });
      return;
    }
    case 'work.offered': {
      void queryClient.invalidateQueries({ queryKey: ['work.mine'] });
      return;
    }
    case 'delegation.driftDetected': {
      void queryClient.invalidateQueries({ queryKey: callKey('delegation.profile', { agentId: event.payload.agentId }), exact: true });
      return;
    }
    case 'delegation.settingsChanged': {
      queryClient.setQueryData(callKey('delegation.getSettings', {}), event.payload);
      return;
    }
    case 'agent.keysChanged': {
      void queryClient.invalidateQueries({ queryKey: ['agents.listKeys'] });
      return;
    }
    case 'delegation.simulationProgressed':
      return;
  }
}
