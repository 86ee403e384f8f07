// The `delegate` commands that read and change a data folder: users, agents, keys, tasks. Each
// parses its arguments, validates them with the contract's schemas, and writes through the same
// services the app uses (see context.ts), audited as actor `cli`.
import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import {
  AgentInput,
  ApiKeyName,
  ApiKeyScopes,
  DisplayName,
  Id,
  Password,
  Role,
  TaskListInput,
  Username,
  type AgentDto,
  type ApiKeyDto,
  type TaskSummary,
  type UserDto,
} from '../../preload/contract';
import { conflict, notFound } from '../core/errors';
import { hashPassword } from '../security/passwords';
import { toUserDto } from '../security/users';
import { openCliContext, type CliContext } from './context';
import { parseArgsOrUsage, UsageError } from './usage-error';

export { UsageError };

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** All of stdin (for --password-stdin). */
  readStdin(): string;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  readStdin: () => readFileSync(0, 'utf8'),
};

type Options = NonNullable<ParseArgsConfig['options']>;
const COMMON: Options = { 'data-dir': { type: 'string' }, json: { type: 'boolean' } };

interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

function args(argv: string[], options: Options, positionals = 0): Parsed {
  const parsed = parseArgsOrUsage({ args: argv, options: { ...COMMON, ...options }, strict: true, allowPositionals: positionals > 0 });
  if (parsed.positionals.length > positionals) throw new UsageError(`Unexpected argument: ${parsed.positionals[positionals]}`);
  return { values: parsed.values as Parsed['values'], positionals: parsed.positionals };
}

/** Parses with a contract schema; a failure is a usage error that names the option. */
function valid<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new UsageError(`${what}: ${path}${issue.message}`);
  }
  return r.data;
}

function required(p: Parsed, name: string): string {
  const v = p.values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

function list(text: string | undefined): string[] | undefined {
  return text === undefined ? undefined : text.split(',').map((s) => s.trim()).filter(Boolean);
}

/** `weld:3,inspect:2` -> { weld: 3, inspect: 2 }. */
export function parseSkills(text: string): Record<string, number> {
  const skills: Record<string, number> = {};
  for (const part of list(text) ?? []) {
    const m = /^([^:]+):(\d+)$/.exec(part);
    if (!m) throw new UsageError(`--skills: "${part}" is not skill:level (e.g. weld:3)`);
    skills[m[1]!.trim()] = Number(m[2]);
  }
  return skills;
}

function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));

async function withContext<T>(p: Parsed, fn: (ctx: CliContext) => Promise<T> | T, create = false): Promise<T> {
  const ctx = openCliContext(p.values['data-dir'] as string | undefined, { create });
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

function emit(io: Io, p: Parsed, json: unknown, text: () => string): void {
  io.out(p.values.json ? JSON.stringify(json, null, 2) : text());
}

// ---------------------------------------------------------------------------------------------
// users
// ---------------------------------------------------------------------------------------------

export const USERS_USAGE = `delegate users add --username <name> --role operator|supervisor|engineer|admin [--display-name <text>]
                   [--password-stdin | --password <pw>]   (neither: a one-time password is printed)
delegate users list
delegate users disable <username>
delegate users enable <username>`;

export async function usersCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  if (sub === 'add') {
    const p = args(argv, {
      username: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    });
    const username = valid(Username, required(p, 'username'), '--username');
    const role = valid(Role, required(p, 'role'), '--role');
    const displayName = valid(DisplayName, (p.values['display-name'] as string | undefined) ?? username, '--display-name');
    let password = p.values.password as string | undefined;
    if (p.values['password-stdin']) password = io.readStdin().replace(/\r?\n$/, '');
    let generated = false;
    if (password === undefined) {
      const { randomBytes } = await import('node:crypto');
      password = randomBytes(12).toString('base64url');
      generated = true;
    }
    valid(Password, password, 'password');
    const passwordHash = await hashPassword(password);
    const user = await withContext(p, (ctx) =>
      toUserDto(
        ctx.write('users.create', username, { username, displayName, role }, () => {
          if (ctx.users.byUsername(username)) throw conflict(`The username "${username}" is taken`);
          return ctx.users.create({ username, displayName, role, passwordHash });
        }),
      ),
      true,
    );
    emit(io, p, generated ? { user, password } : { user }, () =>
      generated
        ? `Created ${role} "${user.username}". One-time password (shown once; change it after signing in): ${password}`
        : `Created ${role} "${user.username}".`,
    );
    return 0;
  }
  if (sub === 'list') {
    const p = args(argv, {});
    const users = await withContext(p, (ctx) => ctx.users.list().map(toUserDto));
    emit(io, p, { users }, () =>
      table([
        ['USERNAME', 'ROLE', 'STATUS', 'LAST LOGIN', 'NAME'],
        ...users.map((u: UserDto) => [u.username, u.role, u.disabled ? 'disabled' : 'active', time(u.lastLoginAt), u.displayName]),
      ]),
    );
    return 0;
  }
  if (sub === 'disable' || sub === 'enable') {
    const p = args(argv, {}, 1);
    const username = p.positionals[0];
    if (!username) throw new UsageError(`users ${sub} needs a username`);
    const disabled = sub === 'disable';
    const user = await withContext(p, (ctx) =>
      toUserDto(
        ctx.write('users.update', username, { username, disabled }, () => {
          const target = ctx.users.byUsername(username);
          if (!target) throw notFound(`No user named "${username}"`);
          if (disabled && target.role === 'admin' && !target.disabled && ctx.users.countActiveAdmins() <= 1) {
            throw conflict('This is the last active administrator: make someone else admin first');
          }
          const row = ctx.users.update(target.id, { disabled });
          if (disabled) ctx.sessions.endAllForUser(target.id, 'Your account was disabled');
          return row;
        }),
      ),
    );
    emit(io, p, { user }, () => `User "${user.username}" is ${user.disabled ? 'disabled: its sessions ended' : 'enabled'}.`);
    return 0;
  }
  throw new UsageError(`Unknown: users ${sub ?? ''}\n${USERS_USAGE}`);
}

