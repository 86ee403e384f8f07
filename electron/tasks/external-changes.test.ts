// What the `delegate` CLI commits on its own connection while a host runs on the same data folder
// reaches the host's bus on the host's next tick: a running task's cancel request (pushed to the
// agent's WebSocket), tasks it creates, agents and keys; the host's own writes are not repeated.
/* eslint-disable @typescript-eslint/no-explicit-any -- frames are parsed JSON, read field by field in assertions */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventName, EventPayload, TaskSummary } from '../../preload/contract';
import { openCliContext, type CliContext } from '../cli/context';
import { openEnv, until, type Env } from '../gateway/test-env';
import type { Host } from '../host';
import { openTestHost, REPO_ROOT, type TestHost } from '../testing/harness';
import { ExternalChanges } from './external-changes';

type Heard = { name: EventName; payload: EventPayload<EventName> };

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function hostAndCli(overrides: Parameters<typeof openTestHost>[0] = {}): Promise<{ t: TestHost; cli: CliContext; heard: Heard[] }> {
  const t = await openTestHost({ taskTickMs: 0, tasks: { shutdownGraceMs: 0 }, ...overrides });
  open.push(t);
  const cli = openCliContext(t.dataDir, { appRoot: REPO_ROOT });
  open.push(cli);
  const heard: Heard[] = [];
  t.host.bus.onDidEmit((e) => heard.push(e));
  return { t, cli, heard };
}

async function runningTask(host: Host, agentName = 'worker-1'): Promise<TaskSummary> {
  const agent = host.agents.create({ name: agentName, kind: 'software', capacity: 5 });
  host.tasks.create({ type: 'weld.seam' });
  const [task] = await host.tasks.claim(agent.id, 1);
  expect(task).toMatchObject({ state: 'running', assignedAgentId: agent.id });
  return task!;
}

const cancelViaCli = (cli: CliContext, id: string, reason: string) =>
  cli.write('tasks.cancel', id, { id, reason }, () => cli.tasks.cancel(id, reason, { name: 'cli' }));

describe('external changes', () => {
  it('announces a cancel request made through another connection as task.updated on the next check', async () => {
    const { t, cli, heard } = await hostAndCli();
    const task = await runningTask(t.host);
    // A tick after the host's own writes: nothing to repeat.
    expect(t.host.externalChanges.check()).toBeNull();
    heard.length = 0;

    cancelViaCli(cli, task.id, 'stop from the CLI');
    expect(heard).toEqual([]);
    expect(t.host.externalChanges.check()).toEqual({ tasks: 1, agents: 0, keys: 0 });
    expect(heard).toEqual([
      {
        name: 'task.updated',
        payload: expect.objectContaining({ id: task.id, state: 'running', cancelRequested: true, cancelReason: 'stop from the CLI' }),
      },
    ]);
    expect(t.host.externalChanges.check()).toBeNull();
    expect(heard).toHaveLength(1);
  });

  it('announces nothing for the host own writes, and nothing when nobody wrote', async () => {
    const { t, heard } = await hostAndCli();
    expect(t.host.externalChanges.check()).toBeNull();
    const task = await runningTask(t.host);
    t.host.tasks.cancel(task.id, 'stop from the app');
    t.host.tasks.create({ type: 'paint' });
    t.host.agents.createKey(task.assignedAgentId!, ['agent']);
    t.host.tasks.flush();
    heard.length = 0;
    expect(t.host.externalChanges.check()).toBeNull();
    expect(t.host.externalChanges.check()).toBeNull();
    expect(heard).toEqual([]);
  });

  it('announces a task created elsewhere as task.created and agents and keys changed elsewhere', async () => {
    const { t, cli, heard } = await hostAndCli();
    const agent = cli.write('agents.create', 'robot-9', {}, () => cli.agents.create({ name: 'robot-9', kind: 'robot' }));
    const key = cli.write('agents.createKey', 'robot-9', {}, () => cli.agents.createKey(agent.id, ['agent']));
    const created = cli.tasks.create({ type: 'inspect' });
    const version = t.host.agents.version;
    expect(t.host.externalChanges.check()).toEqual({ tasks: 1, agents: 1, keys: 1 });
    // Caches built on the registry's version (the delegation roster) are rebuilt: the new agent is in it.
    expect(t.host.agents.version).toBeGreaterThan(version);
    expect(t.host.delegation.rosterWithLoads().map((a) => a.name)).toContain('robot-9');
    expect(heard.map((e) => e.name).sort()).toEqual(['agent.changed', 'agent.keysChanged', 'task.created']);
    expect(heard.find((e) => e.name === 'task.created')!.payload).toMatchObject({ id: created.id, state: 'ready' });
    expect(heard.find((e) => e.name === 'agent.changed')!.payload).toMatchObject({ id: agent.id, name: 'robot-9' });

    heard.length = 0;
    cli.write('agents.revokeKey', key.key.id, {}, () => cli.agents.revokeKey(key.key.id));
    expect(t.host.externalChanges.check()).toEqual({ tasks: 0, agents: 0, keys: 1 });
    expect(heard).toEqual([{ name: 'agent.keysChanged', payload: { agentId: agent.id } }]);
  });

  it('reads at most maxEvents timeline rows per check and goes on at the next one', async () => {
    const { t, cli, heard } = await hostAndCli();
    const watcher = new ExternalChanges(t.host.database.sqlite, t.host.bus, t.host.agents, { maxEvents: 2 });
    const ids = [1, 2, 3, 4, 5].map((i) => cli.tasks.create({ type: `t${i}` }).id);
    const announced = () => heard.filter((e) => e.name === 'task.created').map((e) => (e.payload as TaskSummary).id);
    expect(watcher.check()?.tasks).toBe(2);
    expect(watcher.check()?.tasks).toBe(2);
    expect(watcher.check()?.tasks).toBe(1);
    expect(watcher.check()).toBeNull();
    expect(announced().sort()).toEqual(ids.sort());
  });

  it('is checked by the host tick timer', async () => {
    const { t, cli, heard } = await hostAndCli({ taskTickMs: 20 });
    const task = await runningTask(t.host);
    cancelViaCli(cli, task.id, 'stop');
    await until(() => heard.some((e) => e.name === 'task.updated' && (e.payload as TaskSummary).cancelRequested), 5000, 'the tick to announce');
  });
});

