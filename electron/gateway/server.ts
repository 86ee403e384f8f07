// The agent gateway: HTTP + WebSocket for software agents, on its own port (127.0.0.1 unless
// configured). Every request goes through one pipeline, like the bridge: API key -> scope ->
// rate limit -> zod parse (from unknown) -> queue -> audit -> typed error. A mutating request
// writes exactly one audit row (actor: the key's agent); where the queue group-commits, the row
// is written inside the operation's own savepoint (TaskQueue `within`), so the change and its
// audit row commit together. Refused requests are audited too, except 429s (counted in metrics).
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { TaskListInput, type AuditOutcome, type TaskDto, type TaskSummary } from '../../preload/contract';
import type { SqliteDatabase } from '../../native/sqlite';
import type { AgentRegistry, AuthenticatedKey } from '../agents/registry';
import { zodIssues } from '../bridge/dispatch';
import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';
import type { Logger } from '../log';
import { auditDetails, type AuditLog } from '../security/audit-log';
import type { FloorWatch } from '../tasks/floor';
import type { Actor, Finished, TaskQueue, Within } from '../tasks/queue';
import { GatewayMetrics, type TaskDepthRow } from './metrics';
import { buildOpenApi } from './openapi';
import {
  AgentClientMessage,
  CLAIM_MAX,
  HTTP_STATUS,
  type AgentServerMessage,
  type GatewayError,
  type GatewayErrorCode,
} from './protocol';
import { RateLimiter, type RateDecision, type RateLimit } from './rate-limit';
import { ROUTES, type RouteDef, type RouteName } from './routes';

export const DEFAULT_GATEWAY_PORT = 4381;

export interface GatewayOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Per API key. Default 500 requests/s, bursts of 1,000. perSecond 0 turns it off. */
  rateLimit?: RateLimit;
  /** Failed sign-ins per client address before it is refused with 429 (default 5/s, bursts of 20). */
  authFailureLimit?: RateLimit;
  /** Shown in the OpenAPI document. */
  version?: string;
  /**
   * How often open agent sockets look their key up again (default 5 s). A revocation made through
   * this host closes them at once; this catches one made by another process (the CLI).
   */
  keyRecheckMs?: number;
}

export interface GatewayDeps {
  queue: TaskQueue;
  agents: AgentRegistry;
  audit: AuditLog;
  bus: EventBus;
  sqlite: SqliteDatabase;
  clock: Clock;
  log: Logger;
  /** Tasks by state and priority for /metrics (the host reads them off the main thread); default queue.depth(). */
  taskDepth?: () => Promise<TaskDepthRow[]>;
}

export interface Gateway {
  url: string;
  port: number;
  readonly metrics: GatewayMetrics;
  /** Every route Fastify serves (method + path), for the test that the OpenAPI document lists them all. */
  readonly routes: readonly { method: string; path: string }[];
  /** Claims waiting for work right now. */
  readonly longPolls: number;
  /**
   * Graceful stop, part one: no new claims, long polls answer at once, then the queue's
   * shutdown (running work may still report through this gateway for its grace period).
   */
  drain(): Promise<void>;
  /** Closes sockets and the server; disposes listeners. */
  close(): Promise<void>;
}

export class GatewayPortInUseError extends Error {
  override readonly name = 'GatewayPortInUseError';
}

interface RequestState {
  route: RouteDef;
  auth: AuthenticatedKey | null;
  /** The audit row is inside a queue operation that committed (or is about to, on success). */
  rowInFlight: boolean;
  audited: boolean;
  target: string | null;
  started: number;
}

interface HandlerContext {
  auth: AuthenticatedKey;
  actor: Actor;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Aborts when the client goes away (long polls stop waiting). */
  signal: AbortSignal;
  /** The audit row of this request, written inside the queue operation's savepoint. */
  within<T>(target: (value: T) => string | null, details?: (value: T) => unknown, when?: (value: T) => boolean): Within<T>;
  /** Runs fn in one transaction together with this request's audit row. */
  commit<T>(fn: () => T, target: (value: T) => string | null): T;
}

type Handler = (input: { params: unknown; query: unknown; body: unknown }, ctx: HandlerContext) => Promise<unknown> | unknown;

