// A host with a running gateway for tests: one agent (worker-1, capacity 20) with a key per
// scope, a fetch helper that returns status + parsed body, and row counts.
/* eslint-disable @typescript-eslint/no-explicit-any -- answers are parsed JSON, read field by field in assertions */
import type { ApiKeyScope } from '../../preload/contract';
import type { HostConfig } from '../host';
import { openTestHost, type TestHost } from '../testing/harness';
import { gatewayDepsOf, startGateway, type Gateway, type GatewayOptions } from './server';

export interface Env {
  t: TestHost;
  gw: Gateway;
  keys: Record<'agent' | 'submit' | 'admin' | 'both', string>;
  agentId: string;
  api(method: string, path: string, opts?: { key?: string | null; body?: unknown; raw?: string; contentType?: string }): Promise<{ status: number; body: any; headers: Headers }>;
  counts(): { tasks: number; events: number; audit: number; agents: number; keys: number };
  close(): Promise<void>;
}

export async function openEnv(options: Partial<GatewayOptions> = {}, host: Partial<HostConfig> = {}): Promise<Env> {
  // Leftover running tasks would hold the drain for the whole grace period.
  const t = await openTestHost({ taskTickMs: 0, tasks: { shutdownGraceMs: 50 }, ...host });
  const gw = await startGateway(gatewayDepsOf(t.host), { host: '127.0.0.1', port: 0, ...options });
  const worker = t.host.agents.create({ name: 'worker-1', kind: 'software', capacity: 20, skills: { weld: 3 } });
  const key = (scopes: ApiKeyScope[]) => t.host.agents.createKey(worker.id, scopes).secret;
  const keys = { agent: key(['agent']), submit: key(['submit']), admin: key(['admin']), both: key(['agent', 'submit']) };
  const api: Env['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {};
    const key = opts.key === undefined ? keys.both : opts.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const res = await fetch(`${gw.url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // text answers (metrics)
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const counts = () => ({
    tasks: t.count('tasks'),
    events: t.count('task_events'),
    audit: t.count('audit_log'),
    agents: t.count('agents'),
    keys: t.count('api_keys'),
  });
  return {
    t,
    gw,
    keys,
    agentId: worker.id,
    api,
    counts,
    close: async () => {
      await gw.drain();
      await gw.close();
      await t.close();
    },
  };
}


/** Polls `check` until it returns a value other than undefined/false, or fails after `ms`. */
export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
