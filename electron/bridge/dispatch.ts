// The one wrapper every call goes through, whatever the transport:
// session -> role -> zod parse -> handler -> output check -> audit (mutating calls, refused
// ones too) -> typed error. No handler repeats any of it.
import { z } from 'zod';
import {
  calls,
  events as eventDefs,
  roleAtLeast,
  type AuditOutcome,
  type BridgeErrorData,
  type CallName,
  type CallResult,
} from '../../preload/contract';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';
import type { Logger } from '../log';
import { auditDetails, type AuditLog } from '../security/audit-log';
import type { SessionStore } from '../security/sessions';
import type { UserStore } from '../security/users';
import type { Connection } from './connection';
import type { Actor, AuditNote, CallContext, Handlers } from './types';

export interface Bridge {
  /** Runs one call. Never throws: every failure is a typed error result. */
  dispatch(conn: Connection, name: unknown, input: unknown): Promise<CallResult>;
  /** Starts pushing events to the connection; returns the detach function. */
  attach(conn: Connection): () => void;
  /** Connections currently attached (for leak checks). */
  readonly attachedCount: number;
  dispose(): void;
}

export interface BridgeDeps {
  handlers: Handlers;
  sqlite: { transaction<T>(fn: () => T): () => T };
  bus: EventBus;
  audit: AuditLog;
  sessions: SessionStore;
  users: UserStore;
  log: Logger;
}

/** A locked session may still be ended: "Sign out" on the lock screen must work. */
const CALLS_ALLOWED_WHILE_LOCKED: ReadonlySet<CallName> = new Set<CallName>(['auth.logout']);

function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}

