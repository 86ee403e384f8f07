// @vitest-environment node
// Large joint rounds in a real worker thread (joint-worker.ts through tsx): the same picks as the
// engine on this thread, models kept in step by replay or snapshot, and every failure of the
// worker (crash, error, silence) ending in the main-thread answer, never in a lost round.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { DelegationEngine, type JointDecision } from './engine';
import { JointWorkerPool, spawnJointWorker, type JointPoolLog, type JointPoolOptions } from './joint-pool';
import { SeededRandom } from './rng';
import type { DelegationAgent, DelegationTask, TaskPriority } from './types';

const NOW = Date.UTC(2026, 11, 1, 10, 0);
const HOUR = 3_600_000;
const SKILLS = ['weld', 'paint', 'pick', 'inspect', 'pack'];
const PRIORITIES: TaskPriority[] = ['critical', 'high', 'normal', 'low'];

function site(seed: number): { agents: DelegationAgent[]; tasks: DelegationTask[] } {
  const r = new SeededRandom(seed);
  const agents: DelegationAgent[] = Array.from({ length: 160 }, (_, i) => {
    const skills: Record<string, number> = {};
    for (const s of SKILLS) if (r.next() < 0.45) skills[s] = 1 + r.int(5);
    const kind = (['robot', 'software', 'human'] as const)[i % 3]!;
    return {
      id: `a${i}`,
      name: `Agent ${i}`,
      kind,
      status: r.next() < 0.9 ? 'available' : 'busy',
      skills,
      capacity: 1 + r.int(3),
      load: 0,
      zone: ['A', 'B'][r.int(2)]!,
      costPerHour: kind === 'human' ? 40 : 10,
      ...(kind === 'human' ? { shifts: [{ start: NOW - HOUR, end: NOW + 4 * HOUR }] } : {}),
    };
  });
  const tasks: DelegationTask[] = Array.from({ length: 400 }, (_, i) => {
    const skill = SKILLS[r.int(SKILLS.length)]!;
    return {
      id: `t${i}`,
      type: skill,
      priority: PRIORITIES[r.int(4)]!,
      requires: { [skill]: 1 + r.int(4) },
      deadline: r.next() < 0.3 ? NOW + (1 + r.int(6)) * HOUR : null,
      zone: r.next() < 0.5 ? ['A', 'B'][r.int(2)]! : null,
    };
  });
  return { agents, tasks };
}

function teach(e: DelegationEngine, agents: readonly DelegationAgent[], n: number, seed: number): void {
  const r = new SeededRandom(seed);
  for (let i = 0; i < n; i++) {
    const a = agents[r.int(agents.length)]!;
    const held = Object.keys(a.skills);
    if (held.length === 0) continue;
    e.observe({
      agentId: a.id,
      taskType: held[r.int(held.length)]!,
      success: r.next() < 0.85,
      durationMs: 600_000 * Math.exp(0.4 * r.normal()),
      at: NOW - HOUR + i,
      margin: r.int(3),
      group: a.kind,
    });
  }
}

function setup(seed = 7, rate = 0.5) {
  const random = new SeededRandom(seed);
  const engine = new DelegationEngine({ random, config: { exploration: { rate } } });
  const { agents, tasks } = site(seed);
  teach(engine, agents, 3000, seed + 1);
  return { random, engine, agents, tasks };
}

/** What the engine gives on this thread for the round the pool was asked (same coin and seed from the same Random state). */
function onThisThread(s: ReturnType<typeof setup>, state: ReturnType<SeededRandom['getState']>): JointDecision {
  const after = s.random.getState();
  s.random.setState(state);
  const job = s.engine.jointJob(s.tasks, s.agents, NOW);
  s.random.setState(after);
  return s.engine.decideJointSync(job.tasks, job.agents, NOW, { topK: job.topK, explore: job.explore, ...(job.seed !== null ? { seed: job.seed } : {}) });
}

function recorder(): JointPoolLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_d, m) => void lines.push(`warn: ${m}`), error: (_d, m) => void lines.push(`error: ${m}`) };
}

