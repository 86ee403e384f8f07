// THE contract between the renderer and the engine room: every call and every event, as data.
// Pure TypeScript + zod, imported by electron/, preload/ and renderer/. Nothing here runs I/O.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Roles and errors
// ---------------------------------------------------------------------------------------------

export const ROLES = ['operator', 'supervisor', 'engineer', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Who may make a call: a role (and every role above it), or anyone, even without a session. */
export type Access = Role | 'public';

const ROLE_RANK: Record<Role, number> = { operator: 1, supervisor: 2, engineer: 3, admin: 4 };

/** True when `role` is at least `needed` in operator < supervisor < engineer < admin. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

export const ERROR_CODES = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'unavailable',
  'internal',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const BridgeErrorData = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type BridgeErrorData = z.infer<typeof BridgeErrorData>;

// ---------------------------------------------------------------------------------------------
// Shared value schemas
// ---------------------------------------------------------------------------------------------

/** Sortable ids (ULID: 26 Crockford base32 characters). */
export const Id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an id');
/** Integer milliseconds since the Unix epoch, UTC. */
export const Millis = z.number().int().nonnegative();

export const Username = z
  .string()
  .trim()
  .min(3, 'at least 3 characters')
  .max(64, 'at most 64 characters')
  .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');
export const Password = z
  .string()
  .min(10, 'at least 10 characters')
  .max(256, 'at most 256 characters');
/** A password typed at login: never length-checked beyond a sane cap, so old passwords still work. */
const LoginPassword = z.string().min(1, 'required').max(256);
export const DisplayName = z.string().trim().min(1, 'required').max(120);

export const UserDto = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  role: Role,
  disabled: z.boolean(),
  lockedUntil: Millis.nullable(),
  createdAt: Millis,
  lastLoginAt: Millis.nullable(),
});
export type UserDto = z.infer<typeof UserDto>;

export const SessionDto = z.object({
  token: z.string(),
  user: UserDto,
  expiresAt: Millis,
  idleLockMs: z.number().int().positive(),
});
export type SessionDto = z.infer<typeof SessionDto>;

export const AUDIT_OUTCOMES = ['ok', ...ERROR_CODES] as const;
export const AuditOutcome = z.enum(AUDIT_OUTCOMES);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  id: Id,
  ts: Millis,
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  outcome: AuditOutcome,
  target: z.string().nullable(),
  details: z.unknown(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int().nonnegative(),
  firstBadSeq: z.number().int().nullable(),
  problem: z.string().nullable(),
});
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;

export const Settings = z.object({
  siteName: z.string().trim().min(1).max(120),
  sessionIdleLockMinutes: z.number().int().min(1).max(240),
  sessionMaxHours: z.number().int().min(1).max(72),
  lockoutThreshold: z.number().int().min(3).max(20),
  lockoutMinutes: z.number().int().min(1).max(1440),
});
export type Settings = z.infer<typeof Settings>;

