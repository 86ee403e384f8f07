// The gateway in the headless host process: its own port on loopback (printed), a port already
// in use named with exit code 1, --no-gateway, and a clean SIGTERM while an agent long-polls.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCliContext } from '../cli/context';
import { PASSWORD, REPO_ROOT } from '../testing/harness';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function start(args: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'delegate-hgw-'));
  dirs.push(dataDir);
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'electron', 'headless.ts'), '--port', '0', '--data-dir', dataDir, '--admin-password', PASSWORD, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', () => {
      if ((args.includes('--no-gateway') ? /listening on http/ : /gateway listening on http/).test(out)) resolve();
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  ready.catch(() => {});
  return { proc, dataDir, exited, ready, output: () => out };
}

describe('gateway in the headless host', () => {
  it('listens on 127.0.0.1 on its own port, and shuts down cleanly on SIGTERM while an agent long-polls', async () => {
    const c = start(['--gateway-port', '0']);
    await c.ready;
    const gw = /gateway listening on (http:\/\/\S+)/.exec(c.output())?.[1];
    expect(gw).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ui = /host \(data: .*\) listening on (http:\/\/\S+)/.exec(c.output())?.[1];
    expect(ui).not.toBe(gw);
    expect(await (await fetch(`${gw}/health`)).json()).toEqual({ status: 'ok' });

    // An agent made with the CLI's services while the host runs.
    const cli = openCliContext(c.dataDir);
    const agent = cli.write('agents.create', 'poller', {}, () => cli.agents.create({ name: 'poller', kind: 'software' }));
    const key = cli.write('agents.createKey', 'poller', {}, () => cli.agents.createKey(agent.id, ['agent'])).secret;
    cli.close();
    const claim = fetch(`${gw}/v1/claim`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"waitMs":60000}' });
    const metrics = async () => (await (await fetch(`${gw}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text()).match(/delegate_gateway_long_polls (\d+)/)?.[1];
    const deadline = Date.now() + 10_000;
    while ((await metrics()) !== '1' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    c.proc.kill('SIGTERM');
    expect(await (await claim).json()).toEqual({ tasks: [] });
    expect(await c.exited).toBe(0);
  }, 30_000);

  it('names a gateway port already in use and exits 1; --no-gateway starts without one', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const busy = start(['--gateway-port', String(port)]);
      expect(await busy.exited).toBe(1);
      expect(busy.output()).toContain(`Gateway port ${port} is already in use`);
    } finally {
      blocker.close();
    }
    const none = start(['--no-gateway']);
    await none.ready;
    expect(none.output()).not.toContain('gateway listening');
  }, 30_000);
});
