// Task events arrive in floods (a batch import announces 1,000 at once; a busy line hundreds a
// second). They are gathered for a moment and applied to the cache in one pass; a list that needs
// the host again is refetched at most every few seconds, and only while it is a few pages long —
// a list scrolled deep is marked stale instead and offers a refresh, so no event re-reads 100k rows.
import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';
import type { Timers } from '../bridge/ws-client';
import { applyTaskChanges, type TaskChange, type TaskPages } from './task-cache';

export interface TaskEventBatcherOptions {
  /** How long events gather before one pass over the cache. */
  flushMs?: number;
  /** Least time between two refetches of the same query. */
  refetchMs?: number;
  /** Lists with more pages loaded than this are marked stale rather than refetched. */
  maxLivePages?: number;
  timers?: Timers;
  now?: () => number;
}

const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const MAX_LIVE_PAGES = 3;

/** A paged task list scrolled so deep that refetching every page would be a flood of its own. */
export function isDeepPagedQuery(query: Query, maxLivePages = MAX_LIVE_PAGES): boolean {
  if (query.queryKey[2] !== 'pages') return false;
  const data = query.state.data as TaskPages | undefined;
  return (data?.pages.length ?? 0) > maxLivePages;
}

export class TaskEventBatcher {
  private pending: TaskChange[] = [];
  private flushTimer: unknown = null;
  private readonly lastRefetch = new Map<string, number>();
  private readonly waiting = new Map<string, unknown>();
  private readonly flushMs: number;
  private readonly refetchMs: number;
  private readonly maxLivePages: number;
  private readonly timers: Timers;
  private readonly now: () => number;

  constructor(
    private readonly queryClient: QueryClient,
    options: TaskEventBatcherOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 150;
    this.refetchMs = options.refetchMs ?? 2_000;
    this.maxLivePages = options.maxLivePages ?? MAX_LIVE_PAGES;
    this.timers = options.timers ?? browserTimers;
    this.now = options.now ?? Date.now;
  }

  push(change: TaskChange): void {
    this.pending.push(change);
    this.flushTimer ??= this.timers.setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    if (this.flushTimer !== null) this.timers.clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const { stale } = applyTaskChanges(this.queryClient, batch);
    for (const key of stale) this.refresh(key);
  }

  private refresh(key: QueryKey): void {
    const query = this.queryClient.getQueryCache().find({ queryKey: key, exact: true });
    if (!query) return;
    if (isDeepPagedQuery(query, this.maxLivePages)) {
      void this.queryClient.invalidateQueries({ queryKey: key, exact: true, refetchType: 'none' });
      return;
    }
    const hash = query.queryHash;
    if (this.waiting.has(hash)) return;
    const wait = (this.lastRefetch.get(hash) ?? -Infinity) + this.refetchMs - this.now();
    const run = () => {
      this.waiting.delete(hash);
      this.lastRefetch.set(hash, this.now());
      const current = this.queryClient.getQueryCache().find({ queryKey: key, exact: true });
      if (!current) return;
      // It may have grown deep while we waited.
      void this.queryClient.invalidateQueries({ queryKey: key, exact: true, refetchType: isDeepPagedQuery(current, this.maxLivePages) ? 'none' : 'active' });
    };
    if (wait <= 0) run();
    else this.waiting.set(hash, this.timers.setTimeout(run, wait));
  }

  dispose(): void {
    if (this.flushTimer !== null) this.timers.clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const timer of this.waiting.values()) this.timers.clearTimeout(timer);
    this.waiting.clear();
    this.pending = [];
  }
}
