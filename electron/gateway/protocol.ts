// The agent gateway's wire shapes beyond what preload/contract.ts already fixes: request bodies,
// query strings, answers and the /v1/agent WebSocket messages. Zod only, so the route table,
// the parsing and the OpenAPI document all come from the same schemas.
import { z } from 'zod';
import {
  AgentDto,
  ApiKeyScope,
  Id,
  JsonValue,
  TaskDto,
  TaskPriority,
  TaskProgress,
  TaskState,
  TASK_PAGE_MAX,
  TASK_SORTS,
} from '../../preload/contract';

/** Errors as the gateway sends them; `rate_limited` (429) is the gateway's one code beyond the bridge's. */
export const GATEWAY_ERROR_CODES = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];
export const GatewayError = z.object({
  code: z.enum(GATEWAY_ERROR_CODES),
  message: z.string(),
  details: z.unknown().optional(),
});
export type GatewayError = z.infer<typeof GatewayError>;

export const HTTP_STATUS: Readonly<Record<GatewayErrorCode, number>> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export const CLAIM_MAX = 500;
export const CLAIM_WAIT_MAX_MS = 60_000;

export const TaskIdParams = z.object({ id: Id }).strict();

/** Query strings arrive as text: lists are comma-separated (or the key repeated), numbers are coerced. */
const csv = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess((v) => {
    if (v === undefined) return undefined;
    const parts = (Array.isArray(v) ? v : [v]).flatMap((p) => (typeof p === 'string' ? p.split(',') : [p]));
    return parts.map((p) => (typeof p === 'string' ? p.trim() : p)).filter((p) => p !== '');
  }, z.array(item).max(max).optional());

export const TaskListQueryString = z
  .object({
    status: csv(TaskState, 10),
    priority: csv(TaskPriority, 4),
    type: z.string().max(64).optional(),
    agentId: Id.optional(),
    tag: z.string().max(64).optional(),
    search: z.string().max(200).optional(),
    sort: z.enum(TASK_SORTS).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: z.coerce.number().int().min(1).max(TASK_PAGE_MAX).optional(),
    cursor: z.string().max(512).optional(),
  })
  .strict();

export const ClaimInput = z
  .object({
    /** Most tasks to take (also limited by the agent's free capacity). */
    max: z.number().int().min(1).max(CLAIM_MAX).default(1),
    /** Long poll: wait up to this long for work when none is ready (0 answers at once). */
    waitMs: z.number().int().min(0).max(CLAIM_WAIT_MAX_MS).default(0),
  })
  .strict();
export type ClaimInput = z.output<typeof ClaimInput>;
export const ClaimResult = z.object({ tasks: z.array(TaskDto) });

/** `attempt`: the attempt number the task was claimed with; omitted means the attempt this agent holds now. */
const Attempt = z.number().int().min(1);

export const HeartbeatInput = z.object({ attempt: Attempt.optional(), progress: TaskProgress.optional() }).strict();
export const HeartbeatResult = z.object({ cancelRequested: z.boolean(), leaseExpiresAt: z.number().int() });

export const CompleteInput = z.object({ attempt: Attempt.optional(), result: JsonValue.optional() }).strict();

export const FailError = z.union([
  z.string().min(1).max(2000).transform((message) => ({ message })),
  z
    .object({
      message: z.string().min(1).max(2000),
      code: z.string().max(64).optional(),
      details: JsonValue.optional(),
    })
    .strict(),
]);
export const FailInput = z
  .object({
    attempt: Attempt.optional(),
    error: FailError,
    /** false: no retry, the task ends dead. Default true (retried after the backoff while attempts remain). */
    retryable: z.boolean().default(true),
  })
  .strict();

export const COMPLETE_BATCH_MAX = 500;
/** Several completions in one request (the attempt is required here). */
export const CompleteBatchInput = z
  .object({
    tasks: z
      .array(z.object({ id: Id, attempt: Attempt, result: JsonValue.optional() }).strict())
      .min(1)
      .max(COMPLETE_BATCH_MAX),
    /** Also take up to `max` tasks now, in the same commit (no waiting): the next work in the same round trip. */
    claim: z.object({ max: z.number().int().min(1).max(CLAIM_MAX) }).strict().optional(),
  })
  .strict();
/** One answer per report, in order: the state the task is in now, or why it was refused; with `claim`, the tasks taken. */
export const CompleteBatchResult = z.object({
  results: z.array(z.union([z.object({ id: Id, state: TaskState }), z.object({ id: Id, error: GatewayError })])),
  tasks: z.array(TaskDto).optional(),
});

/** What complete and fail answer: the state the task is in now (failed = a retry waits). */
export const ReportResult = z.object({ id: Id, state: TaskState });

export const CancelInput = z.object({ reason: z.string().trim().min(1).max(500).default('cancelled through the gateway') }).strict();

export const WhoAmI = z.object({
  agent: AgentDto,
  key: z.object({ id: Id, prefix: z.string(), scopes: z.array(ApiKeyScope) }),
});

export const Health = z.object({ status: z.enum(['ok', 'draining']) });

// ---------------------------------------------------------------------------------------------
// WebSocket /v1/agent
// ---------------------------------------------------------------------------------------------

export const AGENT_WS_PATH = '/v1/agent';

/** Agent -> gateway. `ready`: "I can take `credit` more tasks" (credit adds up; the gateway claims for you). */
export const AgentClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), credit: z.number().int().min(0).max(CLAIM_MAX) }).strict(),
]);
export type AgentClientMessage = z.infer<typeof AgentClientMessage>;

/** Gateway -> agent. */
export type AgentServerMessage =
  | { type: 'welcome'; agent: { id: string; name: string }; leaseMs: number }
  | { type: 'assigned'; tasks: TaskDto[] }
  | { type: 'cancel'; taskId: string; attempt: number; reason: string | null }
  | { type: 'error'; error: GatewayError };
