// The gateway's route table: one entry per route, read by the server (auth, parsing, audit) and
// by the OpenAPI document. Handlers live in server.ts; this file is data.
import { z } from 'zod';
import { TaskBatchInput, TaskDto, TaskInput, TaskPage, type ApiKeyScope } from '../../preload/contract';
import {
  AGENT_WS_PATH,
  CancelInput,
  ClaimInput,
  ClaimResult,
  CompleteBatchInput,
  CompleteBatchResult,
  CompleteInput,
  FailInput,
  HeartbeatInput,
  HeartbeatResult,
  Health,
  ReportResult,
  TaskIdParams,
  TaskListQueryString,
  WhoAmI,
} from './protocol';

/** public: no key · any: any valid key · otherwise the scope needed (a key with `admin` may do everything). */
export type RouteAccess = 'public' | 'any' | ApiKeyScope;

export type RouteName =
  | 'health'
  | 'metrics'
  | 'openapi'
  | 'whoami'
  | 'tasks.create'
  | 'tasks.createBatch'
  | 'tasks.get'
  | 'tasks.list'
  | 'tasks.cancel'
  | 'claim'
  | 'heartbeat'
  | 'complete'
  | 'completeBatch'
  | 'fail'
  | 'agentSocket';

export interface RouteDef {
  name: RouteName;
  method: 'GET' | 'POST';
  /** Fastify syntax (`:id`). */
  path: string;
  access: RouteAccess;
  /** Mutating routes write exactly one audit row per request, refused or not (429 excepted). */
  mutates: boolean;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Success status and answer; `text` answers are not JSON. */
  status: number;
  response?: z.ZodType;
  text?: string;
  websocket?: boolean;
}

export const ROUTES: readonly RouteDef[] = [
  { name: 'health', method: 'GET', path: '/health', access: 'public', mutates: false, summary: 'Liveness: 200 once the gateway serves, 503 while it drains', status: 200, response: Health },
  { name: 'openapi', method: 'GET', path: '/v1/openapi.json', access: 'public', mutates: false, summary: 'This OpenAPI 3.1 document', status: 200, response: z.record(z.string(), z.unknown()) },
  { name: 'metrics', method: 'GET', path: '/metrics', access: 'any', mutates: false, summary: 'Prometheus metrics: queue depth by state and priority, throughput, latency histograms, lease expiries', status: 200, text: 'text/plain; version=0.0.4' },
  { name: 'whoami', method: 'GET', path: '/v1/whoami', access: 'any', mutates: false, summary: 'The agent and scopes of the calling key', status: 200, response: WhoAmI },
  { name: 'tasks.create', method: 'POST', path: '/v1/tasks', access: 'submit', mutates: true, summary: 'Create a task (the same idempotency key and content return the existing one)', body: TaskInput, status: 201, response: TaskDto },
  { name: 'tasks.createBatch', method: 'POST', path: '/v1/tasks/batch', access: 'submit', mutates: true, summary: 'Create up to 1,000 tasks, all or nothing', body: TaskBatchInput, status: 201, response: z.object({ tasks: z.array(TaskDto) }) },
  { name: 'tasks.list', method: 'GET', path: '/v1/tasks', access: 'submit', mutates: false, summary: 'List tasks: status and priority as comma-separated lists, type, agentId, tag, search, sort, order, limit, cursor', query: TaskListQueryString, status: 200, response: TaskPage },
  { name: 'tasks.get', method: 'GET', path: '/v1/tasks/:id', access: 'submit', mutates: false, summary: 'One task with its payload and result', params: TaskIdParams, status: 200, response: TaskDto },
  { name: 'tasks.cancel', method: 'POST', path: '/v1/tasks/:id/cancel', access: 'submit', mutates: true, summary: 'Cancel a task: a waiting one at once; a running one gets a cancel request pushed to its agent', params: TaskIdParams, body: CancelInput, status: 200, response: TaskDto },
  { name: 'claim', method: 'POST', path: '/v1/claim', access: 'agent', mutates: true, summary: 'Take up to `max` tasks for the calling agent (long poll up to `waitMs`); each comes running, with its attempt number and idempotency key. A ready task may be left for a free agent that fits it clearly better (the delegation settings say by how much and for how long)', body: ClaimInput, status: 200, response: ClaimResult },
  { name: 'heartbeat', method: 'POST', path: '/v1/tasks/:id/heartbeat', access: 'agent', mutates: true, summary: 'Renew the lease of a running attempt, report progress; answers whether a cancel was requested', params: TaskIdParams, body: HeartbeatInput, status: 200, response: HeartbeatResult },
  { name: 'complete', method: 'POST', path: '/v1/tasks/:id/complete', access: 'agent', mutates: true, summary: 'The attempt succeeded (a stale attempt is refused with 409: a completion is never applied twice)', params: TaskIdParams, body: CompleteInput, status: 200, response: ReportResult },
  { name: 'completeBatch', method: 'POST', path: '/v1/complete', access: 'agent', mutates: true, summary: 'Report up to 500 completed attempts in one request (one audit row, one group commit); each gets its own answer. With `claim: { max }`, also take the next tasks in the same commit', body: CompleteBatchInput, status: 200, response: CompleteBatchResult },
  { name: 'fail', method: 'POST', path: '/v1/tasks/:id/fail', access: 'agent', mutates: true, summary: 'The attempt failed: retried after the backoff while attempts remain and retryable, else dead; with a pending cancel request it ends cancelled', params: TaskIdParams, body: FailInput, status: 200, response: ReportResult },
  { name: 'agentSocket', method: 'GET', path: AGENT_WS_PATH, access: 'agent', mutates: false, summary: 'WebSocket: send {"type":"ready","credit":n}; receive welcome, assigned {tasks} and cancel {taskId, attempt, reason}; closed with 4001 when the key is revoked, 4003 when it loses the agent scope', status: 101, websocket: true },
];

export function routeByName(name: RouteName): RouteDef {
  const r = ROUTES.find((x) => x.name === name);
  if (!r) throw new Error(`no route ${name}`);
  return r;
}
