// @vitest-environment node
// The delegation.* and work.* calls end to end through the real bridge, on real SQLite with a
// fake clock: explanations with why-not reasons, the supervisor's hand (audited), learned profiles,
// persistence across a restart, the people inbox (offer, accept, start, done; decline and time-out
// re-delegate), the classifier learning from corrections, and the deterministic what-if.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { calls, type AgentDto, type AgentInput, type CallOutput, type EventPayload, type ServerMessage, type TaskDto } from '../../preload/contract';
import { FakeClock } from '../core/clock';
import { fakeConnection, openTestHost, type TestConnection, type TestHost } from '../testing/harness';

const MIN = 60_000;

interface Site {
  t: TestHost;
  clock: FakeClock;
  admin: TestConnection;
  engineer: TestConnection;
  supervisor: TestConnection;
  operator: TestConnection;
  agent(input: AgentInput): Promise<AgentDto>;
  task(input: { type: string; title?: string; requires?: Record<string, number>; priority?: 'critical' | 'high' | 'normal' | 'low'; tags?: string[]; deadline?: number }): Promise<TaskDto>;
  present(...agents: AgentDto[]): void;
  tick(): ReturnType<TestHost['host']['tasks']['tick']>;
  /** Claims as the agent (pull) and reports the outcome after `minutes`. */
  work(agent: AgentDto, minutes: number, success?: boolean): Promise<TaskDto>;
  userId(username: string): Promise<string>;
  explain(taskId: string): Promise<CallOutput<'delegation.explain'>>;
}

