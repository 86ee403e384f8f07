// Wires one bridge client to the query cache and the session store: pushed events patch the
// cache (task events batched first), session notices and `unauthenticated` answers lock or end the session, a reconnect
// refetches what may have been missed. Created once in main.tsx.
import type { QueryClient } from '@tanstack/react-query';
import { UserDto, type SessionDto } from '../../../preload/contract';
import type { BridgeClient } from '../bridge/bridge-client';
import { isBridgeError, isLockedError } from '../bridge/bridge-error';
import { createBridgeClient } from '../bridge/create-bridge-client';
import { callKey } from '../query/call-key';
import { applyEventToCache } from '../query/event-cache';
import { createQueryClient } from '../query/query-client';
import { isDeepPagedQuery, TaskEventBatcher } from '../query/task-event-batcher';
import { useSessionStore } from '../state/session-store';

export interface Runtime {
  client: BridgeClient;
  queryClient: QueryClient;
}

/** Forget everything the last session could read; keep only what anyone may see. */
export function forgetSessionData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth.status' });
}

export function endSession(queryClient: QueryClient, reason: string): void {
  if (!useSessionStore.getState().token) return;
  useSessionStore.getState().end(reason);
  forgetSessionData(queryClient);
}

/** After auth.login / auth.setup / auth.unlock: remember the session and show the app. */
export function completeSignIn(queryClient: QueryClient, session: SessionDto): void {
  queryClient.setQueryData(callKey('auth.resume', { token: session.token }), session);
  useSessionStore.getState().signedIn(session);
}

/** A locked session's answer names its user (`details.user`), so the lock screen can greet them. */
function lockedUser(details: unknown): UserDto | undefined {
  const parsed = UserDto.safeParse((details as { user?: unknown } | null)?.user);
  return parsed.success ? parsed.data : undefined;
}

export function createRuntime(): Runtime {
  const store = useSessionStore;
  // The client needs the query client (to store a resumed session) and the query client's error
  // hook needs the session store only, so the query client comes first.
  const queryClient = createQueryClient((verdict) => {
    if (verdict.kind === 'lock') store.getState().lock(lockedUser(verdict.details));
    else endSession(queryClient, verdict.message);
  });

  const client = createBridgeClient({
    getToken: () => store.getState().token,
    onResumed: (session) => {
      queryClient.setQueryData(callKey('auth.resume', { token: session.token }), session);
    },
    onResumeFailed: (error) => {
      if (isLockedError(error)) store.getState().lock(lockedUser(error.details));
      else if (isBridgeError(error) && error.code === 'unauthenticated') endSession(queryClient, error.message);
    },
  });

  const taskEvents = new TaskEventBatcher(queryClient);
  client.subscribe((message) => {
    if (message.type === 'event' && (message.name === 'task.created' || message.name === 'task.updated')) {
      taskEvents.push({ kind: message.name === 'task.created' ? 'created' : 'updated', task: message.payload });
    } else if (message.type === 'event') {
      applyEventToCache(queryClient, message);
    } else if (message.notice.kind === 'locked') {
      store.getState().lock();
    } else {
      endSession(queryClient, message.notice.reason);
    }
  });

  let previous = client.connectionState;
  client.onStateChange((state) => {
    // Events sent while we were away are lost: read everything again once back.
    // A task list scrolled thousands of rows deep is only marked stale: it offers a refresh.
    if (state === 'connected' && previous !== 'connecting') {
      void queryClient.invalidateQueries({ predicate: (query) => !isDeepPagedQuery(query) });
      void queryClient.invalidateQueries({ predicate: (query) => isDeepPagedQuery(query), refetchType: 'none' });
    }
    previous = state;
  });

  return { client, queryClient };
}
