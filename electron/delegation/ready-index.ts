// An in-memory index of tasks waiting for an agent, bucketed by what they need (type, skills,
// certifications, kinds, strict zone, exclusions): every task in a bucket is qualified for exactly
// the same agents, so qualification is tested once per bucket, not once per task. Inside a bucket
// tasks keep claim order (orderKey, then insertion). Used for pulls ("what should this agent take
// next?" with 100,000 tasks waiting), for picking the best N tasks for a joint round, and as the
// simulator's queue. Removal is lazy (skipped when met), so add and remove are cheap.
import { Heap } from './heap';
import { requiresKey, type DelegationTask } from './types';

export interface IndexedTask extends DelegationTask {
  /** Claim order, lower first (the queue's order_key: ready time + priority rank x step). */
  orderKey: number;
}

export interface ReadyBucket<T extends IndexedTask> {
  readonly key: string;
  /** A task of the bucket: all share type, requires, certifications, kinds, strict zone and exclusions. */
  readonly sample: T;
  readonly size: number;
}

interface Item<T> {
  task: T;
  seq: number;
  live: boolean;
}

class Bucket<T extends IndexedTask> implements ReadyBucket<T> {
  readonly items: Item<T>[] = [];
  head = 0;
  size = 0;
  constructor(
    readonly key: string,
    public sample: T,
  ) {}
}

/** The part of a task that decides who is qualified. */
export function bucketKey(task: DelegationTask): string {
  let key = `${task.type}\u0001${requiresKey(task.requires)}`;
  if (task.certifications && task.certifications.length > 0) key += `\u0001c:${[...task.certifications].sort().join(',')}`;
  if (task.kinds && task.kinds.length > 0) key += `\u0001k:${[...task.kinds].sort().join(',')}`;
  if (task.zoneStrict && task.zone != null) key += `\u0001z:${task.zone}`;
  if (task.excluded && task.excluded.length > 0) key += `\u0001x:${task.excluded.map((e) => e.agentId).sort().join(',')}`;
  return key;
}

export class ReadyIndex<T extends IndexedTask = IndexedTask> {
  private readonly byKey = new Map<string, Bucket<T>>();
  private readonly where = new Map<string, { b: Bucket<T>; item: Item<T> }>();
  private seq = 0;

  get size(): number {
    return this.where.size;
  }

  has(id: string): boolean {
    return this.where.has(id);
  }

  get(id: string): T | undefined {
    return this.where.get(id)?.item.task;
  }

  add(task: T): void {
    if (this.where.has(task.id)) this.remove(task.id);
    const key = bucketKey(task);
    let b = this.byKey.get(key);
    if (!b) {
      b = new Bucket<T>(key, task);
      this.byKey.set(key, b);
    }
    const item: Item<T> = { task, seq: this.seq++, live: true };
    const items = b.items;
    // Usually appended (claim order follows arrival); otherwise binary-search the slot.
    let lo = b.head;
    let hi = items.length;
    if (hi > lo && items[hi - 1]!.task.orderKey > task.orderKey) {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (items[mid]!.task.orderKey <= task.orderKey) lo = mid + 1;
        else hi = mid;
      }
      items.splice(lo, 0, item);
    } else {
      items.push(item);
    }
    b.size++;
    this.where.set(task.id, { b, item });
  }

  remove(id: string): boolean {
    const at = this.where.get(id);
    if (!at) return false;
    this.where.delete(id);
    at.item.live = false;
    const b = at.b;
    b.size--;
    if (b.size === 0) this.byKey.delete(b.key);
    else this.skipRemoved(b);
    return true;
  }

  private skipRemoved(b: Bucket<T>): void {
    while (b.head < b.items.length && !b.items[b.head]!.live) b.head++;
    if (b.head > 64 && b.head * 2 > b.items.length) {
      b.items.splice(0, b.head);
      b.head = 0;
    }
    const first = b.items[b.head];
    if (first) b.sample = first.task;
  }

  /** Non-empty buckets. */
  buckets(): ReadyBucket<T>[] {
    return [...this.byKey.values()];
  }

  /** The first task of a bucket in claim order. */
  first(bucket: ReadyBucket<T>): T | undefined {
    const b = bucket as Bucket<T>;
    this.skipRemoved(b);
    return b.items[b.head]?.task;
  }

  /** The first `k` tasks of a bucket in claim order. */
  head(bucket: ReadyBucket<T>, k: number): T[] {
    const b = bucket as Bucket<T>;
    const out: T[] = [];
    for (let i = this.nextLive(b, b.head); i < b.items.length && out.length < k; i = this.nextLive(b, i + 1)) out.push(b.items[i]!.task);
    return out;
  }

  /**
   * Tasks in claim order across buckets, at most `limit`, from the buckets `acceptBucket` allows
   * and the tasks `acceptTask` allows. Cost: O(limit x log buckets) plus skipped tasks.
   */
  take(limit: number, acceptBucket?: (b: ReadyBucket<T>) => boolean, acceptTask?: (t: T) => boolean): T[] {
    const out: T[] = [];
    if (limit <= 0) return out;
    type Cursor = { b: Bucket<T>; i: number };
    const less = (x: Cursor, y: Cursor) => {
      const a = x.b.items[x.i]!;
      const c = y.b.items[y.i]!;
      return a.task.orderKey < c.task.orderKey || (a.task.orderKey === c.task.orderKey && a.seq < c.seq);
    };
    const heap = new Heap<Cursor>(less);
    for (const b of this.byKey.values()) {
      if (b.size === 0 || (acceptBucket && !acceptBucket(b))) continue;
      const i = this.nextLive(b, b.head);
      if (i < b.items.length) heap.push({ b, i });
    }
    while (out.length < limit && heap.size > 0) {
      const cur = heap.pop()!;
      const task = cur.b.items[cur.i]!.task;
      if (!acceptTask || acceptTask(task)) out.push(task);
      const next = this.nextLive(cur.b, cur.i + 1);
      if (next < cur.b.items.length) heap.push({ b: cur.b, i: next });
    }
    return out;
  }

  private nextLive(b: Bucket<T>, from: number): number {
    let i = from;
    while (i < b.items.length && !b.items[i]!.live) i++;
    return i;
  }
}
