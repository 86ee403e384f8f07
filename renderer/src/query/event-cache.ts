// How pushed events keep the react-query cache true without reloads:
//   audit.appended   -> prepended to unfiltered newest-first pages; filtered pages refetched
//   user.changed     -> the row patched in users.list, which is then refetched to be sure
//   settings.changed -> settings.get replaced; auth.status (carries the site name) refetched
import type { QueryClient } from '@tanstack/react-query';
import { AUDIT_PAGE_MAX, type CallInput, type CallOutput, type EventPayload } from '../../../preload/contract';
import type { BridgeEvent } from '../bridge/bridge-client';
import { callKey } from './call-key';

type AuditListInput = CallInput<'audit.list'>;
type AuditListOutput = CallOutput<'audit.list'>;

const DEFAULT_AUDIT_LIMIT = 50;

/** The newest page with no filter: a new entry belongs at its top, whatever it is. */
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
  }
}