describe('external changes and the agent WebSocket', () => {
  let env: Env;

  function connect(key: string): Promise<{ ws: WebSocket; next(type: string): Promise<any>; closed: Promise<number> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${env.gw.url.replace('http', 'ws')}/v1/agent`, { headers: { authorization: `Bearer ${key}` } });
      const messages: any[] = [];
      ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
      const next = (type: string) =>
        until(() => {
          const i = messages.findIndex((m) => m.type === type);
          return i >= 0 ? messages.splice(i, 1)[0] : undefined;
        }, 5000, `a ${type} frame`);
      const closed = new Promise<number>((res) => ws.once('close', (code) => res(code)));
      ws.once('open', () => resolve({ ws, next, closed }));
      ws.once('error', reject);
    });
  }

  it('pushes a cancel request made by the CLI to the running task agent, and closes a socket whose key the CLI revoked', async () => {
    env = await openEnv({ keyRecheckMs: 60_000 });
    open.push(env);
    const cli = openCliContext(env.t.dataDir, { appRoot: REPO_ROOT });
    open.push(cli);
    const c = await connect(env.keys.agent);
    await c.next('welcome');
    c.ws.send(JSON.stringify({ type: 'ready', credit: 1 }));
    const created = await env.api('POST', '/v1/tasks', { key: env.keys.submit, body: { type: 'weld.seam' } });
    const [pushed] = (await c.next('assigned')).tasks;
    expect(pushed).toMatchObject({ id: created.body.id, state: 'running' });
    // A tick after the host's own writes: nothing to repeat.
    expect(env.t.host.externalChanges.check()).toBeNull();

    cancelViaCli(cli, pushed.id, 'stop from the CLI');
    env.t.host.externalChanges.check();
    expect(await c.next('cancel')).toMatchObject({ taskId: pushed.id, attempt: 1, reason: 'stop from the CLI' });

    const keyId = cli.agents.listKeys(env.agentId).find((k) => k.scopes.join() === 'agent')!.id;
    cli.write('agents.revokeKey', keyId, {}, () => cli.agents.revokeKey(keyId));
    env.t.host.externalChanges.check();
    expect(await c.closed).toBe(4001);
  });
});
