// Handler types derived from the contract: a missing or mistyped handler does not compile.
import type { CallerEventName, CallName, CallOutput, CallParsedInput, CallsIn, EventPayload, Role } from '../../preload/contract';
import type { Connection } from './connection';

export interface Actor {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

export interface AuditNote {
  /** What the call acted on (a user id, a setting), for the audit page. */
  target?: string | null;
  /** Who acted, when the call itself establishes it (sign-in, setup). */
  actor?: Actor;
}

export interface CallContext {
  readonly conn: Connection;
  /** The signed-in user, or null for public calls made without a session. */
  readonly actor: Actor | null;
  /** The session the connection is bound to (active or locked), or null. */
  readonly sessionId: string | null;
  /**
   * Runs fn in ONE transaction together with this call's audit row (outcome ok); events emitted
   * inside are delivered after the commit. Mutating handlers put their writes here.
   */
  commit<T>(fn: () => T, note?: AuditNote): T;
  /** Binds the connection to a session (after sign-in, setup, resume, unlock). */
  bindSession(sessionId: string, token: string): void;
  unbindSession(): void;
  /** The bearer token the connection is bound with, if any. */
  boundToken(): string | null;
  /**
   * Pushes a caller-only event (the progress of this call) to this connection alone. Dropped once
   * the connection speaks for another session, the session is locked or ended, or the role falls short.
   */
  notify<E extends CallerEventName>(name: E, payload: EventPayload<E>): void;
}

export type Handler<N extends CallName> = (
  input: CallParsedInput<N>,
  ctx: CallContext,
) => CallOutput<N> | Promise<CallOutput<N>>;

export type Handlers = { [N in CallName]: Handler<N> };
/** The handlers of one area, e.g. HandlersFor<'users'>. Host composes Handlers from these. */
export type HandlersFor<A extends string> = { [N in CallsIn<A>]: Handler<N> };