export const SystemInfo = z.object({
  version: z.string(),
  mode: z.enum(['desktop', 'headless']),
  dataDir: z.string(),
  dbPath: z.string(),
  startedAt: Millis,
  schemaVersion: z.number().int(),
  node: z.string(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

// ---------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------

export interface CallDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  role: Access;
  /** Mutating calls write exactly one audit row, refused or not. */
  mutates: boolean;
  /** One line for people: shown in the audit page and the API reference. */
  summary: string;
}

function call<I extends z.ZodType, O extends z.ZodType>(def: CallDef<I, O>): CallDef<I, O> {
  return def;
}

export const AUDIT_PAGE_MAX = 200;

export const calls = {
  'auth.status': call({
    input: Empty,
    output: z.object({ setupRequired: z.boolean(), siteName: z.string() }),
    role: 'public',
    mutates: false,
    summary: 'Whether the first administrator still has to be created',
  }),
  'auth.setup': call({
    input: z.object({ username: Username, displayName: DisplayName, password: Password }).strict(),
    output: SessionDto,
    role: 'public',
    mutates: true,
    summary: 'Create the first administrator (only while no user exists)',
  }),
  'auth.login': call({
    input: z.object({ username: z.string().trim().min(1, 'required').max(64), password: LoginPassword }).strict(),
    output: SessionDto,
    role: 'public',
    mutates: true,
    summary: 'Sign in',
  }),
  'auth.resume': call({
    input: z.object({ token: z.string().min(1).max(128) }).strict(),
    output: SessionDto,
    role: 'public',
    mutates: false,
    summary: 'Re-attach a connection to an existing session',
  }),
  'auth.unlock': call({
    input: z.object({ password: LoginPassword }).strict(),
    output: SessionDto,
    role: 'public',
    mutates: true,
    summary: 'Unlock an idle-locked session by typing the password again',
  }),
  'auth.lock': call({
    input: Empty,
    output: Ok,
    role: 'operator',
    mutates: true,
    summary: 'Lock the session now',
  }),
  'auth.logout': call({
    input: Empty,
    output: Ok,
    role: 'operator',
    mutates: true,
    summary: 'Sign out',
  }),
  'auth.changePassword': call({
    input: z.object({ currentPassword: LoginPassword, newPassword: Password }).strict(),
    output: Ok,
    role: 'operator',
    mutates: true,
    summary: 'Change your own password',
  }),
  'users.list': call({
    input: Empty,
    output: z.object({ users: z.array(UserDto) }),
    role: 'admin',
    mutates: false,
    summary: 'List local accounts',
  }),
  'users.create': call({
    input: z
      .object({ username: Username, displayName: DisplayName, role: Role, password: Password })
      .strict(),
    output: UserDto,
    role: 'admin',
    mutates: true,
    summary: 'Create a local account',
  }),
  'users.update': call({
    input: z
      .object({
        id: Id,
        displayName: DisplayName.optional(),
        role: Role.optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
    output: UserDto,
    role: 'admin',
    mutates: true,
    summary: 'Change an account: name, role, enabled',
  }),
  'users.resetPassword': call({
    input: z.object({ id: Id, password: Password }).strict(),
    output: Ok,
    role: 'admin',
    mutates: true,
    summary: "Set a new password for someone else's account (ends their sessions)",
  }),
  'users.unlock': call({
    input: z.object({ id: Id }).strict(),
    output: UserDto,
    role: 'admin',
    mutates: true,
    summary: 'Clear a lockout after failed sign-ins',
  }),
  'audit.list': call({
    input: z
      .object({
        limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
        /** Entries with seq below this one (newest first paging). */
        beforeSeq: z.number().int().positive().optional(),
        action: z.string().max(64).optional(),
        actor: z.string().max(64).optional(),
        outcome: AuditOutcome.optional(),
        from: Millis.optional(),
        to: Millis.optional(),
      })
      .strict(),
    output: z.object({ entries: z.array(AuditEntry), nextBeforeSeq: z.number().int().nullable() }),
    role: 'admin',
    mutates: false,
    summary: 'Read the audit trail, newest first',
  }),
  'audit.verify': call({
    input: Empty,
    output: AuditVerifyResult,
    role: 'admin',
    mutates: false,
    summary: 'Check the audit hash chain and name the first tampered row',
  }),
  'settings.get': call({
    input: Empty,
    output: Settings,
    role: 'operator',
    mutates: false,
    summary: 'Read site settings',
  }),
  'settings.update': call({
    input: Settings.partial().strict(),
    output: Settings,
    role: 'admin',
    mutates: true,
    summary: 'Change site settings',
  }),
  'system.info': call({
    input: Empty,
    output: SystemInfo,
    role: 'operator',
    mutates: false,
    summary: 'Version, mode and where the data lives',
  }),
} satisfies Record<string, CallDef>;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export const CALL_NAMES = Object.keys(calls) as CallName[];
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallParsedInput<N extends CallName> = z.output<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;

// ---------------------------------------------------------------------------------------------
// Events: past tense, pushed after commit to sessions whose role may see them
// ---------------------------------------------------------------------------------------------

export interface EventDef<P extends z.ZodType = z.ZodType> {
  payload: P;
  role: Role;
}
function event<P extends z.ZodType>(def: EventDef<P>): EventDef<P> {
  return def;
}

export const events = {
  'audit.appended': event({ payload: AuditEntry, role: 'admin' }),
  'user.changed': event({ payload: UserDto, role: 'admin' }),
  'settings.changed': event({ payload: Settings, role: 'operator' }),
} satisfies Record<string, EventDef>;

export type Events = typeof events;
export type EventName = keyof Events;
export const EVENT_NAMES = Object.keys(events) as EventName[];
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

/** Events that belong to one connection rather than to a role (session ended, locked). */
export const SessionNotice = z.object({
  kind: z.enum(['locked', 'ended']),
  reason: z.string(),
});
export type SessionNotice = z.infer<typeof SessionNotice>;

// ---------------------------------------------------------------------------------------------
// Wire format for the WebSocket transport (IPC carries the same shapes)
// ---------------------------------------------------------------------------------------------

export const WS_PATH = '/bridge';

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int().nonnegative(), name: z.string().max(64), input: z.unknown() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type CallResult =
  | { ok: true; value: unknown }
  | { ok: false; error: BridgeErrorData };

export type ServerMessage =
  | ({ type: 'result'; id: number } & CallResult)
  | { type: 'event'; name: EventName; payload: unknown }
  | { type: 'session'; notice: SessionNotice };

/** The shape the preload exposes as `window.delegate`: one function per call, grouped by area. */
export type CallArea<N extends string> = N extends `${infer A}.${string}` ? A : never;
export type CallsIn<A extends string> = Extract<CallName, `${A}.${string}`>;
export type MethodName<N extends string> = N extends `${string}.${infer M}` ? M : never;
export type DelegateApi = {
  [A in CallArea<CallName>]: {
    [N in CallsIn<A> as MethodName<N>]: (input: CallInput<N>) => Promise<CallResult>;
  };
} & {
  subscribe(listener: (message: ServerMessage) => void): () => void;
};
