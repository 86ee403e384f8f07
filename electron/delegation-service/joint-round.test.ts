// @vitest-environment node
// tick()'s joint offer round through the real host (queue + delegation service) on real SQLite
// with a fake clock: an aged low task ahead in claim order does not take a critical task's only
// qualified agent, capacities above one, pins kept, one recorded decision per offer (source
// engine, with the joint note), and a large round solved in a worker thread and applied later,
// every critical task placed.
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentDto, AgentInput, TaskDto } from '../../preload/contract';
import { FakeClock } from '../core/clock';
import type { HostConfig } from '../host';
import { openTestHost, type TestConnection, type TestHost } from '../testing/harness';

const MIN = 60_000;

interface Site {
  t: TestHost;
  clock: FakeClock;
  supervisor: TestConnection;
  operator: TestConnection;
  agent(input: AgentInput): AgentDto;
  task(input: { type: string; requires?: Record<string, number>; priority?: 'critical' | 'high' | 'normal' | 'low' }): TaskDto;
  present(...agents: AgentDto[]): void;
  state(task: TaskDto): { state: string; agent: string | null };
}

const open: TestHost[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function openSite(overrides: Partial<HostConfig> = {}): Promise<Site> {
  const clock = new FakeClock(Date.UTC(2026, 2, 2, 9, 0));
  const t = await openTestHost({ taskTickMs: 0, clock, tasks: { shutdownGraceMs: 0 }, delegationSaveDelayMs: 60_000, ...overrides });
  open.push(t);
  const admin = await t.signIn('admin');
  await t.ok(admin, 'settings.update', { sessionIdleLockMinutes: 240, sessionMaxHours: 72 });
  const engineer = await t.signIn('engineer', 'eng-joint');
  const supervisor = await t.signIn('supervisor', 'sup-joint');
  const operator = await t.signIn('operator', 'op-joint');
  await t.ok(engineer, 'delegation.updateSettings', { explorationRate: 0 });
  return {
    t,
    clock,
    supervisor,
    operator,
    agent: (input) => t.host.agents.create(input),
    task: (input) => t.host.tasks.create(input),
    present: (...agents) => {
      for (const a of agents) t.host.agents.touch(a.id, clock.now());
    },
    state: (task) => {
      const x = t.host.tasks.getOrThrow(task.id);
      return { state: x.state, agent: x.assignedAgentId };
    },
  };
}

describe('joint offer round', () => {
  it('keeps the only qualified agent for the critical task when an aged low task is first in line', async () => {
    const s = await openSite();
    // Welder A is the only one who can weld at level 3; for painting both are equal but A is far cheaper.
    const a = s.agent({ name: 'Welder A', kind: 'robot', skills: { weld: 3, paint: 1 }, costPerHour: 5 });
    const b = s.agent({ name: 'Welder B', kind: 'robot', skills: { paint: 1 }, costPerHour: 200 });
    const low = s.task({ type: 'paint', requires: { paint: 1 }, priority: 'low' });
    s.clock.advance(10 * MIN);
    const critical = s.task({ type: 'weld', requires: { weld: 3 }, priority: 'critical' });
    // Aging put the low task ahead of the critical one in claim order (3 steps of a minute vs 10 minutes waited).
    s.present(a, b);

    expect(s.t.host.tasks.tick().assigned).toBe(2);
    expect(s.state(critical)).toEqual({ state: 'assigned', agent: a.id });
    expect(s.state(low)).toEqual({ state: 'assigned', agent: b.id });

    const xc = await s.t.ok(s.operator, 'delegation.explain', { taskId: critical.id });
    expect(xc.decision).toMatchObject({ source: 'engine', agentId: a.id });
    expect(xc.decision!.why).toMatch(/joint round of 2 waiting tasks and 2 free agents/);
    const xl = await s.t.ok(s.operator, 'delegation.explain', { taskId: low.id });
    expect(xl.decision).toMatchObject({ source: 'engine', agentId: b.id });
    expect(xl.decision!.winner!.agentId).toBe(b.id);
    // On its own (the old one-at-a-time round, claim order) the low task would have taken Welder A.
    expect(xl.decision!.why).toMatch(/On its own this task would have gone to Welder A/);
    expect(xl.history).toHaveLength(0);
  });

  it('fills capacities above one, critical work first, and leaves the rest waiting', async () => {
    const s = await openSite();
    const a = s.agent({ name: 'Arm A', kind: 'robot', skills: { weld: 3 }, capacity: 2 });
    const b = s.agent({ name: 'Arm B', kind: 'robot', skills: { weld: 1 }, capacity: 1 });
    const lows = [0, 1, 2].map(() => s.task({ type: 'weld', requires: { weld: 1 }, priority: 'low' }));
    s.clock.advance(10 * MIN);
    const crits = [0, 1].map(() => s.task({ type: 'weld', requires: { weld: 3 }, priority: 'critical' }));
    s.present(a, b);

    expect(s.t.host.tasks.tick().assigned).toBe(3);
    for (const c of crits) expect(s.state(c)).toEqual({ state: 'assigned', agent: a.id });
    const lowStates = lows.map((l) => s.state(l));
    expect(lowStates.filter((x) => x.agent === b.id)).toHaveLength(1);
    expect(lowStates.filter((x) => x.state === 'ready')).toHaveLength(2);
    // Nothing left to offer: a second tick changes nothing.
    expect(s.t.host.tasks.tick().assigned).toBe(0);
  });

  it('keeps pins: a pinned task goes back to its agent, the others are matched around it', async () => {
    const s = await openSite();
    const a = s.agent({ name: 'Arm A', kind: 'robot', skills: { weld: 3 } });
    const b = s.agent({ name: 'Arm B', kind: 'robot', skills: { weld: 1 } });
    const pinned = s.task({ type: 'weld', requires: { weld: 1 }, priority: 'low' });
    await s.t.ok(s.supervisor, 'delegation.pin', { taskId: pinned.id, agentId: a.id });
    // The offer is declined: the task waits again, still pinned to Arm A.
    s.t.host.tasks.release(pinned.id, a.id);
    expect(s.state(pinned)).toEqual({ state: 'ready', agent: null });
    s.clock.advance(10 * MIN);
    const critical = s.task({ type: 'weld', requires: { weld: 1 }, priority: 'critical' });
    s.present(a, b);

    expect(s.t.host.tasks.tick().assigned).toBe(2);
    expect(s.state(pinned)).toEqual({ state: 'assigned', agent: a.id });
    expect(s.state(critical)).toEqual({ state: 'assigned', agent: b.id });
    expect((await s.t.ok(s.operator, 'delegation.explain', { taskId: pinned.id })).decision).toMatchObject({ source: 'pin', agentId: a.id });
    expect((await s.t.ok(s.operator, 'delegation.explain', { taskId: critical.id })).decision).toMatchObject({ source: 'engine', agentId: b.id });
  });

  /** 60 sorting bots (levels 1-3, two slots each) and 400 sorting tasks (levels 1-3), a quarter of each priority. */
  function largeRound(s: Site): TaskDto[] {
    const agents = Array.from({ length: 60 }, (_, i) => s.agent({ name: `Bot ${i}`, kind: 'software', skills: { sort: 1 + (i % 3) }, capacity: 2 }));
    const tasks = Array.from({ length: 400 }, (_, i) =>
      s.task({ type: 'sort', requires: { sort: 1 + (i % 3) }, priority: (['critical', 'high', 'normal', 'low'] as const)[i % 4] }),
    );
    s.present(...agents);
    return tasks;
  }

  /** Every critical task placed, the 20 slots left to high-priority tasks, at most two per bot. */
  function expectEveryCriticalPlaced(s: Site, tasks: readonly TaskDto[]): void {
    const states = tasks.map((x) => s.state(x));
    const offered = states.filter((x) => x.state === 'assigned');
    expect(offered).toHaveLength(120);
    const perAgent = new Map<string, number>();
    for (const o of offered) perAgent.set(o.agent!, (perAgent.get(o.agent!) ?? 0) + 1);
    expect(Math.max(...perAgent.values())).toBeLessThanOrEqual(2);
    // Level-1 critical work does not take the level-3 bots that level-3 critical work needs,
    // although those bots score best for it.
    const served = (p: number) => states.filter((x, i) => i % 4 === p && x.state === 'assigned').length;
    expect(served(0)).toBe(100);
    expect(served(1)).toBe(20);
    expect(served(2) + served(3)).toBe(0);
  }

  it('solves a large round in a worker thread, applies it later, places every critical task, and ends the worker on close', async () => {
    const s = await openSite();
    const tasks = largeRound(s);

    expect(s.t.host.tasks.tick().assigned).toBe(0);
    // The round is still being solved: a tick meanwhile does not start another.
    expect(s.t.host.tasks.tick().assigned).toBe(0);
    await s.t.host.tasks.offersSettled();
    expectEveryCriticalPlaced(s, tasks);
    const x = await s.t.ok(s.operator, 'delegation.explain', { taskId: tasks[0]!.id });
    expect(x.decision).toMatchObject({ source: 'engine' });
    expect(x.decision!.why).toMatch(/joint round of 400 waiting tasks/);
    // Tasks 0 and 12 are alike (critical, sort level 1): one single-task view serves both, each
    // recorded under its own id with its own chosen agent first.
    const y = await s.t.ok(s.operator, 'delegation.explain', { taskId: tasks[12]!.id });
    expect(x.decision!.taskId).toBe(tasks[0]!.id);
    expect(y.decision!.taskId).toBe(tasks[12]!.id);
    expect(x.decision!.winner!.agentId).toBe(s.state(tasks[0]!).agent);
    expect(y.decision!.winner!.agentId).toBe(s.state(tasks[12]!).agent);
    const names = (d: typeof x) => new Set(d.decision!.candidates.map((c) => c.agentId));
    expect([...names(y)].every((id) => names(x).has(id) || id === y.decision!.winner!.agentId)).toBe(true);
    // Solved in the worker thread, which closing the host ends.
    expect(s.t.host.delegation.jointPool.threadId).not.toBeNull();
    await s.t.close();
    expect(s.t.host.delegation.jointPool.threadId).toBeNull();
  });

  it('applies a large round over many short transactions, the thread free between them, each offer and each task nobody can take recorded once', async () => {
    // lateSliceMs 0: one pick per transaction, so the thread is seen free between picks.
    const s = await openSite({ tasks: { shutdownGraceMs: 0, lateSliceMs: 0 } });
    const tasks = largeRound(s);
    const nobody = [0, 1, 2].map(() => s.task({ type: 'weld', requires: { weld: 5 }, priority: 'high' }));
    const assigned = () => tasks.filter((x) => s.state(x).state === 'assigned').length;

    expect(s.t.host.tasks.tick().assigned).toBe(0);
    let settled = false;
    const settling = s.t.host.tasks.offersSettled().then(() => (settled = true));
    const seen: number[] = [];
    while (!settled) {
      seen.push(assigned());
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await settling;
    // The thread ran between the round's transactions: it saw the offers arrive a few at a time.
    expect(seen.filter((n) => n > 0 && n < 120).length).toBeGreaterThan(10);
    expectEveryCriticalPlaced(s, tasks);
    for (const x of tasks.filter((t) => s.state(t).state === 'assigned')) {
      const e = await s.t.ok(s.operator, 'delegation.explain', { taskId: x.id });
      expect(e.decision).toMatchObject({ source: 'engine', agentId: s.state(x).agent });
      expect(e.history).toHaveLength(0);
    }
    for (const x of nobody) {
      const e = await s.t.ok(s.operator, 'delegation.explain', { taskId: x.id });
      expect(e.decision).toMatchObject({ source: 'engine', agentId: null });
      expect(e.history).toHaveLength(0);
    }
  });

  it('records a large round compactly: one shared view per kind of task, and the views go with the last decision on them', async () => {
    const s = await openSite();
    const tasks = largeRound(s);
    s.t.host.tasks.tick();
    await s.t.host.tasks.offersSettled();
    expectEveryCriticalPlaced(s, tasks);
    // 120 offers of 9 kinds of task (3 levels x 3 priorities that got offers; alike tasks share a view).
    expect(s.t.count('delegation_decisions')).toBe(120);
    const views = s.t.count('delegation_views');
    expect(views).toBeGreaterThan(0);
    expect(views).toBeLessThanOrEqual(9);
    const sqlite = s.t.host.database.sqlite;
    const own = sqlite.prepare('SELECT max(length(explanation)) AS n FROM delegation_decisions').get() as { n: number };
    const shared = sqlite.prepare('SELECT min(length(explanation)) AS n FROM delegation_views').get() as { n: number };
    expect(own.n).toBeLessThan(shared.n);
    // Read back whole: every candidate of the view, the chosen agent first.
    const x = await s.t.ok(s.operator, 'delegation.explain', { taskId: tasks[0]!.id });
    expect(x.decision!.candidates[0]!.agentId).toBe(s.state(tasks[0]!).agent);
    expect(x.decision!.candidates.length).toBeGreaterThan(10);
    expect(x.decision!.whyNot.length).toBeGreaterThan(10);

    // Every task ends; a week later retention prunes them, their decisions, and the views.
    for (const t of tasks) s.t.host.tasks.cancel(t.id, 'end of test');
    s.clock.advance(8 * 24 * 60 * MIN);
    expect(s.t.host.taskRetention.prune().pruned).toBe(400);
    expect(s.t.count('delegation_decisions')).toBe(0);
    expect(s.t.count('delegation_views')).toBe(0);
  });

  it('loses no task when the worker crashes: the round is finished on the main thread and applied', async () => {
    const crashing = () => new Worker("require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });", { eval: true });
    const s = await openSite({ delegationJointWorker: { spawn: crashing } });
    const tasks = largeRound(s);

    expect(s.t.host.tasks.tick().assigned).toBe(0);
    await s.t.host.tasks.offersSettled();
    expectEveryCriticalPlaced(s, tasks);
    expect((await s.t.ok(s.operator, 'delegation.explain', { taskId: tasks[0]!.id })).decision).toMatchObject({ source: 'engine' });
    expect(s.t.host.delegation.jointPool.threadId).toBeNull();
  });
});
