// Host lifecycle: open and close the whole host (database, logger, HTTP, WebSocket bridge)
// twenty times in one process; nothing may leak.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHost } from './host';
import { startHttpServer } from './server/http';
import { PASSWORD, REPO_ROOT, TEST_PASSWORD_COST } from './testing/harness';

function activeResources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Timeout');
}

async function oneCycle(dataDir: string, withFileLog: boolean): Promise<void> {
  const host = await createHost({
    dataDir,
    mode: 'headless',
    appRoot: REPO_ROOT,
    adminPassword: PASSWORD,
    passwordCost: TEST_PASSWORD_COST,
    logToFile: withFileLog,
    logLevel: 'info',
  });
  const server = await startHttpServer({ bridge: host.bridge, log: host.log, rendererDir: join(REPO_ROOT, 'out', 'renderer'), host: '127.0.0.1', port: 0 });
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/bridge`);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
  ws.send(JSON.stringify({ type: 'call', id: 1, name: 'auth.login', input: { username: 'admin', password: PASSWORD } }));
  expect(JSON.parse(await reply)).toMatchObject({ id: 1, ok: true });
  expect(host.bridge.attachedCount).toBe(1);
  const closed = new Promise((resolve) => ws.once('close', resolve));
  await server.close();
  await host.close();
  await closed;
  expect(host.bridge.attachedCount).toBe(0);
  expect(host.bus.listenerCount).toBe(0);
  expect(host.database.sqlite.open).toBe(false);
}

describe('host lifecycle', () => {
  it('opens and closes 20 times without leaking handles or listeners', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'delegate-life-'));
    try {
      await oneCycle(dataDir, true); // warm-up: lazy module state is not a leak
      const baseline = activeResources();
      const listeners = process.listenerCount('exit') + process.listenerCount('SIGINT');
      const counts: number[] = [];
      for (let i = 0; i < 20; i++) {
        await oneCycle(dataDir, i % 5 === 0);
        counts.push(process.listenerCount('exit') + process.listenerCount('SIGINT'));
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(activeResources()).toEqual(baseline);
      // pino's on-exit-leak-free keeps at most one shared exit hook while a closed transport
      // awaits garbage collection; it must never grow with the number of cycles.
      expect(Math.max(...counts)).toBeLessThanOrEqual(listeners + 1);
      expect(counts[19]).toBeLessThanOrEqual(counts[4]!);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('close() may be called twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'delegate-life-'));
    const host = await createHost({ dataDir, mode: 'desktop', appRoot: REPO_ROOT, logLevel: 'silent', passwordCost: TEST_PASSWORD_COST });
    await Promise.all([host.close(), host.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