const open: TestHost[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function openSite(dataDir?: string, clock = new FakeClock(Date.UTC(2026, 2, 2, 9, 0))): Promise<Site> {
  const t = await openTestHost({ taskTickMs: 0, clock, tasks: { shutdownGraceMs: 0 }, delegationSaveDelayMs: 60_000 }, dataDir);
  open.push(t);
  const admin = await t.signIn('admin');
  // The fake clock jumps hours ahead in some tests: keep the sessions from idle-locking.
  await t.ok(admin, 'settings.update', { sessionIdleLockMinutes: 240, sessionMaxHours: 72 });
  const engineer = await t.signIn('engineer', `eng-${open.length}-${Math.floor(clock.now() / 1000) % 1000}`);
  const supervisor = await t.signIn('supervisor', `sup-${open.length}-${Math.floor(clock.now() / 1000) % 1000}`);
  const operator = await t.signIn('operator', `op-${open.length}-${Math.floor(clock.now() / 1000) % 1000}`);
  // Exploration draws would make the winners of these tests random.
  await t.ok(engineer, 'delegation.updateSettings', { explorationRate: 0 });
  const site: Site = {
    t,
    clock,
    admin,
    engineer,
    supervisor,
    operator,
    agent: (input) => t.ok(engineer, 'agents.create', input),
    task: (input) => t.ok(supervisor, 'tasks.create', input),
    present: (...agents) => {
      for (const a of agents) t.host.agents.touch(a.id, clock.now());
    },
    tick: () => t.host.tasks.tick(),
    work: async (agent, minutes, success = true) => {
      const [task] = await t.host.tasks.claim(agent.id, 1);
      if (!task) throw new Error(`${agent.name} got no task`);
      clock.advance(minutes * MIN);
      if (success) await t.host.tasks.complete(task.id, agent.id, task.attempt, { ok: true });
      else await t.host.tasks.fail(task.id, agent.id, task.attempt, { message: 'seam cracked' }, false);
      return task;
    },
    userId: async (username) => {
      const { users } = await t.ok(admin, 'users.list', {});
      return users.find((u) => u.username === username)!.id;
    },
    explain: (taskId) => t.ok(operator, 'delegation.explain', { taskId }),
  };
  return site;
}

/**
 * Two alike bots the engine has learned apart: the poor one failed slowly six times, the good one
 * succeeded fast six times (each alone in the fleet while it learned). Both present.
 */
async function goodAndPoorBots(poorCapacity = 1): Promise<{ s: Site; good: AgentDto; poor: AgentDto }> {
  const s = await openSite();
  const good = await s.agent({ name: 'Good bot', kind: 'software', skills: { classify: 2 } });
  const poor = await s.agent({ name: 'Poor bot', kind: 'software', skills: { classify: 2 }, capacity: poorCapacity });
  for (let i = 0; i < 6; i++) {
    await s.task({ type: 'classify', requires: { classify: 1 } });
    await s.work(poor, 30, false);
  }
  for (let i = 0; i < 6; i++) {
    await s.task({ type: 'classify', requires: { classify: 1 } });
    await s.work(good, 2, true);
  }
  s.present(good, poor);
  return { s, good, poor };
}

const events = (conn: TestConnection, from: number, name: string) =>
  conn.messages.slice(from).filter((m): m is Extract<ServerMessage, { type: 'event' }> => m.type === 'event' && m.name === name);

describe('delegation.explain', () => {
  it('records the decision: winner, runner-up, every candidate with its components, every excluded agent with plain reasons', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Welder A', kind: 'robot', skills: { weld: 3 } });
    const b = await s.agent({ name: 'Welder B', kind: 'robot', skills: { weld: 2 } });
    const c = await s.agent({ name: 'Welder C', kind: 'robot', skills: { weld: 1 } });
    const d = await s.agent({ name: 'Welder D', kind: 'robot', skills: { weld: 3 }, status: 'paused' });
    const e = await s.agent({ name: 'Welder E', kind: 'robot', skills: { weld: 3 } });
    s.present(a, b, c, d);
    const detach = s.t.host.bridge.attach(s.operator);
    const seen = s.operator.messages.length;
    const task = await s.task({ type: 'weld', title: 'Weld seam 3', requires: { weld: 2 } });
    expect(s.tick().assigned).toBe(1);
    detach();

    const x = await s.explain(task.id);
    const dec = x.decision!;
    expect(dec.source).toBe('engine');
    expect([a.id, b.id]).toContain(dec.agentId);
    expect(dec.winner!.agentId).toBe(dec.agentId);
    expect(dec.runnerUp!.agentId).toBe(dec.agentId === a.id ? b.id : a.id);
    expect(dec.candidates.map((k) => k.agentId).sort()).toEqual([a.id, b.id].sort());
    for (const k of dec.candidates) {
      expect(Object.keys(k.components).sort()).toEqual(['capability', 'cost', 'deadline', 'fairness', 'load', 'speed', 'success', 'zone']);
      expect(k.total).toBeGreaterThan(0);
    }
    expect(dec.weights).toEqual((await s.t.ok(s.operator, 'delegation.getSettings', {})).weights.default);
    const excluded = Object.fromEntries(dec.excluded.map((k) => [k.name, k.rules]));
    expect(excluded['Welder C']).toEqual([expect.objectContaining({ rule: 'skill', reason: 'Weld level 1 < required 2' })]);
    expect(excluded['Welder D']).toEqual([{ rule: 'status', reason: 'Status: paused' }]);
    expect(excluded['Welder E']).toEqual([{ rule: 'status', reason: 'Not connected yet (never heard from)' }]);
    expect(dec.why).toContain(dec.winner!.name);
    expect(dec.why).toMatch(/runner-up/);
    expect(dec.why).toMatch(/3 other agents could not take it/);
    const whyNot = Object.fromEntries(dec.whyNot.map((w) => [w.agentId, w.text]));
    expect(Object.keys(whyNot).sort()).toEqual([dec.runnerUp!.agentId, c.id, d.id, e.id].sort());
    expect(whyNot[c.id]).toBe('Welder C could not take this task: Weld level 1 < required 2.');
    expect(whyNot[dec.runnerUp!.agentId]).toMatch(/scored .* against/);
    expect(events(s.operator, seen, 'decision.made')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ taskId: task.id, agentId: dec.agentId, source: 'engine' }) }),
    ]);
  });

  it('records a pull: the agent asked for work', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Bot', kind: 'software', skills: { classify: 2 } });
    const task = await s.task({ type: 'classify', requires: { classify: 1 } });
    await s.work(a, 2);
    const x = await s.explain(task.id);
    expect(x.decision).toMatchObject({ source: 'pull', agentId: a.id, agentName: 'Bot' });
    expect(x.decision!.why).toMatch(/^Bot asked for work and took this task/);
  });

  it('weighs a pull: the agent takes a task when it is the best free agent or close to it, else the task waits for the better one (not for ever)', async () => {
    const { s, good, poor } = await goodAndPoorBots();
    const first = await s.task({ type: 'classify', title: 'Classify invoice 1', requires: { classify: 1 } });
    // The poor bot asks first: the task waits for the good bot, which is free.
    expect(await s.t.host.tasks.claim(poor.id, 1)).toEqual([]);
    expect((await s.t.host.tasks.claim(good.id, 1)).map((t) => t.id)).toEqual([first.id]);
    let x = await s.explain(first.id);
    expect(x.decision).toMatchObject({ source: 'pull', agentId: good.id });
    expect(x.decision!.why).toMatch(/^Good bot asked for work and took this task: of the agents free to take it now, none fits it better/);
    expect(x.decision!.candidates.map((c) => c.agentId)).toEqual([good.id, poor.id]);
    expect(x.decision!.whyNot.find((w) => w.agentId === poor.id)!.text).toMatch(/scored .* against/);

    // The good bot is busy now (capacity 1): the poor bot is the best free agent and takes the next one.
    const second = await s.task({ type: 'classify', title: 'Classify invoice 2', requires: { classify: 1 } });
    expect((await s.t.host.tasks.claim(poor.id, 1)).map((t) => t.id)).toEqual([second.id]);
    x = await s.explain(second.id);
    expect(x.decision!.why).toMatch(/^Poor bot asked for work and took this task: of the agents free to take it now, none fits it better/);

    // Both free again; a task the good bot does not come for within the hold goes to the poor bot.
    const [running] = s.t.host.tasks.list({ status: ['running'], sort: 'created', order: 'asc', limit: 10 }).tasks.filter((t) => t.id === first.id);
    await s.t.host.tasks.complete(first.id, good.id, running!.attempt, { ok: true });
    const third = await s.task({ type: 'classify', title: 'Classify invoice 3', requires: { classify: 1 } });
    s.present(good);
    // (the poor bot still holds invoice 2 and has one slot: give it a second one)
    await s.t.ok(s.engineer, 'agents.update', { id: poor.id, capacity: 2 });
    s.present(good, poor);
    expect(await s.t.host.tasks.claim(poor.id, 1)).toEqual([]);
    s.clock.advance(10_000);
    s.present(good, poor);
    expect(await s.t.host.tasks.claim(poor.id, 1)).toEqual([]);
    s.clock.advance(5_000);
    s.present(good, poor);
    expect((await s.t.host.tasks.claim(poor.id, 1)).map((t) => t.id)).toEqual([third.id]);
    x = await s.explain(third.id);
    expect(x.decision!.why).toBe('Poor bot asked for work and took this task: Good bot (' + x.decision!.candidates.find((c) => c.agentId === good.id)!.total.toFixed(2) + ') fits it better but did not take it within 15 s.');
  });

  it('lets alike agents pull work as it comes, each within the margin of the other', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Bot A', kind: 'software', skills: { classify: 2 } });
    const b = await s.agent({ name: 'Bot B', kind: 'software', skills: { classify: 2 } });
    s.present(a, b);
    const t1 = await s.task({ type: 'classify', requires: { classify: 1 } });
    const t2 = await s.task({ type: 'classify', requires: { classify: 1 } });
    expect((await s.t.host.tasks.claim(b.id, 1)).map((t) => t.id)).toEqual([t1.id]);
    expect((await s.t.host.tasks.claim(a.id, 1)).map((t) => t.id)).toEqual([t2.id]);
    const x = await s.explain(t1.id);
    expect(x.decision).toMatchObject({ source: 'pull', agentId: b.id });
    expect(x.decision!.why).toMatch(/^Bot B asked for work and took this task: (of the agents free to take it now, none fits it better|Bot A is free too and fits it about as well)/);
  });

  it('holds nothing back for load alone: a busier agent that asks for work gets it though an idle one is free', async () => {
    const s = await openSite();
    const busy = await s.agent({ name: 'Busy bot', kind: 'software', skills: { classify: 2 }, capacity: 5 });
    const idle = await s.agent({ name: 'Idle bot', kind: 'software', skills: { classify: 2 } });
    s.present(busy, idle);
    const first = [];
    for (let i = 0; i < 3; i++) first.push(await s.task({ type: 'classify', requires: { classify: 1 } }));
    expect((await s.t.host.tasks.claim(busy.id, 3)).map((t) => t.id)).toEqual(first.map((t) => t.id));
    // 3 of 5 slots taken: its load score is 0.4 against the idle bot's 1 (0.06 of the total at the bench weights).
    const next = [];
    for (let i = 0; i < 2; i++) next.push(await s.task({ type: 'classify', requires: { classify: 1 } }));
    expect((await s.t.host.tasks.claim(busy.id, 2)).map((t) => t.id)).toEqual(next.map((t) => t.id));
    const x = await s.explain(next[0]!.id);
    expect(x.decision!.why).toMatch(/^Busy bot asked for work and took this task: (of the agents free to take it now, none fits it better|Idle bot is free too and fits it about as well)/);
    expect(x.decision!.candidates.map((c) => c.name).sort()).toEqual(['Busy bot', 'Idle bot']);
  });

  it("weighs pulls with the site's margin and hold time in force: with no hold or a wide margin the poorer agent takes the task at once", async () => {
    const { s, good, poor } = await goodAndPoorBots(3);
    const first = await s.task({ type: 'classify', title: 'Classify invoice 1', requires: { classify: 1 } });
    // The defaults: the task waits for the good bot.
    expect(await s.t.host.tasks.claim(poor.id, 1)).toEqual([]);

    // No hold: the very next pull takes it, no restart, and the reason says why.
    await s.t.ok(s.engineer, 'delegation.updateSettings', { pullHoldSeconds: 0 });
    expect((await s.t.host.tasks.claim(poor.id, 1)).map((t) => t.id)).toEqual([first.id]);
    let x = await s.explain(first.id);
    expect(x.decision).toMatchObject({ source: 'pull', agentId: poor.id });
    const goodTotal = x.decision!.candidates.find((c) => c.agentId === good.id)!.total.toFixed(2);
    expect(x.decision!.why).toBe(
      `Poor bot asked for work and took this task: Good bot (${goodTotal}) fits it better, but on this site tasks do not wait for a better-fitting agent (hold time 0 s).`,
    );

    // A hold again, and a wide margin: the poor bot counts as fitting about as well.
    await s.t.ok(s.engineer, 'delegation.updateSettings', { pullHoldSeconds: 60, pullMargin: 0.5 });
    const second = await s.task({ type: 'classify', title: 'Classify invoice 2', requires: { classify: 1 } });
    s.present(good, poor);
    expect((await s.t.host.tasks.claim(poor.id, 1)).map((t) => t.id)).toEqual([second.id]);
    x = await s.explain(second.id);
    expect(x.decision!.why).toMatch(/^Poor bot asked for work and took this task: Good bot is free too and fits it about as well \(within 0\.5, leaving load and fair share aside;/);

    // Back to no margin: the task waits for the good bot, at most the 60 s now in force.
    await s.t.ok(s.engineer, 'delegation.updateSettings', { pullMargin: 0 });
    const third = await s.task({ type: 'classify', title: 'Classify invoice 3', requires: { classify: 1 } });
    s.present(good, poor);
    expect(await s.t.host.tasks.claim(poor.id, 1)).toEqual([]);
    s.clock.advance(30_000);
    s.present(good, poor);
    expect(await s.t.host.tasks.claim(poor.id, 1)).toEqual([]);
    s.clock.advance(30_000);
    s.present(good, poor);
    expect((await s.t.host.tasks.claim(poor.id, 1)).map((t) => t.id)).toEqual([third.id]);
    expect((await s.explain(third.id)).decision!.why).toMatch(/^Poor bot asked for work and took this task: Good bot \(\d\.\d\d\) fits it better but did not take it within 60 s\.$/);
  });

  it('records "nobody can take it" once, not on every tick, and the offer once someone can', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Low', kind: 'robot', skills: { weld: 1 } });
    s.present(a);
    const task = await s.task({ type: 'weld', requires: { weld: 3 } });
    for (let i = 0; i < 5; i++) s.tick();
    let x = await s.explain(task.id);
    expect(x.decision).toMatchObject({ agentId: null, winner: null });
    expect(x.decision!.why).toBe('No agent can take this task now: of 1 agents, 1 lacking a required skill level.');
    expect(x.history).toEqual([]);
    await s.t.ok(s.engineer, 'agents.update', { id: a.id, skills: { weld: 3 } });
    s.tick();
    x = await s.explain(task.id);
    expect(x.decision).toMatchObject({ agentId: a.id });
    expect(x.history).toHaveLength(1);
  });

  it('never explores on a critical task, whatever the rate', async () => {
    const s = await openSite();
    await s.t.ok(s.engineer, 'delegation.updateSettings', { explorationRate: 0.5 });
    const agents = [];
    for (let i = 0; i < 4; i++) agents.push(await s.agent({ name: `Twin ${i}`, kind: 'robot', skills: { weld: 2 }, capacity: 20 }));
    s.present(...agents);
    const tasks = [];
    for (let i = 0; i < 20; i++) tasks.push(await s.task({ type: 'weld', priority: 'critical' }));
    s.tick();
    for (const t of tasks) expect((await s.explain(t.id)).decision).toMatchObject({ explored: false, agentId: expect.any(String) });
  });

  it('answers not_found for an unknown task and is open to operators only when signed in', async () => {
    const s = await openSite();
    expect(await s.t.call(s.operator, 'delegation.explain', { taskId: '01J00000000000000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('delegation.whyNotNow', () => {
  it('answers for agents past what a pull record keeps (20 candidates, 50 kept out): a lower score, or the rules that keep it out', async () => {
    const s = await openSite();
    const close: AgentDto[] = [];
    for (let i = 0; i < 24; i++) close.push(await s.agent({ name: `Close ${i}`, kind: 'software', skills: { weld: 1 } }));
    // Far more skill than the task needs: lower on skill fit, so past the 20 candidates the record keeps.
    const over = await s.agent({ name: 'Overqualified', kind: 'software', skills: { weld: 5 } });
    const painters: AgentDto[] = [];
    for (let i = 0; i < 60; i++) painters.push(await s.agent({ name: `Painter ${String(i).padStart(2, '0')}`, kind: 'robot', skills: { paint: 2 } }));
    s.present(...close, over);
    const task = await s.task({ type: 'weld', requires: { weld: 1 } });
    await s.work(close[0]!, 1);

    const dec = (await s.explain(task.id)).decision!;
    expect(dec).toMatchObject({ source: 'pull', agentId: close[0]!.id });
    const listed = new Set(dec.whyNot.map((w) => w.agentId));
    expect(dec.candidates.length).toBeLessThanOrEqual(20);
    expect(dec.excluded.length).toBeLessThanOrEqual(50);
    expect(listed.has(over.id)).toBe(false);
    const painter = painters.find((p) => !listed.has(p.id))!;
    expect(painter).toBeDefined();

    const before = s.t.count('audit_log');
    // The work took a minute: heard from again since.
    s.present(...close, over);
    const lower = await s.t.ok(s.operator, 'delegation.whyNotNow', { taskId: task.id, agentId: over.id });
    expect(lower).toMatchObject({ taskId: task.id, agentId: over.id, name: 'Overqualified', kind: 'lower', reasons: [], at: s.clock.now() });
    expect(lower.total).toBeGreaterThan(0);
    expect(lower.text).toMatch(/^Overqualified scored \d\.\d\d against \d\.\d\d for Close \d+, who has .*closer skill match/);

    const out = await s.t.ok(s.operator, 'delegation.whyNotNow', { taskId: task.id, agentId: painter.id });
    expect(out).toMatchObject({ kind: 'excluded', name: painter.name, total: null });
    // The live roster's words for its status, then the engine's rules.
    expect(out.reasons).toEqual(['Not connected yet (never heard from)', 'No Weld skill (required level 1)']);
    expect(out.text).toBe(`${painter.name} could not take this task: Not connected yet (never heard from); No Weld skill (required level 1).`);
    // A read: nothing recorded, nothing audited.
    expect(s.t.count('audit_log')).toBe(before);
    expect((await s.explain(task.id)).history).toHaveLength(0);
  });

  it('answers for an agent added after the decision, for the chosen one, with the pin, and on a finished task (as of now)', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Welder A', kind: 'robot', skills: { weld: 2 } });
    const b = await s.agent({ name: 'Welder B', kind: 'robot', skills: { weld: 4 } });
    s.present(a, b);
    const task = await s.task({ type: 'weld', requires: { weld: 2 } });
    expect(s.tick().assigned).toBe(1);
    const dec = (await s.explain(task.id)).decision!;
    expect(dec.agentId).toBe(a.id);
    const paused = await s.agent({ name: 'Welder P', kind: 'robot', skills: { weld: 3 }, status: 'paused' });
    const ask = (agentId: string) => s.t.ok(s.operator, 'delegation.whyNotNow', { taskId: task.id, agentId });
    expect(dec.whyNot.some((w) => w.agentId === paused.id)).toBe(false);

    expect(await ask(paused.id)).toMatchObject({ kind: 'excluded', reasons: ['Status: paused'], text: 'Welder P could not take this task: Status: paused.' });
    // Its own task does not count against the agent that holds it: the same choice as then.
    const chosen = await ask(a.id);
    expect(chosen).toMatchObject({ kind: 'chosen', total: expect.any(Number) });
    expect(chosen.text).toMatch(/^Welder A would be chosen now with a score of .* for the runner-up, Welder B/);
    expect((await ask(b.id)).text).toMatch(/^Welder B scored .* against .* for Welder A/);

    await s.t.ok(s.supervisor, 'delegation.pin', { taskId: task.id, agentId: b.id });
    expect((await ask(a.id)).text).toMatch(/The task is pinned to Welder B: the engine does not choose for it while the pin holds\.$/);
    await s.t.ok(s.supervisor, 'delegation.pin', { taskId: task.id, agentId: null });

    // Finished: still answered, against the roster of now.
    await s.t.ok(s.supervisor, 'tasks.cancel', { id: task.id, reason: 'order withdrawn' });
    await s.t.ok(s.engineer, 'agents.update', { id: b.id, status: 'fault' });
    expect(await ask(b.id)).toMatchObject({ kind: 'excluded', reasons: ['Status: fault'] });
    expect(await ask(a.id)).toMatchObject({ kind: 'chosen' });
  });

  it('answers not_found for an unknown task or agent, and needs a signed-in operator (a read: no audit row)', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Bot', kind: 'software', skills: { classify: 1 } });
    const task = await s.task({ type: 'classify' });
    const unknown = '01J00000000000000000000000';
    expect(await s.t.call(s.operator, 'delegation.whyNotNow', { taskId: unknown, agentId: a.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await s.t.call(s.operator, 'delegation.whyNotNow', { taskId: task.id, agentId: unknown })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await s.t.call(fakeConnection(), 'delegation.whyNotNow', { taskId: task.id, agentId: a.id })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await s.t.call(s.operator, 'delegation.whyNotNow', { taskId: task.id, agentId: 'nope' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(calls['delegation.whyNotNow']).toMatchObject({ role: calls['delegation.explain'].role, mutates: false });
    expect(await s.t.ok(s.operator, 'delegation.whyNotNow', { taskId: task.id, agentId: a.id })).toMatchObject({ kind: 'excluded' });
  });
});

describe('delegation.stuckWork', () => {
  it('tells an operator which waiting work no agent can take now and why, counted off the main thread', async () => {
    const s = await openSite();
    const painter = await s.agent({ name: 'Painter P1', kind: 'robot', skills: { paint: 3 }, capacity: 1 });
    const welder = await s.agent({ name: 'Welder W1', kind: 'robot', skills: { weld: 3 }, capacity: 1 });
    s.present(painter, welder);
    await s.t.ok(s.engineer, 'agents.update', { id: painter.id, status: 'fault' });
    await s.task({ type: 'paint.door', requires: { paint: 2 }, priority: 'high' });
    await s.task({ type: 'paint.door', requires: { paint: 2 } });
    await s.task({ type: 'glue', requires: { glue: 1 }, priority: 'critical' });
    await s.task({ type: 'weld', requires: { weld: 2 } });
    const stuck = await s.t.ok(s.operator, 'delegation.stuckWork', {});
    expect(stuck).toMatchObject({ waiting: 4, stuck: 3, more: 0 });
    expect(stuck.kinds.map((k) => [k.type, k.reason, k.count, k.priority])).toEqual([
      ['glue', 'nobody', 1, 'critical'],
      ['paint.door', 'unavailable', 2, 'high'],
    ]);
    expect(stuck.kinds[0]!.text).toBe('No agent has Glue (level 1 needed).');
    expect(stuck.kinds[1]!.agents).toEqual([{ id: painter.id, name: 'Painter P1', why: 'Status: fault' }]);
    // The painter is back: its work is no longer stuck (answers are shared for 2 s).
    await s.t.ok(s.engineer, 'agents.update', { id: painter.id, status: 'available' });
    s.present(painter, welder);
    expect((await s.t.ok(s.operator, 'delegation.stuckWork', {})).stuck).toBe(3);
    s.clock.advance(2000);
    expect((await s.t.ok(s.operator, 'delegation.stuckWork', {})).kinds.map((k) => k.type)).toEqual(['glue']);
  });
});

describe('pin, re-assign, exclude', () => {
  it('moves the task, records who chose and why, keeps an excluded agent off it and audits each call', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Arm A', kind: 'robot', skills: { weld: 3 } });
    const b = await s.agent({ name: 'Arm B', kind: 'robot', skills: { weld: 3 } });
    const task = await s.task({ type: 'weld', requires: { weld: 1 } });

    expect(await s.t.call(s.operator, 'delegation.pin', { taskId: task.id, agentId: b.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const pinned = await s.t.ok(s.supervisor, 'delegation.pin', { taskId: task.id, agentId: b.id });
    expect(pinned).toMatchObject({ state: 'assigned', assignedAgentId: b.id });
    let x = await s.explain(task.id);
    expect(x.pinnedAgentId).toBe(b.id);
    expect(x.decision).toMatchObject({ source: 'pin', agentId: b.id, actor: expect.stringMatching(/^sup-/) });
    expect(x.decision!.why).toMatch(/pinned this task to Arm B/);
    // The rules' view of the pin is the live one: Arm B never connected (not "at capacity 1/1",
    // which would count the pinned task itself).
    expect(x.decision!.why).toMatch(/By the engine's rules Arm B could not take it: Not connected yet \(never heard from\)\./);
    expect(x.decision!.why).not.toMatch(/capacity/);

    const moved = await s.t.ok(s.supervisor, 'delegation.reassign', { taskId: task.id, agentId: a.id });
    expect(moved).toMatchObject({ state: 'assigned', assignedAgentId: a.id });
    x = await s.explain(task.id);
    expect(x.decision).toMatchObject({ source: 'reassign', agentId: a.id });
    expect(x.pinnedAgentId).toBeNull();
    expect(x.history.map((h) => h.source)).toEqual(['pin']);

    const back = await s.t.ok(s.supervisor, 'delegation.exclude', { taskId: task.id, agentId: a.id, reason: 'cracked the last two parts' });
    expect(back).toMatchObject({ state: 'ready', assignedAgentId: null });
    s.present(a, b);
    s.tick();
    x = await s.explain(task.id);
    expect(x.exclusions).toEqual([expect.objectContaining({ agentId: a.id, agentName: 'Arm A', kind: 'supervisor', reason: 'cracked the last two parts' })]);
    expect(x.decision).toMatchObject({ source: 'engine', agentId: b.id });
    expect(x.decision!.whyNot.find((w) => w.agentId === a.id)!.text).toBe('Arm A could not take this task: Excluded: cracked the last two parts.');
    // A pull respects the exclusion too.
    expect(await s.t.host.tasks.claim(a.id, 5)).toEqual([]);

    const { entries } = await s.t.ok(s.admin, 'audit.list', { limit: 20 });
    const mine = entries.filter((en) => en.action.startsWith('delegation.')).map((en) => [en.action, en.outcome, en.target]);
    expect(mine).toEqual([
      ['delegation.exclude', 'ok', task.id],
      ['delegation.reassign', 'ok', task.id],
      ['delegation.pin', 'ok', task.id],
      ['delegation.pin', 'forbidden', task.id],
      ['delegation.updateSettings', 'ok', 'delegation'],
    ]);
  });

  it('refuses to re-assign a finished task (conflict) and an unknown agent (not_found)', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Solo', kind: 'software' });
    const task = await s.task({ type: 'sync' });
    await s.work(a, 1);
    expect(await s.t.call(s.supervisor, 'delegation.reassign', { taskId: task.id, agentId: a.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const other = await s.task({ type: 'sync' });
    expect(await s.t.call(s.supervisor, 'delegation.reassign', { taskId: other.id, agentId: '01J00000000000000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('keeps the agent that failed a task off its retry when another agent could take it, and not when nobody else could', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Welder A', kind: 'robot', skills: { weld: 3 } });
    const b = await s.agent({ name: 'Welder B', kind: 'robot', skills: { weld: 2 } });
    const solo = await s.agent({ name: 'Painter', kind: 'robot', skills: { paint: 2 } });
    s.present(a, b, solo);
    const weld = await s.task({ type: 'weld', title: 'Weld seam 9', requires: { weld: 2 } });
    const [claimed] = await s.t.host.tasks.claim(a.id, 1);
    expect(claimed!.id).toBe(weld.id);
    // Lease lost, a timeout and a reported failure all count: here the agent reports one.
    await s.t.host.tasks.fail(weld.id, a.id, claimed!.attempt, { message: 'torch clogged' }, true);
    let x = await s.explain(weld.id);
    expect(x.exclusions).toEqual([
      expect.objectContaining({ agentId: a.id, kind: 'failed', reason: 'failed on attempt 1; the retry goes to another agent' }),
    ]);
    // The retry: A asks for work and gets nothing; B does, and the record says why A could not.
    s.clock.advance(MIN);
    s.tick();
    expect(await s.t.host.tasks.claim(a.id, 1)).toEqual([]);
    const retry = (await s.t.ok(s.operator, 'tasks.get', { id: weld.id })).task;
    if (retry.state === 'assigned') expect(retry.assignedAgentId).toBe(b.id);
    else expect((await s.t.host.tasks.claim(b.id, 1)).map((t) => t.id)).toEqual([weld.id]);
    x = await s.explain(weld.id);
    expect(x.decision!.agentId).toBe(b.id);

    // Nobody else paints: the painter may try again.
    const paint = await s.task({ type: 'paint', requires: { paint: 1 } });
    const [p1] = await s.t.host.tasks.claim(solo.id, 1);
    expect(p1!.id).toBe(paint.id);
    await s.t.host.tasks.fail(paint.id, solo.id, p1!.attempt, { message: 'nozzle dry' }, true);
    expect((await s.explain(paint.id)).exclusions).toEqual([]);
    s.clock.advance(MIN);
    s.tick();
    const again = (await s.t.ok(s.operator, 'tasks.get', { id: paint.id })).task;
    if (again.state === 'ready') expect((await s.t.host.tasks.claim(solo.id, 1)).map((t) => t.id)).toEqual([paint.id]);
    else expect(again).toMatchObject({ state: 'assigned', assignedAgentId: solo.id });
  });

  it('a pinned task waits for its agent and the engine does not give it to another', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Cell 1', kind: 'robot', skills: { paint: 2 } });
    const b = await s.agent({ name: 'Cell 2', kind: 'robot', skills: { paint: 2 } });
    const task = await s.task({ type: 'paint' });
    await s.t.ok(s.supervisor, 'delegation.pin', { taskId: task.id, agentId: a.id });
    await s.t.ok(s.supervisor, 'delegation.exclude', { taskId: task.id, agentId: b.id, reason: 'nozzle worn' });
    // Pinned to A (offered), then A's offer runs out: the task waits for A, B does not get it.
    s.clock.advance(s.t.host.tasks.options.offerMs + 1);
    s.present(b);
    s.tick();
    expect((await s.t.ok(s.operator, 'tasks.get', { id: task.id })).task).toMatchObject({ state: 'ready' });
    expect(await s.t.host.tasks.claim(b.id, 1)).toEqual([]);
    const [got] = await s.t.host.tasks.claim(a.id, 1);
    expect(got?.id).toBe(task.id);
    // Taken by a pull, it is still the supervisor's choice: recorded as the pin, not weighed again.
    expect((await s.explain(task.id)).decision).toMatchObject({ source: 'pin', agentId: a.id });
  });
});

describe('learning', () => {
  it('shows the learned profile after outcomes, per task type with confidence', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Welder', kind: 'robot', skills: { weld: 3 } });
    for (let i = 0; i < 6; i++) await s.task({ type: 'weld', requires: { weld: 2 } });
    for (let i = 0; i < 5; i++) await s.work(a, 10);
    await s.work(a, 10, false);
    const p = await s.t.ok(s.operator, 'delegation.profile', { agentId: a.id });
    expect(p).toMatchObject({ agentId: a.id, name: 'Welder', observations: 6 });
    expect(p.types).toHaveLength(1);
    const weld = p.types[0]!;
    expect(weld).toMatchObject({ type: 'weld', observations: 6 });
    expect(weld.success.mean).toBeGreaterThan(0.5);
    expect(weld.success.mean).toBeLessThan(0.95);
    expect(weld.success.low).toBeLessThan(weld.success.mean);
    expect(weld.success.high).toBeGreaterThan(weld.success.mean);
    expect(weld.duration.medianMs).toBeGreaterThan(5 * MIN);
    expect(weld.duration.medianMs).toBeLessThan(15 * MIN);
    expect(['low', 'medium', 'high']).toContain(weld.confidence);
    expect(p.drift.active).toBe(false);
    expect(await s.t.call(s.operator, 'delegation.profile', { agentId: '01J00000000000000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('keeps learned models, settings, decisions and classifier corrections across a restart of the host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'delegate-deleg-'));
    dirs.push(dir);
    const clock = new FakeClock(Date.UTC(2026, 2, 2, 9, 0));
    const s = await openSite(dir, clock);
    const a = await s.agent({ name: 'Painter', kind: 'robot', skills: { paint: 2 } });
    const tasks: TaskDto[] = [];
    for (let i = 0; i < 4; i++) tasks.push(await s.task({ type: 'paint', title: 'Paint door panel' }));
    for (let i = 0; i < 4; i++) await s.work(a, 7);
    await s.t.ok(s.engineer, 'delegation.setWeights', { taskType: 'paint', weights: { cost: 0.9 } });
    await s.t.ok(s.supervisor, 'delegation.correct', { text: 'touch up scratch on hood', type: 'paint', requires: { paint: 1 } });
    const before = await s.t.ok(s.operator, 'delegation.profile', { agentId: a.id });
    await s.t.close();
    open.splice(open.indexOf(s.t), 1);

    const again = await openTestHost({ taskTickMs: 0, clock, tasks: { shutdownGraceMs: 0 } }, dir);
    open.push(again);
    const op = await again.signIn('operator', 'after-restart');
    const after = await again.ok(op, 'delegation.profile', { agentId: a.id });
    expect(after).toEqual(before);
    expect((await again.ok(op, 'delegation.getSettings', {})).weights.byType).toEqual({ paint: { cost: 0.9 } });
    expect((await again.ok(op, 'delegation.explain', { taskId: tasks[0]!.id })).decision).toMatchObject({ source: 'pull', agentId: a.id });
    const sup = await again.signIn('supervisor', 'sup-after');
    expect(await again.ok(sup, 'delegation.suggest', { text: 'touch up scratch on hood' })).toMatchObject({ type: 'paint', skills: { paint: 1 } });
  });
});

describe('My work (people)', () => {
  async function person(s: Site, name: string, skills: Record<string, number>) {
    const conn = await s.t.signIn('operator', name.toLowerCase());
    const userId = await s.userId(name.toLowerCase());
    const agent = await s.agent({ name, kind: 'human', skills, userId });
    const me = await s.t.ok(conn, 'work.setPresence', { presence: 'available' });
    expect(me).toMatchObject({ id: agent.id, presence: 'available' });
    return { conn, userId, agent };
  }

  it('offers a task to a person, who accepts, starts and finishes it; the engine learns from it', async () => {
    const s = await openSite();
    const olga = await person(s, 'Olga', { inspect: 3 });
    const other = await s.t.signIn('operator', 'bystander');
    const dOlga = s.t.host.bridge.attach(olga.conn);
    const dOther = s.t.host.bridge.attach(other);
    const seenO = olga.conn.messages.length;
    const seenX = other.messages.length;
    const task = await s.task({ type: 'inspect', title: 'Inspect weld seam 3', requires: { inspect: 2 } });
    s.tick();
    dOlga();
    dOther();
    const offered = events(olga.conn, seenO, 'work.offered');
    expect(offered).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ taskId: task.id, agentId: olga.agent.id, userId: olga.userId, title: 'Inspect weld seam 3' }) }),
    ]);
    expect(events(other, seenX, 'work.offered')).toEqual([]);

    let mine = await s.t.ok(olga.conn, 'work.mine', {});
    expect(mine.agent?.id).toBe(olga.agent.id);
    expect(mine.tasks).toEqual([
      expect.objectContaining({ id: task.id, state: 'assigned', accepted: false, offerExpiresAt: s.clock.now() + 10 * MIN, why: expect.stringContaining('Olga') }),
    ]);

    expect(await s.t.ok(olga.conn, 'work.accept', { taskId: task.id })).toMatchObject({ accepted: true, offerExpiresAt: null });
    s.clock.advance(30 * MIN);
    s.tick();
    expect(await s.t.ok(olga.conn, 'work.start', { taskId: task.id })).toMatchObject({ state: 'running', accepted: true });
    s.clock.advance(12 * MIN);
    s.tick(); // no lease for people: nothing expires
    expect(await s.t.ok(olga.conn, 'work.done', { taskId: task.id, result: { seam: 'ok' }, note: 'all good' })).toMatchObject({ state: 'succeeded' });
    mine = await s.t.ok(olga.conn, 'work.mine', {});
    expect(mine.tasks).toEqual([]);

    const p = await s.t.ok(s.operator, 'delegation.profile', { agentId: olga.agent.id });
    expect(p.types[0]).toMatchObject({ type: 'inspect', observations: 1 });
    const { entries } = await s.t.ok(s.admin, 'audit.list', { limit: 10, actor: 'olga' });
    expect(entries.map((e) => e.action)).toEqual(['work.done', 'work.start', 'work.accept', 'work.setPresence', 'auth.login']);
    // Someone else's task is not theirs to finish.
    expect(await s.t.call(other, 'work.done', { taskId: task.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('re-delegates a declined task to someone else and keeps the decliner off it', async () => {
    const s = await openSite();
    const olga = await person(s, 'Olga', { forklift: 1 });
    const piet = await person(s, 'Piet', { forklift: 1 });
    const task = await s.task({ type: 'move', title: 'Move pallet 7 to dock 2', requires: { forklift: 1 } });
    s.tick();
    const first = (await s.t.ok(s.operator, 'tasks.get', { id: task.id })).task.assignedAgentId;
    const [decliner, other] = first === olga.agent.id ? [olga, piet] : [piet, olga];
    expect(await s.t.ok(decliner.conn, 'work.decline', { taskId: task.id, reason: 'my forklift is being charged' })).toMatchObject({ state: 'ready' });
    s.tick();
    const after = (await s.t.ok(s.operator, 'tasks.get', { id: task.id })).task;
    expect(after).toMatchObject({ state: 'assigned', assignedAgentId: other.agent.id });
    const x = await s.explain(task.id);
    expect(x.exclusions).toEqual([expect.objectContaining({ agentId: decliner.agent.id, kind: 'declined', reason: 'my forklift is being charged' })]);
    expect(x.decision!.excluded).toEqual([
      expect.objectContaining({ agentId: decliner.agent.id, rules: [expect.objectContaining({ rule: 'excluded', reason: 'Excluded: my forklift is being charged' })] }),
    ]);
    expect(await s.t.call(decliner.conn, 'work.accept', { taskId: task.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('re-delegates when an offer to a person times out, and stops offering to someone who went away', async () => {
    const s = await openSite();
    const olga = await person(s, 'Olga', { pick: 1 });
    const piet = await person(s, 'Piet', { pick: 1 });
    await s.t.ok(piet.conn, 'work.setPresence', { presence: 'on_break' });
    const task = await s.task({ type: 'pick', requires: { pick: 1 } });
    s.tick();
    expect((await s.t.ok(s.operator, 'tasks.get', { id: task.id })).task.assignedAgentId).toBe(olga.agent.id);
    let x = await s.explain(task.id);
    expect(x.decision!.excluded).toEqual([expect.objectContaining({ agentId: piet.agent.id, rules: [{ rule: 'status', reason: 'On a break (set in the app)' }] })]);

    await s.t.ok(piet.conn, 'work.setPresence', { presence: 'available' });
    s.clock.advance(10 * MIN + 1);
    s.tick();
    expect((await s.t.ok(s.operator, 'tasks.get', { id: task.id })).task).toMatchObject({ state: 'assigned', assignedAgentId: piet.agent.id });
    x = await s.explain(task.id);
    expect(x.exclusions).toEqual([expect.objectContaining({ agentId: olga.agent.id, kind: 'offer_timeout' })]);

    // Going away hands back offers not yet accepted.
    await s.t.ok(piet.conn, 'work.setPresence', { presence: 'away' });
    expect((await s.t.ok(s.operator, 'tasks.get', { id: task.id })).task).toMatchObject({ state: 'ready', assignedAgentId: null });
  });

  it('answers an account without an agent with an empty inbox and not_found for actions', async () => {
    const s = await openSite();
    expect(await s.t.ok(s.operator, 'work.mine', {})).toEqual({ agent: null, tasks: [] });
    expect(await s.t.call(s.operator, 'work.setPresence', { presence: 'away' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('links only people to existing accounts, one agent per account', async () => {
    const s = await openSite();
    await s.t.signIn('operator', 'ann');
    const uid = await s.userId('ann');
    expect(await s.t.call(s.engineer, 'agents.create', { name: 'Robo', kind: 'robot', userId: uid })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await s.t.call(s.engineer, 'agents.create', { name: 'Ghost', kind: 'human', userId: '01J00000000000000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const first = await s.agent({
      name: 'Ann',
      kind: 'human',
      userId: uid,
      zone: 'Hall 2',
      costPerHour: 42,
      certifications: [{ name: 'forklift', expiresAt: Date.UTC(2027, 0, 1) }],
      availability: [{ kind: 'shift', start: '06:00', end: '14:00', days: [1, 2, 3, 4, 5] }],
    });
    expect(first).toMatchObject({ zone: 'Hall 2', costPerHour: 42, userId: uid, presence: null, certifications: [{ name: 'forklift' }] });
    expect(await s.t.call(s.engineer, 'agents.create', { name: 'Ann 2', kind: 'human', userId: uid })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

describe('settings', () => {
  it('reads for operators, writes for engineers, validates the time zone and applies weights per type', async () => {
    const s = await openSite();
    expect(await s.t.call(s.supervisor, 'delegation.setWeights', { taskType: '*', weights: { cost: 1 } })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const detach = s.t.host.bridge.attach(s.operator);
    const seen = s.operator.messages.length;
    const set = await s.t.ok(s.engineer, 'delegation.setWeights', { taskType: 'weld', weights: { success: 1, cost: 0 } });
    detach();
    expect(set.weights.byType.weld).toEqual({ success: 1, cost: 0 });
    expect(events(s.operator, seen, 'delegation.settingsChanged')).toEqual([expect.objectContaining({ payload: set })]);
    expect(await s.t.call(s.engineer, 'delegation.updateSettings', { timeZone: 'Mars/Olympus' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await s.t.ok(s.engineer, 'delegation.updateSettings', { timeZone: 'Europe/Berlin', humanOfferMinutes: 5 })).toMatchObject({
      timeZone: 'Europe/Berlin',
      humanOfferMinutes: 5,
      pullMargin: 0.05,
      pullHoldSeconds: 15,
    });
    const zeroAll = { capability: 0, success: 0, speed: 0, deadline: 0, load: 0, zone: 0, cost: 0, fairness: 0 };
    expect(await s.t.call(s.engineer, 'delegation.setWeights', { taskType: '*', weights: zeroAll })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    // Merged by default; with replace a type's own weights become exactly those given.
    expect((await s.t.ok(s.engineer, 'delegation.setWeights', { taskType: 'paint', weights: { speed: 0.4, zone: 0.2 } })).weights.byType.paint).toEqual({ speed: 0.4, zone: 0.2 });
    expect((await s.t.ok(s.engineer, 'delegation.setWeights', { taskType: 'paint', weights: { cost: 0.3 } })).weights.byType.paint).toEqual({ speed: 0.4, zone: 0.2, cost: 0.3 });
    expect((await s.t.ok(s.engineer, 'delegation.setWeights', { taskType: 'paint', weights: { zone: 0.1 }, replace: true })).weights.byType.paint).toEqual({ zone: 0.1 });
    expect((await s.t.ok(s.engineer, 'delegation.setWeights', { taskType: 'paint', weights: {}, replace: true })).weights.byType).not.toHaveProperty('paint');
    expect(await s.t.call(s.engineer, 'delegation.setWeights', { taskType: '*', weights: { cost: 0.2 }, replace: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining("replace is for a task type's own weights") },
    });

    const a = await s.agent({ name: 'W', kind: 'robot', skills: { weld: 2 } });
    s.present(a);
    const task = await s.task({ type: 'weld' });
    s.tick();
    expect((await s.explain(task.id)).decision!.weights).toMatchObject({ success: 1, cost: 0 });
  });

  it('sets the pull margin and hold time, refuses values out of range and changes nothing then', async () => {
    const s = await openSite();
    expect(await s.t.ok(s.operator, 'delegation.getSettings', {})).toMatchObject({ pullMargin: 0.05, pullHoldSeconds: 15 });
    expect(await s.t.call(s.supervisor, 'delegation.updateSettings', { pullMargin: 0.1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const set = await s.t.ok(s.engineer, 'delegation.updateSettings', { pullMargin: 0.125, pullHoldSeconds: 0 });
    expect(set).toMatchObject({ pullMargin: 0.125, pullHoldSeconds: 0 });
    expect(await s.t.ok(s.operator, 'delegation.getSettings', {})).toEqual(set);
    for (const bad of [{ pullMargin: -0.01 }, { pullMargin: 0.51 }, { pullHoldSeconds: -1 }, { pullHoldSeconds: 601 }, { pullHoldSeconds: 1.5 }, { pullMargin: 0.2, pullHoldSeconds: 9999 }]) {
      expect(await s.t.call(s.engineer, 'delegation.updateSettings', bad)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(await s.t.ok(s.operator, 'delegation.getSettings', {})).toEqual(set);
    // The service checks callers other than the bridge too.
    expect(() => s.t.host.delegation.updateSettings({ pullHoldSeconds: 700 })).toThrow(/whole seconds from 0 to 600/);
    expect(await s.t.ok(s.engineer, 'delegation.updateSettings', { pullMargin: 0.5, pullHoldSeconds: 600 })).toMatchObject({ pullMargin: 0.5, pullHoldSeconds: 600 });
  });

  it('gives settings stored before the pull settings existed the default margin and hold time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'delegate-deleg-'));
    dirs.push(dir);
    const clock = new FakeClock(Date.UTC(2026, 2, 2, 9, 0));
    const s = await openSite(dir, clock);
    const { pullMargin: _m, pullHoldSeconds: _h, ...old } = await s.t.ok(s.engineer, 'delegation.updateSettings', { humanOfferMinutes: 7, pullMargin: 0.3 });
    s.t.host.delegation.store.putState('settings', old, clock.now());
    await s.t.close();
    open.splice(open.indexOf(s.t), 1);

    const again = await openTestHost({ taskTickMs: 0, clock, tasks: { shutdownGraceMs: 0 } }, dir);
    open.push(again);
    const op = await again.signIn('operator', 'after-restart');
    expect(await again.ok(op, 'delegation.getSettings', {})).toMatchObject({ humanOfferMinutes: 7, pullMargin: 0.05, pullHoldSeconds: 15 });
  });

  it('lays shifts out in the site time zone: a person off shift is not offered work and the reason says until when', async () => {
    const s = await openSite(undefined, new FakeClock(Date.UTC(2026, 2, 2, 5, 0))); // Monday 06:00 in Berlin
    await s.t.ok(s.engineer, 'delegation.updateSettings', { timeZone: 'Europe/Berlin' });
    const conn = await s.t.signIn('operator', 'nightowl');
    const userId = await s.userId('nightowl');
    const p = await s.agent({ name: 'Nina', kind: 'human', userId, skills: { pack: 1 }, availability: [{ kind: 'shift', start: '08:00', end: '16:00' }] });
    await s.t.ok(conn, 'work.setPresence', { presence: 'available' });
    const task = await s.task({ type: 'pack' });
    s.tick();
    const x = await s.explain(task.id);
    expect(x.decision!.agentId).toBeNull();
    expect(x.decision!.excluded).toEqual([expect.objectContaining({ agentId: p.id, rules: [expect.objectContaining({ rule: 'shift', reason: 'Off shift until 08:00' })] })]);
    s.clock.advance(2 * 60 * MIN + 1);
    s.tick();
    expect((await s.t.ok(s.operator, 'tasks.get', { id: task.id })).task.assignedAgentId).toBe(p.id);
  });
});

describe('delegation.suggest / correct', () => {
  it('suggests from the site history and improves with corrections', async () => {
    const s = await openSite();
    const history = [
      ...Array.from({ length: 8 }, (_, i) => ({ type: 'weld', title: `Weld seam ${i} on frame at station ${i % 3}`, requires: { weld: 2 } })),
      ...Array.from({ length: 3 }, (_, i) => ({ type: 'inspect', title: `Inspect paint on door ${i}`, requires: { inspect: 1 } })),
    ];
    await s.t.ok(s.supervisor, 'tasks.createBatch', { tasks: history });
    const text = 're-inspect weld seam on part 4711 at station 3';
    const before = await s.t.ok(s.supervisor, 'delegation.suggest', { text });
    expect(before.trainedOn).toBe(11);
    const pInspect = (x: typeof before) => (x.type === 'inspect' ? x.confidence : (x.alternatives.find((a) => a.type === 'inspect')?.p ?? 0));
    for (let i = 0; i < 2; i++) {
      await s.t.ok(s.supervisor, 'delegation.correct', { text: `re-inspect weld seam on part ${100 + i}`, type: 'inspect', requires: { inspect: 3 } });
    }
    const after = await s.t.ok(s.supervisor, 'delegation.suggest', { text });
    expect(after.type).toBe('inspect');
    expect(pInspect(after)).toBeGreaterThan(pInspect(before));
    expect(after.skills).toMatchObject({ inspect: expect.any(Number) });
    expect(await s.t.call(s.operator, 'delegation.suggest', { text })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('delegation.simulate', () => {
  const csv = (n: number) =>
    [
      'type,title,priority,requires,arrivalMinutes,deadlineMinutes',
      ...Array.from({ length: n }, (_, i) =>
        [i % 3 === 0 ? 'paint' : 'weld', `job ${i}`, ['high', 'normal', 'low'][i % 3], i % 3 === 0 ? 'paint:1' : `weld:${1 + (i % 2)}`, (i * 0.5).toFixed(1), i * 0.5 + 90].join(','),
      ),
    ].join('\n');

  it('is deterministic for a seed and answers the base and every scenario', async () => {
    const s = await openSite();
    const a = await s.agent({ name: 'Weld 1', kind: 'robot', skills: { weld: 3, paint: 1 } });
    const b = await s.agent({ name: 'Weld 2', kind: 'robot', skills: { weld: 2 } });
    const c = await s.agent({ name: 'Painter', kind: 'human', skills: { paint: 2 } });
    s.present(a, b);
    const input = {
      source: 'csv' as const,
      csv: csv(300),
      horizonHours: 12,
      seed: 7,
      scenarios: [
        { name: 'Another welder', addAgents: [{ name: 'Weld 3', kind: 'robot' as const, likeAgentId: a.id }] },
        { name: 'Without Weld 2', removeAgentIds: [b.id] },
        { name: 'Painter on early shift', shifts: [{ agentId: c.id, availability: [{ kind: 'shift' as const, start: '06:00', end: '10:00' }] }] },
        { name: 'Cheap first', weights: { cost: 1, success: 0.1 } },
      ],
    };
    const one = await s.t.ok(s.supervisor, 'delegation.simulate', input);
    const two = await s.t.ok(s.supervisor, 'delegation.simulate', input);
    expect(one.rows.map((r) => r.name)).toEqual(['Current policy', 'Another welder', 'Without Weld 2', 'Painter on early shift', 'Cheap first']);
    expect(one.rows[0]).toMatchObject({ isBase: true, delta: { makespanMs: 0 } });
    expect(one.tasks).toBe(300);
    expect(one.agents).toBe(3);
    expect(two.rows).toEqual(one.rows);
    const base = one.rows[0]!;
    expect(base.completed + base.failed + base.unfinished).toBe(300);
    expect(base.utilisation.map((u) => u.name).sort()).toEqual(['Painter', 'Weld 1', 'Weld 2']);
    expect(one.rows[1]!.utilisation).toHaveLength(4);
    expect(one.rows[1]!.makespanMs).toBeLessThanOrEqual(base.makespanMs);
    expect(one.rows[2]!.makespanMs).toBeGreaterThanOrEqual(base.makespanMs);
    expect(base.bottleneck.summary.length).toBeGreaterThan(0);
    const other = await s.t.ok(s.supervisor, 'delegation.simulate', { ...input, seed: 8, scenarios: [] });
    expect(other.rows).toHaveLength(1);
    expect(await s.t.call(s.operator, 'delegation.simulate', input)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('simulates the queue as it is, skipping nothing that waits, and reports bad CSV lines', async () => {
    const s = await openSite();
    const w = await s.agent({ name: 'W', kind: 'robot', skills: { weld: 3 } });
    s.present(w);
    for (let i = 0; i < 5; i++) await s.task({ type: 'weld', requires: { weld: 1 } });
    const q = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'queue', seed: 1 });
    expect(q).toMatchObject({ tasks: 5, agents: 1 });
    expect(q.rows[0]!.completed + q.rows[0]!.failed + q.rows[0]!.unfinished).toBe(5);
    const bad = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'csv', seed: 1, csv: 'type,priority\nweld,urgent\nweld,high\n,low' });
    expect(bad.tasks).toBe(1);
    expect(bad.warnings).toEqual(['line 2: unknown priority "urgent"', 'line 4: bad or missing type ""']);
    expect(await s.t.call(s.supervisor, 'delegation.simulate', { source: 'csv', seed: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  // The site's clock says Monday 09:00 UTC (the settings' zone); tomorrow's early shift starts at 06:00.
  const tomorrowAt6 = Date.UTC(2026, 2, 3, 6, 0);
  const early = [{ kind: 'shift' as const, start: '06:00', end: '08:00' }];

  it('lays shifts out from a later start: the queue arrives then and an early shift works at once', async () => {
    const s = await openSite();
    await s.agent({ name: 'Early', kind: 'human', skills: { weld: 2 }, capacity: 5, availability: early });
    for (let i = 0; i < 5; i++) await s.task({ type: 'weld', requires: { weld: 1 } });
    const now = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'queue', seed: 1, horizonHours: 4 });
    const tomorrow = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'queue', seed: 1, horizonHours: 4, startAt: tomorrowAt6 });
    expect(now).toMatchObject({ startAt: s.clock.now(), currentStatus: true, tasks: 5 });
    expect(tomorrow).toMatchObject({ startAt: tomorrowAt6, currentStatus: false, tasks: 5 });
    // From now the tasks wait for tomorrow's shift (21 h); from tomorrow 06:00 they start at once.
    expect(now.rows[0]!.waits.p50Ms).toBe(21 * 60 * MIN);
    expect(tomorrow.rows[0]!.waits.p95Ms).toBe(0);
    expect(tomorrow.rows[0]!.utilisation[0]!.attempts).toBeGreaterThanOrEqual(5);

    // CSV minutes count from the start: 07:30 is inside tomorrow's shift, 10:30 today is not.
    const csv = 'type,requires,arrivalMinutes\nweld,weld:1,90\nweld,weld:1,90';
    const fromTomorrow = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'csv', csv, seed: 1, startAt: tomorrowAt6 });
    expect(fromTomorrow.rows[0]!.waits.p95Ms).toBe(0);
    const fromNow = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'csv', csv, seed: 1 });
    expect(fromNow.rows[0]!.waits.p50Ms).toBe(19.5 * 60 * MIN);
  });

  it("plans with people away or on a break now, and busy agents: only shifts and breaks gate them", async () => {
    const s = await openSite();
    const away = await s.agent({ name: 'Ann', kind: 'human', skills: { weld: 2 }, capacity: 2, availability: early, presence: 'away' });
    const onBreak = await s.agent({ name: 'Bob', kind: 'human', skills: { weld: 2 }, capacity: 2, availability: early, presence: 'on_break' });
    const busy = await s.agent({ name: 'R1', kind: 'robot', skills: { weld: 2 }, capacity: 2, status: 'busy', availability: [{ kind: 'maintenance', start: '00:00', end: '06:00' }] });
    const csv = ['type,requires,arrivalMinutes', ...Array.from({ length: 6 }, () => 'weld,weld:1,0')].join('\n');
    const r = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'csv', csv, seed: 1, horizonHours: 2, startAt: tomorrowAt6 });
    const attempts = new Map(r.rows[0]!.utilisation.map((u) => [u.agentId, u.attempts]));
    expect(attempts.get(away.id)).toBeGreaterThan(0);
    expect(attempts.get(onBreak.id)).toBeGreaterThan(0);
    expect(attempts.get(busy.id)).toBeGreaterThan(0);
    expect(r.rows[0]!.waits.p95Ms).toBe(0);
    // Starting now, busy does not count either: the robot (no maintenance at 09:00) works.
    const now = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'csv', csv, seed: 1, horizonHours: 2 });
    expect(now.rows[0]!.utilisation.find((u) => u.agentId === busy.id)!.attempts).toBeGreaterThan(0);
    expect(now.warnings).toEqual([]);
  });

  it('keeps a faulted, e-stopped, offline or paused robot out of a run that starts now, not of one tomorrow', async () => {
    const s = await openSite();
    const names = ['fault', 'estopped', 'offline', 'paused'] as const;
    for (const status of names) await s.agent({ name: `R-${status}`, kind: 'robot', skills: { weld: 2 }, status });
    const csv = ['type,requires,arrivalMinutes', ...Array.from({ length: 4 }, () => 'weld,weld:1,0')].join('\n');
    const now = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'csv', csv, seed: 1, horizonHours: 2 });
    expect(now.currentStatus).toBe(true);
    expect(now.rows[0]).toMatchObject({ completed: 0, failed: 0, unfinished: 4 });
    expect(now.rows[0]!.utilisation.every((u) => u.attempts === 0)).toBe(true);
    expect(now.warnings).toEqual(
      ['4 agents take no work because of their current status, which counts for a start within the hour: R-estopped (estopped), R-fault (fault), R-offline (offline), R-paused (paused)'],
    );
    // Within the hour still counts as now; later, everyone not removed by a scenario plans to work.
    const soon = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'csv', csv, seed: 1, horizonHours: 2, startAt: s.clock.now() + 50 * MIN });
    expect(soon.rows[0]!.unfinished).toBe(4);
    const later = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'csv', csv, seed: 1, horizonHours: 2, startAt: s.clock.now() + 2 * 60 * MIN });
    expect(later).toMatchObject({ currentStatus: false, warnings: [] });
    expect(later.rows[0]!.unfinished).toBe(0);
    expect(later.rows[0]!.utilisation.filter((u) => u.attempts > 0)).toHaveLength(4);

    // A robot whose status says available but that never connected takes no work now either
    // (as in the queue), and is named so; once it reports in, it works.
    const quiet = await s.agent({ name: 'R-quiet', kind: 'robot', skills: { weld: 2 } });
    const unheard = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'csv', csv, seed: 1, horizonHours: 2 });
    expect(unheard.rows[0]!.unfinished).toBe(4);
    expect(unheard.warnings[0]).toMatch(/^5 agents take no work .*R-quiet \(not connected\)/);
    s.present(quiet);
    s.clock.advance(1000);
    const heard = await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'csv', csv, seed: 1, horizonHours: 2 });
    expect(heard.rows[0]!.utilisation.find((u) => u.agentId === quiet.id)!.attempts).toBeGreaterThan(0);
    expect(heard.warnings[0]).not.toMatch(/R-quiet/);
  });

  it('refuses a start in the past or more than 14 days ahead, and changes nothing', async () => {
    const s = await openSite();
    await s.agent({ name: 'W', kind: 'robot', skills: { weld: 3 } });
    await s.task({ type: 'weld', requires: { weld: 1 } });
    const before = await s.t.ok(s.operator, 'tasks.list', {});
    const seen = s.supervisor.messages.length;
    const now = s.clock.now();
    for (const startAt of [now - 2 * MIN, now + 14 * 24 * 60 * MIN + MIN, 0]) {
      const r = await s.t.call(s.supervisor, 'delegation.simulate', { source: 'queue', seed: 1, startAt, runId: 'refused' });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { field: 'startAt' } } });
    }
    expect(await s.t.call(s.supervisor, 'delegation.simulate', { source: 'queue', seed: 1, startAt: -1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(events(s.supervisor, seen, 'delegation.simulationProgressed')).toEqual([]);
    expect(await s.t.ok(s.operator, 'tasks.list', {})).toEqual(before);
    // A start a few seconds ago (the form took a while) is now; 14 days ahead is the limit.
    expect((await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'queue', seed: 1, startAt: now - 30_000 })).startAt).toBe(now);
    expect((await s.t.ok(s.supervisor, 'delegation.simulate', { source: 'queue', seed: 1, startAt: now + 14 * 24 * 60 * MIN })).startAt).toBe(now + 14 * 24 * 60 * MIN);
  });

  it('runs 10,000 tasks in a few seconds without holding the thread, telling only its caller how far it is', async () => {
    const s = await openSite();
    const fleet: AgentDto[] = [];
    for (let i = 0; i < 12; i++) fleet.push(await s.agent({ name: `R${i}`, kind: (['robot', 'software', 'human'] as const)[i % 3]!, skills: { weld: 1 + (i % 3), paint: 1 + (i % 2) }, capacity: 2 }));
    s.present(...fleet);
    // Another supervisor watches every broadcast event: a run's progress is not among them.
    const watcher = await s.t.signIn('supervisor', 'watcher');
    const detach = s.t.host.bridge.attach(watcher);
    const arrivals: number[] = [];
    const send = s.supervisor.send;
    s.supervisor.send = (m) => {
      if (m.type === 'event' && m.name === 'delegation.simulationProgressed') arrivals.push(performance.now());
      send(m);
    };
    const seen = s.supervisor.messages.length;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const r = await s.t.ok(s.supervisor, 'delegation.simulate', {
      source: 'csv',
      csv: csv(10_000),
      seed: 3,
      horizonHours: 168,
      runId: 'run-42',
      scenarios: [{ name: 'Without R0', removeAgentIds: [(await s.t.ok(s.operator, 'agents.list', {})).agents.find((a) => a.name === 'R0')!.id] }],
    });
    const took = performance.now() - started;
    clearInterval(timer);
    detach();
    expect(r.tasks).toBe(10_000);
    expect(took).toBeLessThan(10_000);
    // The event loop kept turning while it ran.
    expect(ticks).toBeGreaterThan(took / 100);

    const progress = events(s.supervisor, seen, 'delegation.simulationProgressed').map((m) => m.payload as EventPayload<'delegation.simulationProgressed'>);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    // The first report comes at once: the base, nothing settled yet.
    expect(progress[0]).toEqual({ runId: 'run-42', scenario: 'Current policy', scenarioIndex: 0, scenarios: 2, done: 0, total: 10_000 });
    for (const p of progress) expect(p).toMatchObject({ runId: 'run-42', scenarios: 2, total: 10_000 });
    // Rows in order, and within a row the settled count only grows, up to what the row settled.
    for (let i = 1; i < progress.length; i++) {
      const [a, b] = [progress[i - 1]!, progress[i]!];
      expect(b.scenarioIndex).toBeGreaterThanOrEqual(a.scenarioIndex);
      if (b.scenarioIndex === a.scenarioIndex) expect(b.done).toBeGreaterThanOrEqual(a.done);
      expect(b.scenario).toBe(b.scenarioIndex === 0 ? 'Current policy' : 'Without R0');
    }
    const base = r.rows[0]!;
    expect(Math.max(...progress.filter((p) => p.scenarioIndex === 0).map((p) => p.done))).toBeLessThanOrEqual(base.completed + base.failed);
    // Throttled: the spacing is checked exactly with a fake clock in what-if.test.ts; here, on a
    // real and possibly busy machine, a send can lag its check, so only "far apart" is asserted.
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThan(50);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(took / 100) + 1);
    expect(events(watcher, 0, 'delegation.simulationProgressed')).toEqual([]);
  });

  it('stops telling a caller whose session was locked during the run', async () => {
    const s = await openSite();
    const robots: AgentDto[] = [];
    for (let i = 0; i < 6; i++) robots.push(await s.agent({ name: `R${i}`, kind: 'robot', skills: { weld: 2, paint: 1 }, capacity: 2 }));
    s.present(...robots);
    const conn = await s.t.signIn('supervisor', 'locker');
    let lockedAt = Infinity;
    const after: number[] = [];
    let first!: () => void;
    const firstSeen = new Promise<void>((resolve) => (first = resolve));
    const send = conn.send;
    conn.send = (m) => {
      if (m.type === 'event' && m.name === 'delegation.simulationProgressed') {
        if (performance.now() > lockedAt) after.push(performance.now());
        first();
      }
      send(m);
    };
    const run = s.t.call(conn, 'delegation.simulate', { source: 'csv', csv: csv(10_000), seed: 5, horizonHours: 168, runId: 'locked-run' });
    await firstSeen;
    lockedAt = performance.now();
    expect(await s.t.call(conn, 'auth.lock', {})).toMatchObject({ ok: true });
    const r = await run;
    const ranOn = performance.now() - lockedAt;
    expect(r.ok).toBe(true);
    // It went on long enough for several more reports, and none reached the locked screen.
    expect(ranOn).toBeGreaterThan(300);
    expect(after).toEqual([]);
  });
});