const AUTH_HEADER = /^Bearer\s+(\S{1,200})\s*$/i;
const JSON_BODY_LIMIT = 1024 * 1024;

/** Close codes of /v1/agent beyond the standard ones: the key no longer lets the agent in. */
export const SOCKET_CLOSE = { keyRevoked: 4001, forbidden: 4003 } as const;

/** The key may use a route of this access (an admin key may use every route). */
function allows(auth: AuthenticatedKey, access: RouteDef['access']): boolean {
  return access === 'public' || access === 'any' || auth.scopes.includes(access) || auth.scopes.includes('admin');
}

function errorOf(code: GatewayErrorCode, message: string, details?: unknown): GatewayError {
  return details === undefined ? { code, message } : { code, message, details };
}

function parseOrThrow<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.output<T> | undefined {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error).map((i) => ({ ...i, path: i.path ? `${where}.${i.path}` : where }));
    const summary = issues
      .slice(0, 3)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    throw new AppError('invalid_input', `Invalid ${where}: ${summary}`, { issues });
  }
  return parsed.data;
}

export function gatewayDepsOf(host: {
  tasks: TaskQueue;
  agents: AgentRegistry;
  audit: AuditLog;
  bus: EventBus;
  database: { sqlite: SqliteDatabase };
  clock: Clock;
  log: Logger;
  floor: FloorWatch;
}): GatewayDeps {
  return {
    queue: host.tasks,
    agents: host.agents,
    audit: host.audit,
    bus: host.bus,
    sqlite: host.database.sqlite,
    clock: host.clock,
    log: host.log,
    taskDepth: () => host.floor.depth(),
  };
}

