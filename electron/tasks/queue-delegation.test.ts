// The queue's delegation hooks and hand-offs: outcomes reported after commit, per-agent offer
// times, expired offers, offers by hand, release, accept (no expiry), start without a lease, and
// lease-less holds that survive a shutdown.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentDto } from '../../preload/contract';
import { AppError } from '../core/errors';
import type { AttemptEnded } from './queue';
import { openQueueFixture, type QueueFixture } from './test-fixture';

let f: QueueFixture;
afterEach(() => f.close());

const ended: AttemptEnded[] = [];
const expired: [string, string][] = [];

function open(): QueueFixture {
  ended.length = 0;
  expired.length = 0;
  f = openQueueFixture(
    { autoAssign: true, offerMs: 15_000, leaseMs: 30_000 },
    {
      hooks: {
        offerMs: (agentId) => (f.agents.get(agentId)?.kind === 'human' ? 600_000 : undefined),
        onOfferExpired: (taskId, agentId) => expired.push([taskId, agentId]),
        onAttemptEnded: (e) => ended.push(e),
      },
    },
  );
  return f;
}

const agent = (name: string, kind: AgentDto['kind'] = 'software') => f.agents.create({ name, kind, capacity: 2 });

describe('queue hooks for delegation', () => {
  it('reports succeeded and timed-out attempts with their duration, after the commit, and nothing for a refused report', async () => {
    open();
    const a = agent('a');
    const t1 = f.queue.create({ type: 'weld', requires: { weld: 1 } });
    const t2 = f.queue.create({ type: 'weld', timeoutMs: 60_000 });
    f.agents.update(a.id, { skills: { weld: 2 } });
    const [c1, c2] = await f.queue.claim(a.id, 2);
    f.clock.advance(5000);
    await f.queue.complete(c1!.id, a.id, c1!.attempt);
    expect(ended).toEqual([
      { taskId: t1.id, agentId: a.id, type: 'weld', requires: '{"weld":1}', success: true, how: 'succeeded', startedAt: f.clock.now() - 5000, at: f.clock.now() },
    ]);
    f.clock.advance(60_000);
    f.queue.tick();
    expect(ended[1]).toMatchObject({ taskId: t2.id, success: false, how: 'timed_out' });
    expect(c2!.id).toBe(t2.id);
    // A stale report is refused and tells nobody anything.
    await expect(f.queue.complete(c1!.id, a.id, c1!.attempt)).rejects.toBeInstanceOf(AppError);
    expect(ended).toHaveLength(2);
  });

  it('gives people their own offer time and tells the hook when an offer runs out', () => {
    open();
    const p = agent('person', 'human');
    f.agents.update(p.id, { presence: 'available' });
    const t = f.queue.create({ type: 'pick' });
    f.queue.tick();
    expect(f.queue.getOrThrow(t.id)).toMatchObject({ state: 'assigned', assignedAgentId: p.id, leaseExpiresAt: f.clock.now() + 600_000 });
    f.clock.advance(600_000);
    f.queue.tick();
    expect(expired).toEqual([[t.id, p.id]]);
  });

  it('offers by hand, accepts without expiry, starts without a lease, completes, and keeps such holds across a shutdown', async () => {
    open();
    const p = agent('person', 'human');
    const t = f.queue.create({ type: 'pick' });
    const t2 = f.queue.create({ type: 'pick' });
    expect(f.queue.offerTo(t.id, p.id, 60_000, { name: 'sup' }, 'pinned')).toMatchObject({ state: 'assigned', assignedAgentId: p.id });
    expect(f.queue.holdOffer(t.id, p.id)).toMatchObject({ leaseExpiresAt: null });
    f.clock.advance(3_600_000);
    f.queue.tick();
    expect(f.queue.getOrThrow(t.id).state).toBe('assigned');
    const running = f.queue.startHeld(t.id, p.id, null);
    expect(running).toMatchObject({ state: 'running', attempt: 1, leaseExpiresAt: null });
    f.clock.advance(3_600_000);
    f.queue.tick();
    expect(f.queue.getOrThrow(t.id).state).toBe('running');
    f.queue.offerTo(t2.id, p.id, null);
    await f.queue.shutdown(0);
    expect(f.queue.getOrThrow(t.id).state).toBe('running');
    expect(f.queue.getOrThrow(t2.id).state).toBe('assigned');
    expect(f.queue.completeHeld(t.id, p.id, 1, { ok: true })).toEqual({ id: t.id, state: 'succeeded' });
    expect(ended).toEqual([expect.objectContaining({ taskId: t.id, success: true, startedAt: running.startedAt })]);
  });

  it('releases an offered or running task back to ready without counting a failure; a later report is refused', async () => {
    open();
    const a = agent('a');
    const t = f.queue.create({ type: 'job' });
    const [c] = await f.queue.claim(a.id, 1);
    expect(f.queue.release(t.id, a.id, { name: 'sup' }, 'moved')).toMatchObject({ state: 'ready', failures: 0, assignedAgentId: null });
    await expect(f.queue.complete(t.id, a.id, c!.attempt)).rejects.toMatchObject({ code: 'conflict' });
    expect(() => f.queue.release(t.id, a.id)).toThrow(AppError);
    expect(() => f.queue.offerTo(t.id, '01J00000000000000000000000', null)).toThrow(/No agent/);
    expect(f.queue.details(t.id).timeline.map((e) => e.kind)).toEqual(['state', 'state', 'released']);
  });
});
