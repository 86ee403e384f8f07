// A small typed client for Delegate's agent gateway (HTTP). Plain TypeScript over fetch: no
// Electron, no engine internals; the task types come from the shared contract (types only).
import type { JsonValue, TaskDto, TaskInput, TaskPage, TaskProgress, TaskState } from '../preload/contract';

export type { JsonValue, TaskDto, TaskInput, TaskPage, TaskProgress, TaskState };

/** A task in a batch: may name itself (ref) so later items of the same batch can depend on it. */
export type TaskBatchItemInput = TaskInput & { ref?: string; dependsOnRefs?: string[] };

export interface TaskListQuery {
  status?: TaskState[];
  priority?: ('critical' | 'high' | 'normal' | 'low')[];
  type?: string;
  agentId?: string;
  tag?: string;
  search?: string;
  sort?: 'created' | 'updated' | 'priority' | 'deadline' | 'state' | 'type';
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}

export interface ReportResult {
  id: string;
  state: TaskState;
}

export interface HeartbeatAnswer {
  cancelRequested: boolean;
  leaseExpiresAt: number;
}

export interface WhoAmI {
  agent: { id: string; name: string; kind: string; capacity: number; status: string };
  key: { id: string; prefix: string; scopes: string[] };
}

/** The HTTP status the gateway uses for each error code. */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** An error answer of the gateway, or a transport failure (code `network`, status 0). */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Seconds to wait (429). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Worth trying again later: the host is unreachable, restarting, busy or rate limiting. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

export interface ClientOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:4381 */
  url: string;
  /** An API key (`dlg_…`). */
  key: string;
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** One answer of a batch of reports: the state the task is in now, or why it was refused. */
export type BatchAnswer = ReportResult | { id: string; error: { code: string; message: string; details?: unknown } };

export class DelegateClient {
  readonly baseUrl: string;
  private readonly key: string;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.key = options.key;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new GatewayRequestError(0, 'network', `Cannot reach the gateway at ${this.baseUrl}${cause ? ` (${cause})` : ''}`);
    }
    const text = await res.text().catch(() => '');
    if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
    let data: { code?: string; message?: string; details?: unknown } = {};
    try {
      data = JSON.parse(text) as typeof data;
    } catch {
      // not JSON (a proxy, say)
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new GatewayRequestError(
      res.status,
      data.code ?? 'internal',
      data.message ?? `HTTP ${res.status}`,
      data.details,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }

  // --- submitting (scope submit) ----------------------------------------------------------

  createTask(task: TaskInput): Promise<TaskDto> {
    return this.request('POST', '/v1/tasks', task);
  }

  async createTasks(tasks: TaskBatchItemInput[]): Promise<TaskDto[]> {
    return (await this.request<{ tasks: TaskDto[] }>('POST', '/v1/tasks/batch', { tasks })).tasks;
  }

  getTask(id: string): Promise<TaskDto> {
    return this.request('GET', `/v1/tasks/${encodeURIComponent(id)}`);
  }

  listTasks(query: TaskListQuery = {}): Promise<TaskPage> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      params.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
    const qs = params.toString();
    return this.request('GET', `/v1/tasks${qs ? `?${qs}` : ''}`);
  }

  cancelTask(id: string, reason?: string): Promise<TaskDto> {
    return this.request('POST', `/v1/tasks/${encodeURIComponent(id)}/cancel`, reason ? { reason } : {});
  }

  // --- working (scope agent) --------------------------------------------------------------

  async claim(options: { max?: number; waitMs?: number } = {}, signal?: AbortSignal): Promise<TaskDto[]> {
    return (await this.request<{ tasks: TaskDto[] }>('POST', '/v1/claim', options, signal)).tasks;
  }

  heartbeat(id: string, attempt: number, progress?: TaskProgress): Promise<HeartbeatAnswer> {
    return this.request('POST', `/v1/tasks/${encodeURIComponent(id)}/heartbeat`, progress ? { attempt, progress } : { attempt });
  }

  complete(id: string, attempt: number, result?: JsonValue): Promise<ReportResult> {
    return this.request('POST', `/v1/tasks/${encodeURIComponent(id)}/complete`, result === undefined ? { attempt } : { attempt, result });
  }

  /** Several completions in one request; one answer per report, in order. */
  async completeMany(reports: { id: string; attempt: number; result?: JsonValue }[]): Promise<BatchAnswer[]> {
    return (await this.request<{ results: BatchAnswer[] }>('POST', '/v1/complete', { tasks: reports })).results;
  }

  /**
   * Several completions and the next work in one request (one commit): the reports' answers, and
   * up to `max` tasks taken now (none waiting: [] when nothing is ready; then claim() long-polls).
   */
  async completeAndClaim(reports: { id: string; attempt: number; result?: JsonValue }[], max: number): Promise<{ results: BatchAnswer[]; tasks: TaskDto[] }> {
    const answer = await this.request<{ results: BatchAnswer[]; tasks?: TaskDto[] }>('POST', '/v1/complete', { tasks: reports, claim: { max } });
    return { results: answer.results, tasks: answer.tasks ?? [] };
  }

  fail(id: string, attempt: number, error: { message: string; code?: string; details?: JsonValue }, retryable = true): Promise<ReportResult> {
    return this.request('POST', `/v1/tasks/${encodeURIComponent(id)}/fail`, { attempt, error, retryable });
  }

  whoami(): Promise<WhoAmI> {
    return this.request('GET', '/v1/whoami');
  }
}
