// The gateway's resources: open a host with its gateway, hold a long-poll claim and an agent
// WebSocket open, then drain and close — ten times in one process. Nothing may leak (handles,
// bus listeners), and a claim waiting at shutdown is answered instead of left hanging.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHost } from '../host';
import { PASSWORD, REPO_ROOT, TEST_PASSWORD_COST } from '../testing/harness';
import { gatewayDepsOf, startGateway } from './server';
import { RateLimiter } from './rate-limit';
import { FakeClock } from '../core/clock';
import { gatewayOptionsFromEnv } from './config';

function activeResources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Timeout');
}

async function oneCycle(dataDir: string): Promise<void> {
  const host = await createHost({ dataDir, mode: 'headless', appRoot: REPO_ROOT, adminPassword: PASSWORD, passwordCost: TEST_PASSWORD_COST, logLevel: 'silent' });
  const gw = await startGateway(gatewayDepsOf(host), { host: '127.0.0.1', port: 0 });
  const agent = host.agents.byName('life') ?? host.agents.create({ name: 'life', kind: 'software' });
  const key = host.agents.createKey(agent.id, ['agent']).secret;
  const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/v1/agent`, { headers: { authorization: `Bearer ${key}` } });
  await new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject)));
  const claim = fetch(`${gw.url}/v1/claim`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ waitMs: 60_000 }),
  });
  // A wall-clock deadline, not a count of event-loop turns: under CI load the request can take longer than many turns.
  const deadline = Date.now() + 10_000;
  while (gw.longPolls === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  expect(gw.longPolls).toBe(1);
  const closed = new Promise((resolve) => ws.once('close', resolve));
  await gw.drain();
  const answer = await claim;
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ tasks: [] });
  await gw.close();
  await closed;
  await host.close();
  expect(host.bus.listenerCount).toBe(0);
}

describe('gateway lifecycle', () => {
  it('opens and closes ten times with a long poll and an agent socket open, leaking nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'delegate-gw-life-'));
    try {
      await oneCycle(dataDir); // warm-up: lazy module state is not a leak
      await new Promise((r) => setTimeout(r, 50));
      const baseline = activeResources();
      for (let i = 0; i < 10; i++) await oneCycle(dataDir);
      await new Promise((r) => setTimeout(r, 50));
      expect(activeResources()).toEqual(baseline);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('gateway rate limiter', () => {
  it('allows a burst, then one request per 1/rate seconds, per key', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ perSecond: 2, burst: 2 }, clock);
    expect([limiter.take('a').ok, limiter.take('a').ok, limiter.take('a').ok]).toEqual([true, true, false]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('b').ok).toBe(true);
    clock.advance(500);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    expect(new RateLimiter({ perSecond: 0, burst: 0 }, clock).take('x').ok).toBe(true);
  });
});

describe('desktop gateway settings', () => {
  it('reads DELEGATE_GATEWAY_PORT / _HOST / _RATE, defaulting to 127.0.0.1:4381', () => {
    expect(gatewayOptionsFromEnv({})).toMatchObject({ host: '127.0.0.1', port: 4381, rateLimit: { perSecond: 500 } });
    expect(gatewayOptionsFromEnv({ DELEGATE_GATEWAY_PORT: 'off' })).toBeNull();
    expect(gatewayOptionsFromEnv({ DELEGATE_GATEWAY_PORT: '0', DELEGATE_GATEWAY_HOST: '0.0.0.0', DELEGATE_GATEWAY_RATE: '0' })).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      rateLimit: { perSecond: 0 },
    });
    expect(() => gatewayOptionsFromEnv({ DELEGATE_GATEWAY_PORT: 'eighty' })).toThrow(/DELEGATE_GATEWAY_PORT/);
  });
});
