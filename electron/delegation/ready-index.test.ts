// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { bucketKey, ReadyIndex, type IndexedTask } from './ready-index';

const t = (id: string, orderKey: number, over: Partial<IndexedTask> = {}): IndexedTask => ({
  id,
  type: 'weld',
  priority: 'normal',
  requires: { weld: 2 },
  orderKey,
  ...over,
});

describe('ready index', () => {
  it('keeps claim order across buckets and within one, whatever the insertion order', () => {
    const ix = new ReadyIndex();
    ix.add(t('b', 5));
    ix.add(t('a', 1, { type: 'paint', requires: { paint: 1 } }));
    ix.add(t('c', 3));
    ix.add(t('d', 3));
    expect(ix.take(10).map((x) => x.id)).toEqual(['a', 'c', 'd', 'b']);
    expect(ix.size).toBe(4);
  });

  it('filters by bucket and by task, and removes lazily', () => {
    const ix = new ReadyIndex();
    for (let i = 0; i < 100; i++) ix.add(t(`w${i}`, i));
    ix.add(t('p', 50, { type: 'paint', requires: { paint: 1 } }));
    for (let i = 0; i < 98; i++) ix.remove(`w${i}`);
    expect(ix.take(5).map((x) => x.id)).toEqual(['p', 'w98', 'w99']);
    expect(ix.take(5, (b) => b.sample.type === 'weld').map((x) => x.id)).toEqual(['w98', 'w99']);
    expect(ix.take(5, undefined, (x) => x.id !== 'w98').map((x) => x.id)).toEqual(['p', 'w99']);
    expect(ix.remove('nope')).toBe(false);
    expect(ix.size).toBe(3);
  });

  it('puts tasks with other exclusions or a strict zone in their own bucket', () => {
    expect(bucketKey(t('a', 1))).toBe(bucketKey(t('b', 2, { priority: 'high', deadline: 5 })));
    expect(bucketKey(t('a', 1))).not.toBe(bucketKey(t('b', 1, { excluded: [{ agentId: 'x' }] })));
    expect(bucketKey(t('a', 1))).not.toBe(bucketKey(t('b', 1, { zone: 'A', zoneStrict: true })));
    expect(bucketKey(t('a', 1, { zone: 'A' }))).toBe(bucketKey(t('b', 1)));
  });

  it('re-adding a task moves it instead of duplicating it', () => {
    const ix = new ReadyIndex();
    ix.add(t('a', 1));
    ix.add(t('a', 9));
    ix.add(t('b', 5));
    expect(ix.take(10).map((x) => [x.id, x.orderKey])).toEqual([
      ['b', 5],
      ['a', 9],
    ]);
  });
});
