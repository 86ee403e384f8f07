// WebSocket /v1/agent and the key it was opened with, over a real gateway and a real ws client:
// a revoked key ends the socket (4001) and no task reaches it afterwards; a revocation by another
// process (no event) is caught by the periodic check; frames take from the key's rate limit
// without losing credit; the key's last use is recorded coarsely, not per frame.
import { afterEach, describe, expect, it } from 'vitest';
import { SOCKET_CLOSE } from './server';
import { connectAgentSocket, openEnv, until, type AgentSocketClient, type Env } from './test-env';

type Client = AgentSocketClient;
const connect = (e: Env, key: string): Promise<Client> => connectAgentSocket(e, key);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('agent socket and its API key', () => {
  it('closes the socket with 4001 when its key is revoked; a task created afterwards is not pushed to it and another agent claims it', async () => {
    const e = (env = await openEnv());
    const { key, secret } = e.t.host.agents.createKey(e.agentId, ['agent']);
    const c = await connect(e, secret);
    await c.next('welcome');
    c.ws.send(JSON.stringify({ type: 'ready', credit: 5 }));
    await until(() => e.gw.longPolls === 1, 5000, 'the socket claim to wait');

    e.t.host.agents.revokeKey(key.id);
    expect(await c.closed).toEqual({ code: SOCKET_CLOSE.keyRevoked, reason: 'the API key was revoked or is no longer valid' });
    // Its waiting claim ended with it: nothing is held for the revoked key.
    expect(e.gw.longPolls).toBe(0);

    const created = await e.api('POST', '/v1/tasks', { key: e.keys.submit, body: { type: 'weld.seam' } });
    expect(created.status).toBe(201);
    await sleep(200);
    expect((await e.api('GET', `/v1/tasks/${created.body.id}`)).body).toMatchObject({ state: 'ready', assignedAgentId: null });
    expect(c.messages.filter((m) => m.type === 'assigned')).toEqual([]);
    expect(e.t.host.audit.list({ limit: 5 }).entries.some((a) => a.action === 'gateway.claim')).toBe(false);

    const other = e.t.host.agents.create({ name: 'worker-2', kind: 'software' });
    const otherKey = e.t.host.agents.createKey(other.id, ['agent']).secret;
    const claimed = await e.api('POST', '/v1/claim', { key: otherKey, body: { max: 1 } });
    expect(claimed.body.tasks.map((t: { id: string }) => t.id)).toEqual([created.body.id]);
    // The upgrade is refused from now on.
    await expect(connect(e, secret)).rejects.toThrow('HTTP 401');
  });

  it('puts the tasks back to ready when the key is revoked while a claim for the socket commits', async () => {
    const e = (env = await openEnv());
    const { key, secret } = e.t.host.agents.createKey(e.agentId, ['agent']);
    const c = await connect(e, secret);
    await c.next('welcome');
    c.ws.send(JSON.stringify({ type: 'ready', credit: 1 }));
    await until(() => e.gw.longPolls === 1, 5000, 'the socket claim to wait');
    // The claim has committed (the task runs for worker-1) but its answer has not reached the socket yet.
    const off = e.t.host.bus.onDidEmit(({ name, payload }) => {
      if (name === 'task.updated' && (payload as { state: string }).state === 'running') {
        off();
        e.t.host.agents.revokeKey(key.id);
      }
    });
    const [task] = e.t.host.tasks.createBatch([{ type: 'weld.seam' }], { name: 'admin' });
    expect((await c.closed).code).toBe(SOCKET_CLOSE.keyRevoked);
    const back = await until(() => {
      const t = e.t.host.tasks.getOrThrow(task!.id);
      return t.state === 'ready' ? t : undefined;
    }, 5000, 'the task to be put back');
    expect(back.assignedAgentId).toBeNull();
    expect(e.t.host.tasks.details(task!.id).timeline.at(-1)).toMatchObject({ kind: 'released', from: 'running', to: 'ready' });
    expect(c.messages.filter((m) => m.type === 'assigned')).toEqual([]);
  });

  it('leaves the sockets of the same agent opened with other keys open', async () => {
    const e = (env = await openEnv());
    const a = e.t.host.agents.createKey(e.agentId, ['agent']);
    const b = e.t.host.agents.createKey(e.agentId, ['agent']);
    const ca = await connect(e, a.secret);
    const cb = await connect(e, b.secret);
    await Promise.all([ca.next('welcome'), cb.next('welcome')]);
    e.t.host.agents.revokeKey(a.key.id);
    expect((await ca.closed).code).toBe(SOCKET_CLOSE.keyRevoked);
    cb.ws.send(JSON.stringify({ type: 'ready', credit: 1 }));
    const created = await e.api('POST', '/v1/tasks', { key: e.keys.submit, body: { type: 'weld.seam' } });
    expect((await cb.next('assigned')).tasks[0].id).toBe(created.body.id);
    cb.ws.close();
  });

  it('catches a revocation made by another process (no event) on its periodic check', async () => {
    const e = (env = await openEnv({ keyRecheckMs: 50 }));
    const { key, secret } = e.t.host.agents.createKey(e.agentId, ['agent']);
    const c = await connect(e, secret);
    await c.next('welcome');
    // What `delegate keys revoke` does from its own process: the host hears nothing.
    e.t.host.database.sqlite.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(e.t.clock.now(), key.id);
    expect((await c.closed).code).toBe(SOCKET_CLOSE.keyRevoked);
  });

  it('counts frames against the key rate limit: over it the credit waits (an error frame says so) and is not lost', async () => {
    // The upgrade takes one token, the first frame the other; the clock does not move, so the
    // bucket stays empty (the socket's wait is real time).
    const e = (env = await openEnv({ rateLimit: { perSecond: 1, burst: 2 } }));
    const c = await connect(e, e.keys.agent);
    await c.next('welcome');
    c.ws.send(JSON.stringify({ type: 'ready', credit: 1 }));
    c.ws.send(JSON.stringify({ type: 'ready', credit: 1 }));
    expect((await c.next('error')).error).toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: 1 } });
    // The same bucket as the key's HTTP requests.
    expect((await e.api('GET', '/v1/whoami', { key: e.keys.agent })).status).toBe(429);
    e.t.host.tasks.createBatch([{ type: 'a' }, { type: 'b' }], { name: 'admin' });
    const pushed: string[] = [];
    while (pushed.length < 2) pushed.push(...(await c.next('assigned')).tasks.map((t: { id: string }) => t.id));
    expect(pushed).toHaveLength(2);
    // The refused frame and the refused request.
    expect((await e.gw.metrics.rateLimited.get()).values[0]?.value).toBe(2);
    c.ws.close();
  });

  it('records the key last use while the socket is open, at most once a minute however many frames come', async () => {
    const e = (env = await openEnv({ keyRecheckMs: 50 }));
    const { key, secret } = e.t.host.agents.createKey(e.agentId, ['agent']);
    const lastUsed = () => e.t.host.agents.listKeys(e.agentId).find((k) => k.id === key.id)!.lastUsedAt;
    const c = await connect(e, secret);
    await c.next('welcome');
    const first = lastUsed();
    expect(first).toBe(e.t.clock.now());
    e.t.clock.advance(30_000);
    for (let i = 0; i < 20; i++) c.ws.send(JSON.stringify({ type: 'ready', credit: 1 }));
    await sleep(200);
    expect(lastUsed()).toBe(first);
    e.t.clock.advance(31_000);
    await until(() => lastUsed() === e.t.clock.now(), 5000, 'the last use to be recorded');
    c.ws.close();
  });
});