const pools: JointWorkerPool[] = [];
function pool(engine: DelegationEngine, options: JointPoolOptions = {}): JointWorkerPool {
  const p = new JointWorkerPool(engine, { syncPairs: 1000, ...options });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

/** A real worker thread running `code` instead of the joint worker. */
const evalWorker = (code: string) => () => new Worker(code, { eval: true });
const ON_MESSAGE = "const { parentPort } = require('node:worker_threads');";

describe('joint rounds in a worker thread', () => {
  it('gives the same picks as the engine on this thread, with the models kept in step', async () => {
    const s = setup();
    const p = pool(s.engine);
    let explored = 0;
    for (let round = 0; round < 4; round++) {
      if (round === 2) teach(s.engine, s.agents, 500, 99); // replayed to the worker
      if (round === 3) s.engine.restore(JSON.parse(JSON.stringify(s.engine.snapshot()))); // a new epoch: a full snapshot
      const state = s.random.getState();
      const answer = p.decide(s.tasks, s.agents, NOW);
      expect(answer).toBeInstanceOf(Promise);
      const fromWorker = await answer;
      expect(fromWorker.stats.solvedIn).toBe('worker');
      const here = onThisThread(s, state);
      expect(fromWorker.assignments).toEqual(here.assignments);
      expect(fromWorker.unassigned).toEqual(here.unassigned);
      expect(fromWorker.assignments.length).toBeGreaterThan(100);
      if (fromWorker.stats.explored) explored++;
    }
    expect(explored).toBeGreaterThan(0);
    expect(p.threadId).not.toBeNull();
  });

  it('solves small rounds at once on the calling thread without starting a worker', () => {
    const s = setup();
    const p = pool(s.engine);
    const small = p.decide(s.tasks.slice(0, 5), s.agents, NOW);
    expect(small).not.toBeInstanceOf(Promise);
    expect((small as JointDecision).stats.solvedIn).toBe('one-go');
    expect(p.threadId).toBeNull();
  });

  it('finishes the round on the main thread when the worker crashes, logs it, and starts a new worker next time', async () => {
    const s = setup();
    const log = recorder();
    let spawned = 0;
    const p = pool(s.engine, {
      log,
      spawn: () => {
        spawned++;
        return spawned === 1 ? evalWorker(`${ON_MESSAGE} parentPort.on('message', () => { throw new Error('boom'); });`)() : spawnJointWorker();
      },
    });
    const state = s.random.getState();
    const crashed = await p.decide(s.tasks, s.agents, NOW);
    expect(crashed.stats.solvedIn).toBe('slices');
    expect(crashed.assignments).toEqual(onThisThread(s, state).assignments);
    expect(log.lines).toContain('error: the joint-round worker crashed');
    expect(log.lines).toContain('warn: the joint-round worker stopped; its rounds go to the main thread');

    const next = await p.decide(s.tasks, s.agents, NOW);
    expect(next.stats.solvedIn).toBe('worker');
    expect(spawned).toBe(2);
  });

  it('finishes the round on the main thread when the worker refuses it or does not answer in time', async () => {
    const s = setup();
    const log = recorder();
    const refusing = pool(s.engine, {
      log,
      spawn: evalWorker(`${ON_MESSAGE} parentPort.on('message', (m) => { if (m.type === 'round') parentPort.postMessage({ type: 'failed', id: m.id, message: 'refused' }); });`),
    });
    let state = s.random.getState();
    const refused = await refusing.decide(s.tasks, s.agents, NOW);
    expect(refused.stats.solvedIn).toBe('slices');
    expect(refused.assignments).toEqual(onThisThread(s, state).assignments);
    expect(log.lines).toContain("warn: the joint-round worker failed a round; solving it on the main thread");

    const silent = pool(s.engine, { log, timeoutMs: 300, spawn: evalWorker(`${ON_MESSAGE} parentPort.on('message', () => {});`) });
    state = s.random.getState();
    const late = await silent.decide(s.tasks, s.agents, NOW);
    expect(late.stats.solvedIn).toBe('slices');
    expect(late.assignments).toEqual(onThisThread(s, state).assignments);
    expect(log.lines).toContain('warn: the joint-round worker did not answer in time; restarting it');
    expect(silent.threadId).toBeNull();
  });

  it('finishes the round on the main thread when the job cannot be sent to the worker', async () => {
    const s = setup();
    const log = recorder();
    const p = pool(s.engine, { log });
    // A record carrying a function cannot be cloned into another thread.
    const agents = s.agents.map((a, i) => (i === 0 ? ({ ...a, onCall: () => a.id } as DelegationAgent) : a));
    const state = s.random.getState();
    const answer = await p.decide(s.tasks, agents, NOW);
    expect(answer.stats.solvedIn).toBe('slices');
    expect(answer.assignments).toEqual(onThisThread(s, state).assignments);
    expect(log.lines).toContain('warn: a joint round could not be sent to the worker; solving it on the main thread');
    // The worker itself is fine: the next round with plain records runs in it.
    expect((await p.decide(s.tasks, s.agents, NOW)).stats.solvedIn).toBe('worker');
  });

  it('rests the worker after failures in a row and keeps answering from the main thread', async () => {
    const s = setup();
    let spawned = 0;
    const p = pool(s.engine, {
      log: recorder(),
      maxFailures: 2,
      spawn: () => {
        spawned++;
        return evalWorker('process.exit(3)')();
      },
    });
    for (let i = 0; i < 3; i++) expect((await p.decide(s.tasks, s.agents, NOW)).stats.solvedIn).toBe('slices');
    expect(spawned).toBe(2);
  });

  it('terminates the worker on close, and solves later rounds on the main thread', async () => {
    const s = setup();
    const workers: Worker[] = [];
    const p = pool(s.engine, {
      spawn: () => {
        const w = spawnJointWorker();
        workers.push(w);
        return w;
      },
    });
    expect((await p.decide(s.tasks, s.agents, NOW)).stats.solvedIn).toBe('worker');
    expect(workers).toHaveLength(1);
    const exited = once(workers[0]!, 'exit');
    await p.close();
    expect(await exited).toEqual([1]);
    expect(p.threadId).toBeNull();
    expect((await p.decide(s.tasks, s.agents, NOW)).stats.solvedIn).toBe('slices');
    expect(workers).toHaveLength(1);
  });
});