export async function startGateway(deps: GatewayDeps, options: GatewayOptions): Promise<Gateway> {
  const { queue, agents, audit, bus, sqlite, log } = deps;
  const limiter = new RateLimiter(options.rateLimit ?? { perSecond: 500, burst: 1000 }, deps.clock);
  const authFailures = new RateLimiter(options.authFailureLimit ?? { perSecond: 5, burst: 20 }, deps.clock);
  const keys = new KeyCache(agents);
  const metrics = new GatewayMetrics(queue, deps.taskDepth ?? (() => Promise.resolve(queue.depth())), () => queue.waitingClaims);
  const openapi = JSON.stringify(buildOpenApi(options.version ?? '0.0.0'));
  const states = new WeakMap<FastifyRequest, RequestState>();
  const sockets = new Set<AgentSocket>();
  let draining = false;
  /** Open sockets of one agent look their key up again now (a key revoked, the agent changed). */
  const recheckSockets = (agentId: string | null) => {
    for (const s of [...sockets]) if (agentId === null || s.agentId === agentId) s.recheck(true);
  };
  const offBus = bus.onDidEmit(({ name, payload }) => {
    if (name !== 'agent.changed' && name !== 'agent.keysChanged') return;
    const agentId = name === 'agent.changed' ? (payload as { id: string }).id : (payload as { agentId: string }).agentId;
    keys.clear();
    recheckSockets(agentId);
    // An agent's change (status, capacity) may let its waiting claims take work now.
    if (name === 'agent.changed') queue.nudgeClaims(agentId);
  });
  const recheckTimer = setInterval(() => recheckSockets(null), Math.max(50, options.keyRecheckMs ?? 5000));
  recheckTimer.unref();
  const offAll = () => {
    offBus();
    clearInterval(recheckTimer);
    keys.clear();
  };

  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: JSON_BODY_LIMIT, forceCloseConnections: true });
  const served: { method: string; path: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') served.push({ method, path: r.url });
  });

  // --- audit ------------------------------------------------------------------------------

  const auditRow = (state: RequestState, outcome: AuditOutcome, body: unknown, extra: Record<string, unknown> = {}) =>
    audit.append({
      actorId: state.auth?.agent.id ?? null,
      actorName: state.auth?.agent.name ?? null,
      action: `gateway.${state.route.name}`,
      outcome,
      target: state.target,
      details: { transport: 'gateway', key: state.auth?.key.prefix ?? null, input: auditDetails(body), ...extra },
    });

  /** A row outside any queue operation: group-committed with the queue's writes when it can be. */
  const auditAlone = async (state: RequestState, outcome: AuditOutcome, body: unknown, extra?: Record<string, unknown>) => {
    if (!state.route.mutates || state.audited) return;
    state.audited = true;
    try {
      await queue.runBatched((out) => {
        const entry = auditRow(state, outcome, body, extra);
        out.push(() => bus.emit('audit.appended', entry));
      });
    } catch {
      try {
        const entry = bus.afterCommit(() => sqlite.transaction(() => auditRow(state, outcome, body, extra))());
        bus.emit('audit.appended', entry);
      } catch (error) {
        log.error({ err: error, route: state.route.name }, 'could not write the audit row of a gateway request');
      }
    }
  };

  // --- errors -----------------------------------------------------------------------------

  const send = (reply: FastifyReply, status: number, error: GatewayError) => {
    if (!reply.sent) void reply.code(status).type('application/json; charset=utf-8').send(error);
  };

  const toGatewayError = (error: unknown, route: string): { status: number; error: GatewayError } => {
    if (error instanceof AppError) return { status: HTTP_STATUS[error.code], error: error.toData() };
    const fe = error as { statusCode?: number; code?: string; message?: string };
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const message =
        fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `The body is larger than this route accepts`
          : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'Send the body as application/json'
            : `Invalid body: ${(fe.message ?? 'not JSON').slice(0, 200)}`;
      return { status: fe.statusCode, error: errorOf('invalid_input', message, fe.code ? { reason: fe.code } : undefined) };
    }
    log.error({ err: error, route }, 'gateway request failed');
    return { status: 500, error: errorOf('internal', 'Something went wrong inside Delegate; the problem was logged') };
  };

  // --- the pipeline -----------------------------------------------------------------------

  const authenticate = async (request: FastifyRequest, reply: FastifyReply, route: RouteDef): Promise<void> => {
    const state: RequestState = { route, auth: null, rowInFlight: false, audited: false, target: null, started: performance.now() };
    states.set(request, state);
    if (route.access === 'public') return;
    const refuse = (status: number, error: GatewayError) => {
      send(reply, status, error);
      // The body is not read yet: the audit row names the route and the key prefix only.
      void auditAlone(state, error.code === 'rate_limited' ? 'unavailable' : (error.code as AuditOutcome), undefined, {
        address: request.ip,
      });
    };
    const ipBlocked = authFailures.take(`ip:${request.ip}`, false);
    const match = AUTH_HEADER.exec(request.headers.authorization ?? '');
    const auth = match && ipBlocked.ok ? keys.authenticate(match[1]!) : null;
    if (!auth) {
      if (!ipBlocked.ok) {
        metrics.rateLimited.inc();
        state.audited = true; // a flood of bad keys must not become a flood of audit rows
        void reply.header('retry-after', String(ipBlocked.retryAfterSeconds));
        return send(reply, 429, errorOf('rate_limited', 'Too many failed sign-ins from this address', { retryAfterSeconds: ipBlocked.retryAfterSeconds }));
      }
      authFailures.take(`ip:${request.ip}`);
      return refuse(
        401,
        errorOf('unauthenticated', match ? 'The API key is unknown or revoked' : 'Send an API key: Authorization: Bearer <key>'),
      );
    }
    state.auth = auth;
    if (!allows(auth, route.access)) {
      return refuse(403, errorOf('forbidden', `${route.method} ${route.path} needs a key with the ${route.access} scope; this key has ${auth.scopes.join(', ')}`));
    }
    const decision = limiter.take(`key:${auth.key.id}`);
    if (!decision.ok) {
      metrics.rateLimited.inc();
      state.audited = true;
      void reply.header('retry-after', String(decision.retryAfterSeconds));
      return send(reply, 429, errorOf('rate_limited', 'Too many requests for this key', { retryAfterSeconds: decision.retryAfterSeconds }));
    }
  };

  const run = (route: RouteDef, handler: Handler) => async (request: FastifyRequest, reply: FastifyReply) => {
    const state = states.get(request)!;
    const controller = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const body = request.body;
    try {
      const input = {
        params: parseOrThrow(route.params, request.params ?? {}, 'path'),
        query: parseOrThrow(route.query, request.query ?? {}, 'query'),
        // No body at all is an empty object; a JSON `null` is not.
        body: parseOrThrow(route.body, body === undefined ? {} : body, 'body'),
      };
      const auth = state.auth!;
      const ctx: HandlerContext = {
        auth,
        actor: { name: auth?.agent.name ?? null },
        request,
        reply,
        signal: controller.signal,
        within: (target, details, when) => (value, out) => {
          if (when && !when(value)) return;
          state.target = target(value);
          const entry = auditRow(state, 'ok', body, details ? { result: details(value) } : {});
          state.rowInFlight = true;
          out.push(() => bus.emit('audit.appended', entry));
        },
        commit: (fn, target) => {
          const value = bus.afterCommit(() =>
            sqlite.transaction(() => {
              const v = fn();
              state.target = target(v);
              const entry = auditRow(state, 'ok', body);
              bus.emit('audit.appended', entry);
              return v;
            })(),
          );
          state.audited = true;
          return value;
        },
      };
      const value = await handler(input, ctx);
      if (state.rowInFlight) state.audited = true;
      await auditAlone(state, 'ok', body);
      // Text answers (metrics, the prebuilt OpenAPI document) go out as they are.
      if (typeof value === 'string') return reply.code(route.status).type(route.text ?? 'application/json; charset=utf-8').send(value);
      return reply.code(route.status).send(value);
    } catch (error) {
      const { status, error: data } = toGatewayError(error, route.name);
      // Whatever row an operation wrote was rolled back with it: this request's row is the refusal.
      state.rowInFlight = false;
      await auditAlone(state, data.code === 'rate_limited' ? 'unavailable' : (data.code as AuditOutcome), body);
      return send(reply, status, data);
    }
  };

  app.setErrorHandler(async (error, request, reply) => {
    const state = states.get(request);
    const { status, error: data } = toGatewayError(error, state?.route.name ?? 'unknown');
    if (state) await auditAlone(state, data.code as AuditOutcome, undefined, { address: request.ip });
    send(reply, status, data);
  });
  app.setNotFoundHandler((request, reply) => {
    send(reply, 404, errorOf('not_found', `No route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`));
  });
  app.addHook('onResponse', async (request, reply) => {
    const state = states.get(request);
    metrics.request(state?.route.name ?? 'unknown', request.method, reply.statusCode, state ? (performance.now() - state.started) / 1000 : 0);
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  // --- handlers ---------------------------------------------------------------------------

  /** The attempt the agent quoted, or the one it holds now. */
  const attemptOf = (taskId: string, agentId: string, quoted: number | undefined): number => {
    if (quoted !== undefined) return quoted;
    const task = queue.getOrThrow(taskId);
    return task.assignedAgentId === agentId ? task.attempt : 0;
  };

  type P = { id: string };
  const handlers: Record<RouteName, Handler> = {
    health: () => ({ status: draining ? 'draining' : 'ok' }),
    openapi: () => openapi,
    metrics: () => metrics.text(),
    whoami: (_i, ctx) => ({ agent: ctx.auth.agent, key: { id: ctx.auth.key.id, prefix: ctx.auth.key.prefix, scopes: ctx.auth.scopes } }),
    'tasks.create': (input, ctx) =>
      queue.submit(
        input.body as Parameters<TaskQueue['submit']>[0],
        ctx.actor,
        ctx.within((t: TaskDto) => t.id),
      ),
    'tasks.createBatch': async (input, ctx) => {
      const items = (input.body as { tasks: Parameters<TaskQueue['submitBatch']>[0] }).tasks;
      const tasks = await queue.submitBatch(items, ctx.actor, ctx.within((t: TaskDto[]) => `${t.length} tasks`, (t) => ({ ids: t.slice(0, 50).map((x) => x.id) })));
      return { tasks };
    },
    'tasks.get': (input) => queue.getOrThrow((input.params as P).id),
    'tasks.list': (input) => {
      const q = (input.query ?? {}) as Record<string, unknown>;
      const clean = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
      return queue.list(parseOrThrow(TaskListInput, clean, 'query')!);
    },
    'tasks.cancel': (input, ctx) => {
      const id = (input.params as P).id;
      const { reason } = input.body as { reason: string };
      return ctx.commit(() => queue.cancel(id, reason, ctx.actor), (t) => t.id);
    },
    claim: async (input, ctx) => {
      const { max, waitMs } = input.body as { max: number; waitMs: number };
      const agentId = ctx.auth.agent.id;
      const within = ctx.within(
        (tasks: TaskDto[]) => `${tasks.length} tasks`,
        (tasks) => ({ claimed: tasks.slice(0, 50).map((t) => `${t.id}#${t.attempt}`) }),
        (tasks) => tasks.length > 0,
      );
      // The queue parks a claim that finds nothing; the group commit that makes work for this
      // agent claims for it in the same transaction (one fsync from ready to started). It answers
      // [] after the wait, when the client goes away, or when the gateway drains.
      const wait = waitMs > 0 && !draining ? { ms: waitMs, signal: ctx.signal } : undefined;
      const tasks = await queue.claim(agentId, max, within, wait);
      if (tasks.length > 0) metrics.claimed(tasks);
      return { tasks };
    },
    heartbeat: (input, ctx) => {
      const id = (input.params as P).id;
      const body = input.body as { attempt?: number; progress?: Parameters<TaskQueue['heartbeat']>[3] };
      const agentId = ctx.auth.agent.id;
      return queue.heartbeat(id, agentId, attemptOf(id, agentId, body.attempt), body.progress, ctx.within(() => id));
    },
    complete: async (input, ctx) => {
      const id = (input.params as P).id;
      const body = input.body as { attempt?: number; result?: unknown };
      const agentId = ctx.auth.agent.id;
      const attempt = attemptOf(id, agentId, body.attempt);
      const done = await queue.complete(id, agentId, attempt, body.result, { within: ctx.within(() => id) });
      metrics.ended(id, attempt, deps.clock.now());
      return { id: done.id, state: done.state };
    },
    completeBatch: async (input, ctx) => {
      const { tasks, claim } = input.body as { tasks: { id: string; attempt: number; result?: unknown }[]; claim?: { max: number } };
      const agentId = ctx.auth.agent.id;
      const reports = tasks.slice(0, 50).map((r) => `${r.id}#${r.attempt}`);
      // One operation and one UPDATE for all the reports (and the claim, if asked), with the
      // audit row; a stale report is refused alone.
      let answers: (Finished | AppError)[];
      let claimed: TaskDto[] | undefined;
      if (claim) {
        const both = await queue.completeAndClaim(
          agentId,
          tasks,
          claim.max,
          ctx.within(
            () => `${tasks.length} tasks`,
            (v) => ({ reports, claimed: v.tasks.slice(0, 50).map((t) => `${t.id}#${t.attempt}`) }),
          ),
        );
        answers = both.results;
        claimed = both.tasks;
        metrics.claimed(claimed);
      } else {
        answers = await queue.completeMany(agentId, tasks, ctx.within(() => `${tasks.length} tasks`, () => ({ reports })));
      }
      const now = deps.clock.now();
      const results = answers.map((answer, i) => {
        const r = tasks[i]!;
        if (answer instanceof AppError) return { id: r.id, error: toGatewayError(answer, 'completeBatch').error };
        metrics.ended(r.id, r.attempt, now);
        return { id: answer.id, state: answer.state };
      });
      return claimed ? { results, tasks: claimed } : { results };
    },
    fail: async (input, ctx) => {
      const id = (input.params as P).id;
      const body = input.body as { attempt?: number; error: { message: string; code?: string; details?: unknown }; retryable: boolean };
      const agentId = ctx.auth.agent.id;
      const attempt = attemptOf(id, agentId, body.attempt);
      const failed = await queue.fail(id, agentId, attempt, body.error as Parameters<TaskQueue['fail']>[3], body.retryable, ctx.within(() => id));
      metrics.ended(id, attempt, deps.clock.now());
      return { id: failed.id, state: failed.state };
    },
    agentSocket: () => {
      throw new AppError('invalid_input', `${'/v1/agent'} is a WebSocket: send an upgrade request`);
    },
  };

  for (const route of ROUTES) {
    const onRequest = (request: FastifyRequest, reply: FastifyReply) => authenticate(request, reply, route);
    if (route.name === 'health') {
      app.get(route.path, { onRequest }, async (_req, reply) =>
        reply.code(draining ? 503 : 200).send({ status: draining ? 'draining' : 'ok' }),
      );
      continue;
    }
    if (route.websocket) {
      app.route({
        method: 'GET',
        url: route.path,
        onRequest,
        handler: run(route, handlers[route.name]),
        wsHandler: (socket: WebSocket, request: FastifyRequest) => {
          const auth = states.get(request)?.auth;
          if (!auth || draining) {
            socket.close(1013, 'not available');
            return;
          }
          // The key is looked up again by its id (the secret is not kept): a revoked key ends the
          // socket, and its use is recorded like an HTTP request's. At most once a second unless fresh.
          let verified = { auth: auth as AuthenticatedKey | null, at: performance.now() };
          const verify = (fresh: boolean): AuthenticatedKey | null => {
            const now = performance.now();
            if (fresh || now - verified.at >= 1000) verified = { auth: agents.keyStanding(auth.key.id), at: now };
            return verified.auth;
          };
          const s = new AgentSocket(socket, auth, {
            queue,
            bus,
            metrics,
            audit,
            log,
            isDraining: () => draining,
            verify,
            allowed: (a) => allows(a, route.access),
            take: (keyId) => limiter.take(`key:${keyId}`),
          });
          if (s.disposed) return;
          sockets.add(s);
          metrics.socketsOpen.set(sockets.size);
          socket.once('close', () => {
            s.dispose();
            sockets.delete(s);
            metrics.socketsOpen.set(sockets.size);
          });
        },
      });
      continue;
    }
    const bodyLimit =
      route.name === 'tasks.createBatch' || route.name === 'completeBatch'
        ? queue.options.maxBatchBytes + JSON_BODY_LIMIT
        : route.name === 'tasks.create' || route.name === 'complete'
          ? queue.options.maxPayloadBytes * 2 + 64 * 1024
          : 64 * 1024;
    app.route({ method: route.method, url: route.path, onRequest, bodyLimit, handler: run(route, handlers[route.name]) });
  }

  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    offAll();
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new GatewayPortInUseError(
        `Gateway port ${options.port} is already in use on ${options.host}: stop the other program or choose another port with --gateway-port`,
      );
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;

  let draining$: Promise<void> | null = null;
  let closing$: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    metrics,
    routes: served,
    get longPolls() {
      return queue.waitingClaims;
    },
    drain: () =>
      (draining$ ??= (async () => {
        draining = true;
        queue.stopClaiming();
        try {
          await queue.shutdown();
        } catch (error) {
          log.error({ err: error }, 'task queue shutdown failed');
        }
      })()),
    close: () =>
      (closing$ ??= (async () => {
        draining = true;
        offAll();
        queue.releaseWaitingClaims();
        for (const s of sockets) s.close();
        sockets.clear();
        await app.close();
      })()),
  };
}