export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function describeIssues(issues: { path: string; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
}

export function createBridge(deps: BridgeDeps): Bridge {
  const { handlers, bus, audit, sessions, users, log } = deps;
  const tokens = new WeakMap<Connection, string>();
  const attached = new Set<Connection>();

  const actorOf = (userId: string): Actor | null => {
    const u = users.byId(userId);
    return u ? { id: u.id, username: u.username, displayName: u.displayName, role: u.role } : null;
  };

  async function dispatch(conn: Connection, name: unknown, input: unknown): Promise<CallResult> {
    if (!isCallName(name)) {
      return { ok: false, error: { code: 'invalid_input', message: `Unknown call: ${typeof name === "string" ? name.slice(0, 64) : typeof name}` } };
    }
    const def = calls[name];
    let audited = false;
    let actor: Actor | null = null;
    let note: AuditNote = {};

    const writeAudit = (outcome: AuditOutcome) => {
      const who = note.actor ?? actor;
      const entry = audit.append({
        actorId: who?.id ?? null,
        actorName: who?.username ?? null,
        action: name,
        outcome,
        target: note.target ?? targetOf(input),
        details: { transport: conn.transport, input: auditDetails(input) },
      });
      bus.emit('audit.appended', entry);
    };

    try {
      let sessionId: string | null = null;
      if (conn.sessionId) {
        const state = sessions.resolve(conn.sessionId);
        if (state.state === 'gone') {
          conn.sessionId = null;
          tokens.delete(conn);
        } else {
          sessionId = conn.sessionId;
          actor = actorOf(state.session.userId);
          if (def.role !== 'public') {
            if (state.state === 'locked' && !CALLS_ALLOWED_WHILE_LOCKED.has(name)) {
              throw new AppError('unauthenticated', 'The session is locked: enter your password to continue', { locked: true });
            }
            if (!actor) throw new AppError('unauthenticated', 'Please sign in');
          }
        }
      }
      if (def.role !== 'public') {
        if (!actor || !sessionId) throw new AppError('unauthenticated', 'Please sign in');
        if (!roleAtLeast(actor.role, def.role)) {
          throw new AppError('forbidden', `${name} needs the ${def.role} role; you are signed in as ${actor.role}`);
        }
        sessions.touch(sessionId);
      }

      const parsed = def.input.safeParse(input);
      if (!parsed.success) {
        const issues = zodIssues(parsed.error);
        throw new AppError('invalid_input', `Invalid input for ${name}: ${describeIssues(issues)}`, { issues });
      }

      const ctx: CallContext = {
        conn,
        actor,
        sessionId,
        commit: <T>(fn: () => T, n?: AuditNote): T => {
          if (n) note = { ...note, ...n };
          return bus.afterCommit(() =>
            deps.sqlite.transaction(() => {
              const out = fn();
              if (def.mutates && !audited) {
                writeAudit('ok');
                audited = true;
              }
              return out;
            })(),
          );
        },
        bindSession: (id, token) => {
          conn.sessionId = id;
          tokens.set(conn, token);
        },
        unbindSession: () => {
          conn.sessionId = null;
          tokens.delete(conn);
        },
        boundToken: () => tokens.get(conn) ?? null,
        notify: (event, payload) => {
          const eventDef = eventDefs[event];
          if (!sessionId || conn.sessionId !== sessionId) return;
          const state = sessions.resolve(sessionId);
          if (state.state !== 'active') return;
          const who = actorOf(state.session.userId);
          if (!who || !roleAtLeast(who.role, eventDef.role)) return;
          conn.send({ type: 'event', name: event, payload });
        },
      };

      // Handlers are typed per call; here the name is only known at run time.
      const handler = handlers[name] as (i: unknown, c: CallContext) => unknown;
      const result = await handler(parsed.data, ctx);
      const output = def.output.safeParse(result);
      if (!output.success) {
        log.error({ call: name, issues: zodIssues(output.error) }, 'handler returned output outside the contract');
        throw new AppError('internal', 'The server produced an invalid answer; the problem was logged');
      }
      if (def.mutates && !audited) {
        bus.afterCommit(() => writeAudit('ok'));
        audited = true;
      }
      return { ok: true, value: output.data };
    } catch (error) {
      const data = toErrorData(error, name, log);
      if (def.mutates && !audited) {
        try {
          bus.afterCommit(() => writeAudit(data.code));
        } catch (auditError) {
          log.error({ err: auditError, call: name }, 'could not write the audit row of a refused call');
        }
      }
      return { ok: false, error: data };
    }
  }

  function attach(conn: Connection): () => void {
    attached.add(conn);
    const offEvent = bus.onDidEmit(({ name, payload }) => {
      if (!conn.sessionId) return;
      const state = sessions.resolve(conn.sessionId);
      if (state.state !== 'active') return;
      const def = eventDefs[name];
      // Caller-only events (a call's progress) belong to one connection: ctx.notify sends them.
      if (def.toCaller) return;
      const who = actorOf(state.session.userId);
      if (!who) return;
      // An event may name the user it concerns (a task offered to a person): they see it whatever their role.
      const addressed = def.toUser !== undefined && (payload as Record<string, unknown>)[def.toUser] === who.id;
      if (addressed || roleAtLeast(who.role, def.role)) conn.send({ type: 'event', name, payload });
    });
    const offSignal = bus.onSessionSignal((signal) => {
      if (conn.sessionId !== signal.sessionId) return;
      if (signal.kind === 'ended') {
        conn.sessionId = null;
        tokens.delete(conn);
      }
      conn.send({ type: 'session', notice: { kind: signal.kind, reason: signal.reason } });
    });
    let detached = false;
    return () => {
      if (detached) return;
      detached = true;
      offEvent();
      offSignal();
      attached.delete(conn);
    };
  }

  return {
    dispatch,
    attach,
    get attachedCount() {
      return attached.size;
    },
    dispose: () => attached.clear(),
  };
}

function targetOf(input: unknown): string | null {
  if (input && typeof input === 'object') {
    const rec = input as Record<string, unknown>;
    for (const key of ['id', 'taskId', 'username', 'name', 'agentId']) {
      const v = rec[key];
      if (typeof v === 'string' && v.length <= 128) return v;
    }
  }
  return null;
}

function toErrorData(error: unknown, name: string, log: Logger): BridgeErrorData {
  if (error instanceof AppError) return error.toData();
  if (error instanceof z.ZodError) {
    const issues = zodIssues(error);
    return { code: 'invalid_input', message: `Invalid input for ${name}: ${describeIssues(issues)}`, details: { issues } };
  }
  log.error({ err: error, call: name }, 'call failed');
  return { code: 'internal', message: 'Something went wrong inside Delegate; the problem was logged' };
}
