// A host with a running gateway for tests: one agent (worker-1, capacity 20) with a key per
// scope, a fetch helper that returns status + parsed body, and row counts.
/* eslint-disable @typescript-eslint/no-explicit-any -- answers are parsed JSON, read field by field in assertions */
import type { ApiKeyScope } from '../../preload/contract';
import type { HostConfig } from '../host';
import WebSocket from 'ws';
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

/* eslint-disable @typescript-eslint/no-explicit-any -- frames are parsed JSON, read field by field in assertions */
/** A ws client of /v1/agent: frames kept in order, next(type) waits for the next of a type. */
export interface AgentSocketClient {
  ws: WebSocket;
  messages: any[];
  next(type: string): Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens /v1/agent with `key` (null: no Authorization); rejects with "HTTP <status>" when the upgrade is refused. */
export function connectAgentSocket(e: Env, key: string | null): Promise<AgentSocketClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${e.gw.url.replace('http', 'ws')}/v1/agent`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    const messages: any[] = [];
    const waiters: { type: string; resolve: (m: any) => void }[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      const w = waiters.findIndex((x) => x.type === m.type);
      if (w >= 0) waiters.splice(w, 1)[0]!.resolve(m);
      else messages.push(m);
    });
    const next = (type: string) =>
      new Promise<any>((res) => {
        const i = messages.findIndex((m) => m.type === type);
        if (i >= 0) res(messages.splice(i, 1)[0]);
        else waiters.push({ type, resolve: res });
      });
    const closed = new Promise<{ code: number; reason: string }>((res) => ws.once('close', (code, reason) => res({ code, reason: reason.toString() })));
    ws.once('open', () => resolve({ ws, messages, next, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
/* eslint-enable @typescript-eslint/no-explicit-any */