// ---------------------------------------------------------------------------------------------
// WebSocket /v1/agent: assignments and cancel requests pushed to a connected agent
// ---------------------------------------------------------------------------------------------

interface AgentSocketDeps {
  queue: TaskQueue;
  bus: EventBus;
  metrics: GatewayMetrics;
  audit: AuditLog;
  log: Logger;
  isDraining(): boolean;
  /**
   * The socket's key as it stands now, or null (revoked, unknown, its agent gone); records the
   * key's last use, coarsely (AgentRegistry: at most once a minute). fresh: skip the KeyCache.
   */
  verify(fresh: boolean): AuthenticatedKey | null;
  /** The key still has the scope the socket needs. */
  allowed(auth: AuthenticatedKey): boolean;
  /** One token of the key's rate limit (the one its HTTP requests take from). */
  take(keyId: string): RateDecision;
}

/** How long a socket's claim waits in the queue before it is made again (a fresh credit count). */
const SOCKET_CLAIM_WAIT_MS = 30_000;

/**
 * Credit-based push: the agent says how many more tasks it can take ({type:'ready', credit});
 * the gateway keeps a claim for up to the credit waiting in the queue (parked-claims.ts: the
 * commit that makes work for the agent claims it) and sends {type:'assigned'}. Each claim that
 * hands out tasks is audited like POST /v1/claim. A running task of this agent that gets a cancel
 * request is announced with {type:'cancel'}.
 *
 * The key is looked up again on every frame, before every claim, when the host says keys or the
 * agent changed, and every keyRecheckMs: once it is revoked the socket closes with 4001, its
 * waiting claim ends, and tasks a claim under way took are put back (ready for other agents).
 * Frames take from the key's rate limit; over it, the frame's credit counts but the claim for it
 * waits until the limit allows (an error frame says so), so an agent that does not resend loses
 * nothing.
 */