// ---------------------------------------------------------------------------------------------
// agents
// ---------------------------------------------------------------------------------------------

export const AGENTS_USAGE = `delegate agents add --name <name> --kind software|robot|human [--skills weld:3,inspect:2] [--capacity <n>] [--tags a,b]
delegate agents list`;

export async function agentsCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  if (sub === 'add') {
    const p = args(argv, { name: { type: 'string' }, kind: { type: 'string' }, skills: { type: 'string' }, capacity: { type: 'string' }, tags: { type: 'string' } });
    const capacity = p.values.capacity === undefined ? undefined : Number(p.values.capacity);
    const input = valid(
      AgentInput,
      {
        name: required(p, 'name'),
        kind: required(p, 'kind'),
        ...(p.values.skills !== undefined ? { skills: parseSkills(p.values.skills as string) } : {}),
        ...(capacity !== undefined ? { capacity } : {}),
        ...(p.values.tags !== undefined ? { tags: list(p.values.tags as string) } : {}),
      },
      'agent',
    );
    const agent = await withContext(p, (ctx) => ctx.write('agents.create', input.name, input, () => ctx.agents.create(input)), true);
    emit(io, p, agent, () => `Added ${agent.kind} agent "${agent.name}" (${agent.id}).`);
    return 0;
  }
  if (sub === 'list') {
    const p = args(argv, {});
    const agents = await withContext(p, (ctx) => ctx.agents.list());
    emit(io, p, { agents }, () =>
      table([
        ['NAME', 'KIND', 'STATUS', 'LOAD', 'SKILLS', 'LAST SEEN', 'ID'],
        ...agents.map((a: AgentDto) => [
          a.name,
          a.kind,
          a.status,
          `${a.load}/${a.capacity}`,
          Object.entries(a.skills).map(([k, v]) => `${k}:${v}`).join(',') || '-',
          time(a.lastSeenAt),
          a.id,
        ]),
      ]),
    );
    return 0;
  }
  throw new UsageError(`Unknown: agents ${sub ?? ''}\n${AGENTS_USAGE}`);
}

// ---------------------------------------------------------------------------------------------
// keys
// ---------------------------------------------------------------------------------------------

export const KEYS_USAGE = `delegate keys create --agent <name> [--scope agent,submit] [--name <label>]   (prints the key once)
delegate keys list [--agent <name>]
delegate keys revoke <id | dlg_prefix>`;

function agentByName(ctx: CliContext, name: string): AgentDto {
  const agent = ctx.agents.byName(name);
  if (!agent) throw notFound(`No agent named "${name}"`);
  return agent;
}

export async function keysCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  if (sub === 'create') {
    const p = args(argv, { agent: { type: 'string' }, scope: { type: 'string' }, name: { type: 'string' } });
    const agentName = required(p, 'agent');
    const scopes = valid(ApiKeyScopes, list((p.values.scope as string | undefined) ?? 'agent'), '--scope');
    const label = p.values.name === undefined ? undefined : valid(ApiKeyName, p.values.name, '--name');
    const created = await withContext(p, (ctx) =>
      ctx.write('agents.createKey', agentName, { agent: agentName, scopes, name: label }, () => {
        const agent = agentByName(ctx, agentName);
        return ctx.agents.createKey(agent.id, scopes, label);
      }),
    );
    emit(io, p, created, () =>
      [
        `Key ${created.key.prefix} for agent "${agentName}" (scopes ${created.key.scopes.join(', ')}, id ${created.key.id}).`,
        `It is shown this once; store it now:`,
        created.secret,
      ].join('\n'),
    );
    return 0;
  }
  if (sub === 'list') {
    const p = args(argv, { agent: { type: 'string' } });
    const { keys, names } = await withContext(p, (ctx) => {
      const agentName = p.values.agent as string | undefined;
      const keys = ctx.agents.listKeys(agentName ? agentByName(ctx, agentName).id : undefined);
      const names = new Map(ctx.agents.list().map((a) => [a.id, a.name]));
      return { keys, names };
    });
    emit(io, p, { keys }, () =>
      table([
        ['PREFIX', 'AGENT', 'SCOPES', 'STATUS', 'LAST USED', 'ID'],
        ...keys.map((k: ApiKeyDto) => [
          k.prefix,
          names.get(k.agentId) ?? k.agentId,
          k.scopes.join(','),
          k.revokedAt === null ? 'active' : `revoked ${time(k.revokedAt)}`,
          time(k.lastUsedAt),
          k.id,
        ]),
      ]),
    );
    return 0;
  }
  if (sub === 'revoke') {
    const p = args(argv, {}, 1);
    const which = p.positionals[0];
    if (!which) throw new UsageError('keys revoke needs a key id or prefix (dlg_xxxxxxxx)');
    const key = await withContext(p, (ctx) =>
      ctx.write('agents.revokeKey', which, { key: which }, () => {
        const prefix = which.startsWith('dlg_') ? which.split('_').slice(0, 2).join('_') : `dlg_${which}`;
        const found = ctx.agents.listKeys().find((k) => k.id === which || k.prefix === prefix);
        if (!found) throw notFound(`No API key with id or prefix "${which}"`);
        return ctx.agents.revokeKey(found.id);
      }),
    );
    emit(io, p, key, () => `Key ${key.prefix} (${key.id}) is revoked.`);
    return 0;
  }
  throw new UsageError(`Unknown: keys ${sub ?? ''}\n${KEYS_USAGE}`);
}

