// The agent gateway end to end over real HTTP (fetch) and WebSocket against a real host (SQLite,
// migrations, queue): routes, scopes, revoked keys, rate limits, audit rows, fuzzed bad bodies
// that change nothing, the OpenAPI document and the metrics text.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { TaskBatchInput, TaskInput, type TaskDto } from '../../preload/contract';
import type { TestHost } from '../testing/harness';
import { CancelInput, ClaimInput, CompleteBatchInput, CompleteInput, FailInput, HeartbeatInput } from './protocol';
import { ROUTES } from './routes';
import { connectAgentSocket, openEnv, type Env } from './test-env';

function lastAudit(t: TestHost, n = 1) {
  return t.host.audit.list({ limit: n }).entries;
}

describe('agent gateway over HTTP', () => {
  let e: Env;
  beforeAll(async () => {
    e = await openEnv();
  });
  afterAll(async () => {
    await e.close();
  });

  it('listens on loopback and answers /health without a key', async () => {
    expect(e.gw.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await e.api('GET', '/health', { key: null });
    expect(r).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('creates a task (201, creator = the agent) and audits it in one row with the agent as actor', async () => {
    const before = e.counts();
    const r = await e.api('POST', '/v1/tasks', { body: { type: 'weld.seam', payload: { seam: 7 }, priority: 'high', idempotencyKey: 'seam-7' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ type: 'weld.seam', state: 'ready', priority: 'high', creator: 'worker-1', idempotencyKey: 'seam-7', payload: { seam: 7 } });
    const after = e.counts();
    expect(after.tasks).toBe(before.tasks + 1);
    expect(after.audit).toBe(before.audit + 1);
    expect(lastAudit(e.t)[0]).toMatchObject({ action: 'gateway.tasks.create', outcome: 'ok', actorName: 'worker-1', actorId: e.agentId, target: r.body.id });
    // The same key and content return the same task; other content is a conflict.
    const again = await e.api('POST', '/v1/tasks', { body: { type: 'weld.seam', payload: { seam: 7 }, priority: 'high', idempotencyKey: 'seam-7' } });
    expect(again.body.id).toBe(r.body.id);
    const clash = await e.api('POST', '/v1/tasks', { body: { type: 'weld.seam', payload: { seam: 8 }, idempotencyKey: 'seam-7' } });
    expect(clash).toMatchObject({ status: 409, body: { code: 'conflict' } });
  });

  it('creates a batch all or nothing, gets, lists with filters and pages, and cancels', async () => {
    const batch = await e.api('POST', '/v1/tasks/batch', {
      body: { tasks: [{ type: 'paint', ref: 'a' }, { type: 'paint', dependsOnRefs: ['a'] }, { type: 'inspect', tags: ['qc'] }] },
    });
    expect(batch.status).toBe(201);
    expect(batch.body.tasks.map((x: TaskDto) => x.state)).toEqual(['ready', 'blocked', 'ready']);
    const before = e.counts();
    const bad = await e.api('POST', '/v1/tasks/batch', { body: { tasks: [{ type: 'paint' }, { type: 'paint', dependsOn: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'] }] } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_input' } });
    expect(e.counts().tasks).toBe(before.tasks);

    const got = await e.api('GET', `/v1/tasks/${batch.body.tasks[0].id}`);
    expect(got).toMatchObject({ status: 200, body: { id: batch.body.tasks[0].id, type: 'paint' } });
    expect((await e.api('GET', '/v1/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
    expect((await e.api('GET', '/v1/tasks/not-an-id')).status).toBe(400);

    const listed = await e.api('GET', '/v1/tasks?status=ready,blocked&type=paint&limit=1');
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(2);
    expect(listed.body.tasks).toHaveLength(1);
    const next = await e.api('GET', `/v1/tasks?status=ready,blocked&type=paint&limit=1&cursor=${listed.body.nextCursor}`);
    expect(next.body.tasks[0].id).not.toBe(listed.body.tasks[0].id);
    expect((await e.api('GET', '/v1/tasks?status=bogus')).status).toBe(400);
    expect((await e.api('GET', '/v1/tasks?limit=0')).status).toBe(400);

    const cancelled = await e.api('POST', `/v1/tasks/${batch.body.tasks[0].id}/cancel`, { body: { reason: 'not needed' } });
    expect(cancelled).toMatchObject({ status: 200, body: { state: 'cancelled', cancelReason: 'not needed' } });
    // Its dependent is cancelled with it.
    expect((await e.api('GET', `/v1/tasks/${batch.body.tasks[1].id}`)).body.state).toBe('cancelled');
    expect(lastAudit(e.t)[0]).toMatchObject({ action: 'gateway.tasks.cancel', actorName: 'worker-1', target: batch.body.tasks[0].id });
    expect((await e.api('POST', `/v1/tasks/${batch.body.tasks[0].id}/cancel`, { body: {} })).status).toBe(409);
  });

  it('claims with the attempt number and idempotency key, heartbeats, completes once, and refuses a stale report', async () => {
    await e.api('POST', '/v1/tasks/batch', { body: { tasks: Array.from({ length: 3 }, (_, i) => ({ type: 'job', idempotencyKey: `job-${i}` })) } });
    const before = e.counts();
    const claim = await e.api('POST', '/v1/claim', { body: { max: 50 } });
    expect(claim.status).toBe(200);
    expect(claim.body.tasks.length).toBeGreaterThanOrEqual(3);
    const task = claim.body.tasks.find((x: TaskDto) => x.idempotencyKey === 'job-0');
    expect(task).toMatchObject({ state: 'running', attempt: 1, assignedAgentId: e.agentId });
    expect(e.counts().audit).toBe(before.audit + 1);
    expect(lastAudit(e.t)[0]).toMatchObject({ action: 'gateway.claim', outcome: 'ok', actorName: 'worker-1' });

    const hb = await e.api('POST', `/v1/tasks/${task.id}/heartbeat`, { body: { attempt: 1, progress: { percent: 40 } } });
    expect(hb).toMatchObject({ status: 200, body: { cancelRequested: false } });
    const done = await e.api('POST', `/v1/tasks/${task.id}/complete`, { body: { attempt: 1, result: { ok: true } } });
    expect(done).toMatchObject({ status: 200, body: { id: task.id, state: 'succeeded' } });
    const twice = await e.api('POST', `/v1/tasks/${task.id}/complete`, { body: { attempt: 1, result: { ok: true } } });
    expect(twice).toMatchObject({ status: 409, body: { code: 'conflict' } });
    const completions = e.t.host.database.sqlite
      .prepare("SELECT count(*) AS n FROM task_events WHERE task_id = ? AND to_state = 'succeeded'")
      .get(task.id) as { n: number };
    expect(completions.n).toBe(1);
    expect(lastAudit(e.t)[0]).toMatchObject({ action: 'gateway.complete', outcome: 'conflict', actorName: 'worker-1' });

    // fail: retryable goes back after the backoff; not retryable ends dead; omitted attempt = the one held.
    const [a, b] = claim.body.tasks.filter((x: TaskDto) => x.id !== task.id);
    expect((await e.api('POST', `/v1/tasks/${a.id}/fail`, { body: { error: 'flaky sensor' } })).body.state).toBe('failed');
    expect((await e.api('POST', `/v1/tasks/${b.id}/fail`, { body: { attempt: 1, error: { message: 'bad part', code: 'bad' }, retryable: false } })).body.state).toBe('dead');
    expect((await e.api('GET', `/v1/tasks/${b.id}`)).body.lastError).toMatchObject({ message: 'bad part', code: 'bad' });
  });

  it('takes many completions in one request: one audit row, each report answered on its own', async () => {
    await e.api('POST', '/v1/tasks/batch', { key: e.keys.submit, body: { tasks: Array.from({ length: 4 }, () => ({ type: 'bulk' })) } });
    const claimed = (await e.api('POST', '/v1/claim', { key: e.keys.agent, body: { max: 20 } })).body.tasks as TaskDto[];
    const bulk = claimed.filter((x) => x.type === 'bulk');
    expect(bulk).toHaveLength(4);
    const before = e.counts();
    const r = await e.api('POST', '/v1/complete', {
      key: e.keys.agent,
      body: { tasks: [...bulk.map((x) => ({ id: x.id, attempt: x.attempt, result: { n: 1 } })), { id: bulk[0]!.id, attempt: 1 }] },
    });
    expect(r.status).toBe(200);
    expect(r.body.results.slice(0, 4)).toEqual(bulk.map((x) => ({ id: x.id, state: 'succeeded' })));
    expect(r.body.results[4]).toMatchObject({ id: bulk[0]!.id, error: { code: 'conflict' } });
    expect(e.counts().audit).toBe(before.audit + 1);
    expect(lastAudit(e.t)[0]).toMatchObject({ action: 'gateway.completeBatch', outcome: 'ok', actorName: 'worker-1', target: '5 tasks' });
    // Other claimed tasks go back to work for the next tests.
    for (const x of claimed.filter((c) => c.type !== 'bulk')) await e.api('POST', `/v1/tasks/${x.id}/complete`, { key: e.keys.agent, body: { attempt: x.attempt } });
  });

  it('takes the next tasks in the same request as the reports (claim), audited with both', async () => {
    await e.api('POST', '/v1/tasks/batch', { key: e.keys.submit, body: { tasks: Array.from({ length: 5 }, (_, n) => ({ type: 'pair', payload: { n } })) } });
    const first = (await e.api('POST', '/v1/claim', { key: e.keys.agent, body: { max: 2 } })).body.tasks as TaskDto[];
    expect(first.map((x) => x.type)).toEqual(['pair', 'pair']);
    const before = e.counts();
    const r = await e.api('POST', '/v1/complete', {
      key: e.keys.agent,
      body: { tasks: first.map((x) => ({ id: x.id, attempt: x.attempt })), claim: { max: 2 } },
    });
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual(first.map((x) => ({ id: x.id, state: 'succeeded' })));
    const next = r.body.tasks as TaskDto[];
    expect(next.map((x) => [x.type, x.state, x.attempt])).toEqual([['pair', 'running', 1], ['pair', 'running', 1]]);
    expect(next.map((x) => x.id)).not.toContain(first[0]!.id);
    expect(e.counts().audit).toBe(before.audit + 1);
    const audit = lastAudit(e.t)[0]!;
    expect(audit).toMatchObject({ action: 'gateway.completeBatch', outcome: 'ok', target: '2 tasks' });
    expect(JSON.stringify(audit.details)).toContain(`${next[0]!.id}#1`);
    // Without claim the answer has no tasks; the last pair task is left for whoever asks.
    const plain = await e.api('POST', '/v1/complete', { key: e.keys.agent, body: { tasks: next.map((x) => ({ id: x.id, attempt: x.attempt })) } });
    expect(plain.body.tasks).toBeUndefined();
    const last = (await e.api('POST', '/v1/claim', { key: e.keys.agent, body: { max: 5 } })).body.tasks as TaskDto[];
    for (const x of last) await e.api('POST', `/v1/tasks/${x.id}/complete`, { key: e.keys.agent, body: { attempt: x.attempt } });
    expect(last.some((x) => x.type === 'pair')).toBe(true);
  });

  it('answers a long-poll claim as soon as work appears, and empty after the wait', async () => {
    const empty = await e.api('POST', '/v1/claim', { body: { max: 5, waitMs: 30 } });
    expect(empty).toMatchObject({ status: 200, body: { tasks: [] } });
    const started = Date.now();
    const waiting = e.api('POST', '/v1/claim', { key: e.keys.agent, body: { max: 1, waitMs: 15_000 } });
    // Let the claim reach its wait before the task exists.
    for (let i = 0; i < 10_000 && e.gw.longPolls === 0; i++) await new Promise((r) => setImmediate(r));
    expect(e.gw.longPolls).toBe(1);
    const created = await e.api('POST', '/v1/tasks', { key: e.keys.submit, body: { type: 'late.job' } });
    const claimed = await waiting;
    expect(claimed.body.tasks.map((x: TaskDto) => x.id)).toEqual([created.body.id]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses unknown and revoked keys (401), wrong scopes (403), and audits the refusals', async () => {
    expect(await e.api('POST', '/v1/tasks', { key: null, body: { type: 'x' } })).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect((await e.api('POST', '/v1/tasks', { key: 'dlg_aaaaaaaa_' + 'A'.repeat(43), body: { type: 'x' } })).status).toBe(401);
    const temp = e.t.host.agents.createKey(e.agentId, ['submit']);
    expect((await e.api('POST', '/v1/tasks', { key: temp.secret, body: { type: 'x' } })).status).toBe(201);
    e.t.host.agents.revokeKey(temp.key.id);
    const before = e.counts();
    const revoked = await e.api('POST', '/v1/tasks', { key: temp.secret, body: { type: 'x' } });
    expect(revoked).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect(e.counts()).toEqual({ ...before, audit: before.audit + 1 });
    expect(lastAudit(e.t)[0]).toMatchObject({ action: 'gateway.tasks.create', outcome: 'unauthenticated', actorName: null });

    expect(await e.api('POST', '/v1/tasks', { key: e.keys.agent, body: { type: 'x' } })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(lastAudit(e.t)[0]).toMatchObject({ action: 'gateway.tasks.create', outcome: 'forbidden', actorName: 'worker-1' });
    expect((await e.api('POST', '/v1/claim', { key: e.keys.submit, body: {} })).status).toBe(403);
    expect((await e.api('GET', '/v1/tasks', { key: e.keys.agent })).status).toBe(403);
    // admin may do everything.
    expect((await e.api('GET', '/v1/tasks?limit=1', { key: e.keys.admin })).status).toBe(200);
    expect((await e.api('POST', '/v1/claim', { key: e.keys.admin, body: {} })).status).toBe(200);
    expect((await e.api('GET', '/v1/whoami', { key: e.keys.agent })).body).toMatchObject({ agent: { name: 'worker-1' }, key: { scopes: ['agent'] } });
  });

  it('answers non-JSON, oversized and unknown-route requests with typed errors that change nothing', async () => {
    const before = e.counts();
    const notJson = await e.api('POST', '/v1/tasks', { raw: '{"type": ', contentType: 'application/json' });
    expect(notJson).toMatchObject({ status: 400, body: { code: 'invalid_input' } });
    const xml = await e.api('POST', '/v1/tasks', { raw: '<task/>', contentType: 'application/xml' });
    expect(xml.status).toBe(415);
    expect(xml.body.code).toBe('invalid_input');
    const proto = await e.api('POST', '/v1/tasks', { raw: '{"type":"x","__proto__":{"admin":true}}' });
    expect(proto.status).toBe(400);
    const huge = await e.api('POST', '/v1/claim', { raw: JSON.stringify({ max: 1, pad: 'x'.repeat(200_000) }) });
    expect(huge).toMatchObject({ status: 413, body: { code: 'invalid_input' } });
    const big = await e.api('POST', '/v1/tasks', { body: { type: 'x', payload: 'y'.repeat(300 * 1024) } });
    expect(big.status).toBeGreaterThanOrEqual(400);
    expect(big.status).toBeLessThan(500);
    expect(await e.api('GET', '/v1/nope')).toMatchObject({ status: 404, body: { code: 'not_found' } });
    const after = e.counts();
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
    // Each mutating request wrote its one refusal row.
    expect(after.audit - before.audit).toBe(5);
  });

  it('fuzzed bad bodies get 4xx, change no row, and write one audit row each', async () => {
    // A running task to aim the per-task routes at.
    await e.api('POST', '/v1/tasks', { key: e.keys.submit, body: { type: 'fuzz.target' } });
    const running = (await e.api('POST', '/v1/claim', { body: { max: 20 } })).body.tasks as TaskDto[];
    const target = running.find((x) => x.type === 'fuzz.target')!;
    expect(target).toBeDefined();
    const routes: { path: string; schema: z.ZodType; valid: Record<string, unknown> }[] = [
      { path: '/v1/tasks', schema: TaskInput, valid: { type: 'x', priority: 'low', maxAttempts: 2, tags: ['a'] } },
      { path: '/v1/tasks/batch', schema: TaskBatchInput, valid: { tasks: [{ type: 'x' }] } },
      { path: '/v1/claim', schema: ClaimInput, valid: { max: 1, waitMs: 0 } },
      { path: `/v1/tasks/${target.id}/heartbeat`, schema: HeartbeatInput, valid: { attempt: 1, progress: { percent: 1 } } },
      { path: `/v1/tasks/${target.id}/complete`, schema: CompleteInput, valid: { attempt: 1, result: 1 } },
      { path: '/v1/complete', schema: CompleteBatchInput, valid: { tasks: [{ id: target.id, attempt: 1 }] } },
      { path: `/v1/tasks/${target.id}/fail`, schema: FailInput, valid: { attempt: 1, error: 'e' } },
      { path: `/v1/tasks/${target.id}/cancel`, schema: CancelInput, valid: { reason: 'r' } },
    ];
    const invalidFor = (schema: z.ZodType) => (v: unknown) => !schema.safeParse(v).success;
    for (const route of routes) {
      const whole = fc.jsonValue({ maxDepth: 3 }).filter(invalidFor(route.schema));
      const oneField = fc
        .tuple(fc.constantFrom(...Object.keys(route.valid), 'extra', 'attempt', 'max'), fc.jsonValue({ maxDepth: 2 }))
        .map(([k, v]) => ({ ...route.valid, [k]: v }))
        .filter(invalidFor(route.schema));
      await fc.assert(
        fc.asyncProperty(fc.oneof(whole, oneField), async (body) => {
          const before = e.counts();
          const r = await e.api('POST', route.path, { body });
          expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
          expect(r.status).toBeLessThan(500);
          expect(typeof r.body.code).toBe('string');
          expect(typeof r.body.message).toBe('string');
          const after = e.counts();
          expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
          expect(after.audit).toBe(before.audit + 1);
        }),
        { numRuns: 25, seed: 4242 },
      );
    }
    // The target is untouched: still running on attempt 1.
    expect((await e.api('GET', `/v1/tasks/${target.id}`)).body).toMatchObject({ state: 'running', attempt: 1 });
  });

  it('serves an OpenAPI 3.1 document that lists every route and resolves every $ref', async () => {
    const r = await e.api('GET', '/v1/openapi.json', { key: null });
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toBe('3.1.0');
    const toOpenApi = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const route of e.gw.routes) {
      expect(doc.paths[toOpenApi(route.path)]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    }
    for (const route of ROUTES) expect(doc.paths[toOpenApi(route.path)][route.method.toLowerCase()].operationId).toBe(route.name);
    expect(doc.paths['/v1/tasks'].post.requestBody.content['application/json'].schema.properties.type).toBeDefined();
    expect(doc.paths['/v1/claim'].post.security).toEqual([{ bearerAuth: ['agent'] }]);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1];
      expect(name && doc.components.schemas[name], ref).toBeTruthy();
    }
  });

  it('serves Prometheus text that parses: depth by state and priority, throughput, latency histograms, lease expiries', async () => {
    expect((await e.api('GET', '/metrics', { key: null })).status).toBe(401);
    const r = await e.api('GET', '/metrics', { key: e.keys.agent });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    const families = parsePrometheus(r.body as string);
    expect(families.get('delegate_tasks')?.type).toBe('gauge');
    const depth = families.get('delegate_tasks')!.samples;
    expect(depth.some((s) => s.labels.state === 'ready' && s.labels.priority === 'normal')).toBe(true);
    expect(depth.filter((s) => s.labels.state === 'succeeded').reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(1);
    for (const name of ['delegate_tasks_created_total', 'delegate_tasks_succeeded_total', 'delegate_task_lease_expirations_total', 'delegate_gateway_requests_total']) {
      expect(families.get(name)?.type, name).toBe('counter');
    }
    for (const name of ['delegate_gateway_request_duration_seconds', 'delegate_task_wait_seconds', 'delegate_task_run_seconds']) {
      expect(families.get(name)?.type, name).toBe('histogram');
    }
    expect(families.get('delegate_task_wait_seconds')!.samples.find((s) => s.name.endsWith('_count'))!.value).toBeGreaterThan(0);
  });
});

/** A strict reader of the Prometheus text format (0.0.4): every sample belongs to a typed family. */
function parsePrometheus(text: string) {
  const families = new Map<string, { type: string; help: string; samples: { name: string; labels: Record<string, string>; value: number }[] }>();
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|NaN|\+Inf|-Inf))(?: \d+)?$/;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const f = families.get(meta[2]!) ?? { type: '', help: '', samples: [] };
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
        f.type = meta[3]!;
      } else f.help = meta[3]!;
      families.set(meta[2]!, f);
      continue;
    }
    const m = sample.exec(line);
    expect(m, `unparsable metrics line: ${line}`).not.toBeNull();
    const name = m![1]!;
    const family = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
    expect(family?.type, `sample without TYPE: ${line}`).toBeTruthy();
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    family!.samples.push({ name, labels, value: Number(m![3]!.replace('+Inf', 'Infinity')) });
  }
  return families;
}

describe('agent gateway limits', () => {
  it('rate limits per key with 429 and Retry-After, and lets the key in again once tokens refill', async () => {
    const e = await openEnv({ rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const before = e.counts();
      for (let i = 0; i < 3; i++) expect((await e.api('POST', '/v1/claim', { key: e.keys.agent, body: {} })).status).toBe(200);
      const limited = await e.api('POST', '/v1/claim', { key: e.keys.agent, body: {} });
      expect(limited).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Another key has its own bucket.
      expect((await e.api('POST', '/v1/claim', { key: e.keys.admin, body: {} })).status).toBe(200);
      // 429s change nothing and are not audited (a flood must not become a flood of rows).
      expect(e.counts().audit).toBe(before.audit + 4);
      e.t.clock.advance(1000);
      expect((await e.api('POST', '/v1/claim', { key: e.keys.agent, body: {} })).status).toBe(200);
    } finally {
      await e.close();
    }
  });

  it('refuses an address with 429 after repeated failed sign-ins', async () => {
    const e = await openEnv({ authFailureLimit: { perSecond: 1, burst: 3 } });
    try {
      const bad = 'dlg_bbbbbbbb_' + 'B'.repeat(43);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await e.api('GET', '/v1/whoami', { key: bad })).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // Even a good key from that address waits until the window passes.
      expect((await e.api('GET', '/v1/whoami', { key: e.keys.agent })).status).toBe(429);
      e.t.clock.advance(2000);
      expect((await e.api('GET', '/v1/whoami', { key: e.keys.agent })).status).toBe(200);
    } finally {
      await e.close();
    }
  });
});

describe('agent gateway WebSocket /v1/agent', () => {
  let e: Env;
  beforeAll(async () => {
    e = await openEnv();
  });
  afterAll(async () => {
    await e.close();
  });

  const connect = (key: string | null) => connectAgentSocket(e, key);

  it('refuses the upgrade without a valid agent key', async () => {
    await expect(connect(null)).rejects.toThrow('HTTP 401');
    await expect(connect(e.keys.submit)).rejects.toThrow('HTTP 403');
  });

  it('pushes assignments up to the credit, then a cancel request for a running task', async () => {
    const c = await connect(e.keys.agent);
    try {
      expect(await c.next('welcome')).toMatchObject({ agent: { name: 'worker-1' }, leaseMs: 30_000 });
      c.ws.send(JSON.stringify({ type: 'ready', credit: 2 }));
      const created = await e.api('POST', '/v1/tasks/batch', { key: e.keys.submit, body: { tasks: [{ type: 'a' }, { type: 'b' }, { type: 'c' }] } });
      const pushed: TaskDto[] = [];
      while (pushed.length < 2) pushed.push(...(await c.next('assigned')).tasks);
      expect(pushed).toHaveLength(2);
      expect(pushed.every((x) => x.state === 'running' && x.attempt === 1)).toBe(true);
      expect(lastAudit(e.t)[0]).toMatchObject({ action: 'gateway.claim', actorName: 'worker-1' });
      // The third waits for more credit.
      const third = created.body.tasks.find((x: TaskDto) => !pushed.some((p) => p.id === x.id));
      expect((await e.api('GET', `/v1/tasks/${third.id}`)).body.state).toBe('ready');

      await e.api('POST', `/v1/tasks/${pushed[0]!.id}/cancel`, { key: e.keys.submit, body: { reason: 'stop it' } });
      expect(await c.next('cancel')).toMatchObject({ taskId: pushed[0]!.id, attempt: 1, reason: 'stop it' });
      const ack = await e.api('POST', `/v1/tasks/${pushed[0]!.id}/fail`, { key: e.keys.agent, body: { attempt: 1, error: 'cancelled' } });
      expect(ack.body.state).toBe('cancelled');

      c.ws.send(JSON.stringify({ type: 'ready', credit: 1 }));
      expect((await c.next('assigned')).tasks[0].id).toBe(third.id);
      c.ws.send('not json');
      await new Promise((r) => c.ws.once('close', r));
    } finally {
      c.ws.close();
    }
  });
});