class AgentSocket {
  private credit = 0;
  private pumping = false;
  private again = false;
  private closed = false;
  private deferred: NodeJS.Timeout | null = null;
  /** Ends the socket's waiting claim (it closed, or more credit came: claim again for all of it). */
  private waiting: AbortController | null = null;
  private readonly offBus: () => void;
  private readonly cancelsSent = new Set<string>();
  readonly agentId: string;

  constructor(
    private readonly socket: WebSocket,
    private auth: AuthenticatedKey,
    private readonly deps: AgentSocketDeps,
  ) {
    this.agentId = auth.agent.id;
    this.offBus = deps.bus.onDidEmit(({ name, payload }) => {
      if (name !== 'task.updated') return;
      const t = payload as TaskSummary;
      if (t.assignedAgentId !== this.agentId || t.state !== 'running' || !t.cancelRequested) return;
      const key = `${t.id}#${t.attempt}`;
      if (this.cancelsSent.has(key)) return;
      if (this.cancelsSent.size > 10_000) this.cancelsSent.clear();
      this.cancelsSent.add(key);
      this.send({ type: 'cancel', taskId: t.id, attempt: t.attempt, reason: t.cancelReason });
    });
    socket.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : data.toString()));
    socket.on('error', (error) => deps.log.warn({ err: error }, 'agent socket error'));
    // The key may have been revoked between the upgrade's sign-in and now.
    if (this.recheck(false)) this.send({ type: 'welcome', agent: { id: auth.agent.id, name: auth.agent.name }, leaseMs: deps.queue.options.leaseMs });
  }

  get disposed(): boolean {
    return this.closed;
  }

  private send(message: AgentServerMessage): void {
    if (!this.closed && this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Looks the key up again; closes the socket (4001/4003) and answers false when it no longer lets the agent in. */
  recheck(fresh: boolean): boolean {
    if (this.closed) return false;
    const now = this.deps.verify(fresh);
    if (!now) return this.shut(SOCKET_CLOSE.keyRevoked, 'the API key was revoked or is no longer valid');
    if (!this.deps.allowed(now)) return this.shut(SOCKET_CLOSE.forbidden, 'the API key no longer has the agent scope');
    this.auth = now;
    return true;
  }

  private shut(code: number, reason: string): false {
    this.deps.log.info({ agent: this.auth.agent.name, key: this.auth.key.prefix, code }, `agent socket closed: ${reason}`);
    this.dispose();
    this.socket.close(code, reason);
    return false;
  }

  private onMessage(text: string): void {
    if (this.closed) return;
    const decision = this.deps.take(this.auth.key.id);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.socket.close(1007, 'frames must be JSON');
      return;
    }
    const parsed = AgentClientMessage.safeParse(raw);
    if (!parsed.success) {
      this.send({ type: 'error', error: errorOf('invalid_input', 'Malformed agent message', { issues: zodIssues(parsed.error) }) });
      return;
    }
    if (!this.recheck(false)) return;
    this.credit = Math.min(CLAIM_MAX, this.credit + parsed.data.credit);
    if (!decision.ok) {
      this.deps.metrics.rateLimited.inc();
      const { retryAfterSeconds } = decision;
      this.send({ type: 'error', error: errorOf('rate_limited', 'Too many frames for this key: the credit counts, the claim for it waits', { retryAfterSeconds }) });
      this.deferred ??= setTimeout(() => {
        this.deferred = null;
        this.pump();
      }, retryAfterSeconds * 1000);
      return;
    }
    this.pump();
  }

  private pump(): void {
    if (this.closed || this.credit <= 0 || this.deps.isDraining()) return;
    if (this.deferred) return; // over the rate limit: the timer pumps
    if (this.pumping) {
      this.again = true;
      this.waiting?.abort();
      return;
    }
    if (!this.recheck(false)) return;
    this.pumping = true;
    this.again = false;
    const waiting = (this.waiting = new AbortController());
    const { queue, bus, audit, metrics } = this.deps;
    const agent = this.auth.agent;
    const keyPrefix = this.auth.key.prefix;
    const within: Within<TaskDto[]> = (tasks, out) => {
      if (tasks.length === 0) return;
      const entry = audit.append({
        actorId: agent.id,
        actorName: agent.name,
        action: 'gateway.claim',
        outcome: 'ok',
        target: `${tasks.length} tasks`,
        details: { transport: 'gateway-ws', key: keyPrefix, claimed: tasks.slice(0, 50).map((t) => `${t.id}#${t.attempt}`) },
      });
      out.push(() => bus.emit('audit.appended', entry));
    };
    queue
      .claim(agent.id, this.credit, within, { ms: SOCKET_CLAIM_WAIT_MS, signal: waiting.signal })
      .then(
        (tasks) => {
          // Nothing within the wait (or the wait was cut short): wait again, unless closed.
          if (tasks.length === 0) {
            this.again = true;
            return;
          }
          if (this.closed) {
            this.putBack(tasks);
            return;
          }
          this.credit -= tasks.length;
          metrics.claimed(tasks);
          this.send({ type: 'assigned', tasks });
          this.again = this.credit > 0;
        },
        (error: unknown) => {
          if (error instanceof AppError) this.send({ type: 'error', error: error.toData() });
          else this.deps.log.error({ err: error }, 'agent socket claim failed');
        },
      )
      .finally(() => {
        this.pumping = false;
        this.waiting = null;
        if (this.again) this.pump();
      });
  }

  /** A claim under way committed after the socket closed (or its key was revoked): the tasks go back to ready. */
  private putBack(tasks: readonly TaskDto[]): void {
    const agent = this.auth.agent;
    this.deps.log.warn({ agent: agent.name, tasks: tasks.length }, 'agent socket closed while its claim committed: the tasks go back to ready');
    for (const t of tasks) {
      try {
        this.deps.queue.release(t.id, agent.id, { name: agent.name }, 'the agent socket closed before the task reached it');
      } catch (error) {
        // Already moved on (cancelled, re-assigned): nothing to put back.
        this.deps.log.warn({ err: error, task: t.id }, 'could not put a task back after its agent socket closed');
      }
    }
  }

  close(): void {
    this.dispose();
    this.socket.close(1001, 'the gateway is shutting down');
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiting?.abort();
    if (this.deferred) clearTimeout(this.deferred);
    this.deferred = null;
    this.offBus();
  }
}

// ---------------------------------------------------------------------------------------------
// Key cache: a busy agent sends hundreds of requests a second with the same key
// ---------------------------------------------------------------------------------------------

/**
 * Remembers successful sign-ins for a second (by the key's sha256, never the plaintext), so a busy
 * agent is not looked up per request. Any key or agent change made through this host clears it
 * at once (startGateway); a revocation made by another process (the CLI) takes effect within ttlMs.
 */
class KeyCache {
  private readonly hits = new Map<string, { auth: AuthenticatedKey; at: number }>();

  constructor(
    private readonly agents: AgentRegistry,
    private readonly ttlMs = 1000,
    private readonly max = 1000,
  ) {}

  authenticate(plaintext: string): AuthenticatedKey | null {
    const id = createHash('sha256').update(plaintext).digest('base64');
    const now = performance.now();
    const hit = this.hits.get(id);
    if (hit && now - hit.at < this.ttlMs) return hit.auth;
    const auth = this.agents.authenticateKey(plaintext);
    if (auth) {
      if (this.hits.size >= this.max) this.hits.clear();
      this.hits.set(id, { auth, at: now });
    } else this.hits.delete(id);
    return auth;
  }

  clear(): void {
    this.hits.clear();
  }
}
