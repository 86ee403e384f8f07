// The tasks list as cursor pages (react-query infinite query) under `['tasks.list', input, 'pages']`.
// Kept fresh by events (task-cache.ts), so it never goes stale by age: only when an event says so.
import { keepPreviousData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { BridgeError } from '../bridge/bridge-error';
import type { TaskListInput } from '../lib/task-query';
import { useBridge } from './call-hooks';
import { callPagesKey, type CallPagesKey } from './call-key';
import type { TaskPage, TaskPages } from './task-cache';

export function useTaskPages(input: TaskListInput) {
  const client = useBridge();
  return useInfiniteQuery<TaskPage, BridgeError, TaskPages, CallPagesKey<'tasks.list'>, string | null>({
    queryKey: callPagesKey('tasks.list', input),
    queryFn: ({ pageParam }) => client.call('tasks.list', pageParam ? { ...input, cursor: pageParam } : input),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}

/** Drop every page but the first and read it again: the way back from a stale, deep list. */
export function useResetTaskPages(input: TaskListInput): () => void {
  const queryClient = useQueryClient();
  return useCallback(() => {
    void queryClient.resetQueries({ queryKey: callPagesKey('tasks.list', input), exact: true });
  }, [queryClient, input]);
}