// ---------------------------------------------------------------------------------------------
// tasks
// ---------------------------------------------------------------------------------------------

export const TASKS_USAGE = `delegate tasks list [--status ready,running] [--type <t>] [--priority high,...] [--limit <n>] [--cursor <c>]
delegate tasks show <id>
delegate tasks cancel <id> [--reason <text>]`;

export async function tasksCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  if (sub === 'list') {
    const p = args(argv, { status: { type: 'string' }, type: { type: 'string' }, priority: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } });
    const query = valid(
      TaskListInput,
      {
        ...(p.values.status !== undefined ? { status: list(p.values.status as string) } : {}),
        ...(p.values.priority !== undefined ? { priority: list(p.values.priority as string) } : {}),
        ...(p.values.type !== undefined ? { type: p.values.type } : {}),
        ...(p.values.limit !== undefined ? { limit: Number(p.values.limit) } : {}),
        ...(p.values.cursor !== undefined ? { cursor: p.values.cursor } : {}),
      },
      'tasks list',
    );
    const page = await withContext(p, (ctx) => ctx.tasks.list(query));
    emit(io, p, page, () =>
      [
        table([
          ['ID', 'STATE', 'PRIORITY', 'TYPE', 'ATTEMPT', 'CREATED', 'TITLE'],
          ...page.tasks.map((t: TaskSummary) => [t.id, t.state, t.priority, t.type, `${t.attempt}/${t.maxAttempts}`, time(t.createdAt), t.title]),
        ]),
        `${page.tasks.length} of ${page.total}${page.nextCursor ? ` — next page: --cursor ${page.nextCursor}` : ''}`,
      ].join('\n'),
    );
    return 0;
  }
  if (sub === 'show') {
    const p = args(argv, {}, 1);
    const id = valid(Id, p.positionals[0], 'task id');
    const details = await withContext(p, (ctx) => ctx.tasks.details(id));
    emit(io, p, details, () => {
      const t = details.task;
      return [
        `${t.id}  ${t.type}  "${t.title}"`,
        `state ${t.state}, priority ${t.priority}, attempt ${t.attempt} of ${t.maxAttempts}, creator ${t.creator ?? '-'}`,
        `created ${time(t.createdAt)}, started ${time(t.startedAt)}, finished ${time(t.finishedAt)}`,
        t.idempotencyKey ? `idempotency key ${t.idempotencyKey}` : null,
        t.lastError ? `last error: ${t.lastError.message}` : null,
        `payload ${JSON.stringify(t.payload)}`,
        t.result !== null ? `result ${JSON.stringify(t.result)}` : null,
        'timeline:',
        ...details.timeline.map((e) => `  ${time(e.at)}  ${e.from ?? '∅'} -> ${e.to}  #${e.attempt}${e.note ? `  ${e.note}` : ''}`),
      ]
        .filter((l) => l !== null)
        .join('\n');
    });
    return 0;
  }
  if (sub === 'cancel') {
    const p = args(argv, { reason: { type: 'string' } }, 1);
    const id = valid(Id, p.positionals[0], 'task id');
    const reason = valid(z.string().trim().min(1).max(500), (p.values.reason as string | undefined) ?? 'cancelled from the command line', '--reason');
    const task = await withContext(p, (ctx) => ctx.write('tasks.cancel', id, { id, reason }, () => ctx.tasks.cancel(id, reason, { name: 'cli' })));
    emit(io, p, task, () =>
      task.state === 'cancelled' ? `Task ${id} is cancelled.` : `Task ${id} is ${task.state}: its agent was asked to stop (it ends cancelled when it acknowledges, or after the grace period).`,
    );
    return 0;
  }
  throw new UsageError(`Unknown: tasks ${sub ?? ''}\n${TASKS_USAGE}`);
}
