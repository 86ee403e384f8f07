// Sign-in, first-run setup, session resume, idle lock and unlock, sign-out, own password.
import type { SessionDto, Settings } from '../../preload/contract';
import type { HandlersFor, CallContext } from '../bridge/types';
import type { Clock } from '../core/clock';
import { AppError, conflict, invalidInput, unauthenticated } from '../core/errors';
import type { EventBus } from '../core/events';
import { hashPassword, verifyPassword, type PasswordCost } from '../security/passwords';
import { tokenHash, type SessionRow, type SessionStore } from '../security/sessions';
import { toUserDto, type UserRow, type UserStore } from '../security/users';
import type { SettingsService } from '../settings';

export interface AuthDeps {
  users: UserStore;
  sessions: SessionStore;
  settings: SettingsService;
  bus: EventBus;
  clock: Clock;
  passwordCost: PasswordCost;
  /** Verified against when a username does not exist, so timing does not reveal which exist. */
  dummyHash: string;
  /** False when an admin was provisioned by other means (headless --admin-password). */
  allowSetupScreen: boolean;
}

/** Sign-in does not say which of the two was wrong, so it does not tell which usernames exist. */
const WRONG = 'Wrong username or password';
/** Unlock asks only for the password of a user the session already names: nothing to hide. */
const WRONG_PASSWORD = 'Wrong password';

export function idleLockMs(s: Settings): number {
  return s.sessionIdleLockMinutes * 60_000;
}

function sessionDto(token: string, session: SessionRow, user: UserRow, s: Settings): SessionDto {
  return { token, user: toUserDto(user), expiresAt: session.expiresAt, idleLockMs: idleLockMs(s) };
}

function actor(u: UserRow) {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role };
}

function lockedMessage(until: number): string {
  return `This account is locked after repeated failed sign-ins until ${new Date(until).toISOString().slice(0, 16).replace('T', ' ')} UTC. An administrator can unlock it sooner.`;
}

export function authHandlers(deps: AuthDeps): HandlersFor<'auth'> {
  const { users, sessions, settings, clock } = deps;

  /** Counts a failed password; locks the account at the threshold. Returns the lock end, if any. */
  function recordFailure(user: UserRow): number | null {
    const s = settings.get();
    const failed = user.failedLogins + 1;
    const lock = failed >= s.lockoutThreshold;
    const lockedUntil = lock ? clock.now() + s.lockoutMinutes * 60_000 : null;
    // Committed on its own: the call still fails, and the wrapper audits the refusal.
    deps.bus.afterCommit(() => {
      const row = users.update(user.id, lock ? { failedLogins: 0, lockedUntil } : { failedLogins: failed });
      if (lock) deps.bus.emit('user.changed', toUserDto(row));
    });
    return lockedUntil;
  }

  async function checkPassword(ctx: CallContext, user: UserRow, password: string, wrong: string): Promise<void> {
    if (user.lockedUntil !== null && user.lockedUntil > clock.now()) {
      throw unauthenticated(lockedMessage(user.lockedUntil), { lockedUntil: user.lockedUntil });
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const lockedUntil = recordFailure(user);
      if (lockedUntil !== null) throw unauthenticated(lockedMessage(lockedUntil), { lockedUntil });
      throw unauthenticated(wrong);
    }
    if (user.disabled) throw unauthenticated('This account is disabled: ask an administrator');
  }

  function requireBoundSession(ctx: CallContext): { id: string; session: SessionRow; user: UserRow } {
    if (!ctx.sessionId) throw unauthenticated('Please sign in');
    const state = sessions.resolve(ctx.sessionId);
    if (state.state === 'gone') throw unauthenticated(state.reason);
    const user = users.byId(state.session.userId);
    if (!user || user.disabled) throw unauthenticated('This account is disabled: ask an administrator');
    return { id: ctx.sessionId, session: state.session, user };
  }

  return {
    'auth.status': () => ({ setupRequired: deps.allowSetupScreen && users.count() === 0, siteName: settings.get().siteName }),

    'auth.setup': async (input, ctx) => {
      if (users.count() > 0) throw conflict('Delegate is already set up: sign in instead');
      const passwordHash = await hashPassword(input.password, deps.passwordCost);
      const { user, token, session } = ctx.commit(() => {
        // Re-checked inside the transaction: two setup screens racing create one admin.
        if (users.count() > 0) throw conflict('Delegate is already set up: sign in instead');
        const user = users.create({ username: input.username, displayName: input.displayName, role: 'admin', passwordHash });
        const s = sessions.create(user.id);
        return { user, ...s };
      }, { target: input.username });
      ctx.bindSession(session.id, token);
      deps.bus.emit('user.changed', toUserDto(user));
      return sessionDto(token, session, user, settings.get());
    },

    'auth.login': async (input, ctx) => {
      const user = users.byUsername(input.username);
      if (!user) {
        await verifyPassword(input.password, deps.dummyHash);
        throw unauthenticated(WRONG);
      }
      await checkPassword(ctx, user, input.password, WRONG);
      const { token, session } = ctx.commit(
        () => {
          users.update(user.id, { failedLogins: 0, lockedUntil: null, lastLoginAt: clock.now() });
          return sessions.create(user.id);
        },
        { actor: actor(user), target: user.username },
      );
      ctx.bindSession(session.id, token);
      return sessionDto(token, session, users.byIdOrThrow(user.id), settings.get());
    },

    'auth.resume': (input, ctx) => {
      const id = tokenHash(input.token);
      const state = sessions.resolve(id);
      if (state.state === 'gone') throw unauthenticated(state.reason);
      const user = users.byId(state.session.userId);
      if (!user || user.disabled) throw unauthenticated('This account is disabled: ask an administrator');
      ctx.bindSession(id, input.token);
      if (state.state === 'locked') {
        throw new AppError('unauthenticated', 'The session is locked: enter your password to continue', {
          locked: true,
          user: toUserDto(user),
        });
      }
      return sessionDto(input.token, state.session, user, settings.get());
    },

    'auth.unlock': async (input, ctx) => {
      const { id, user } = requireBoundSession(ctx);
      try {
        await checkPassword(ctx, user, input.password, WRONG_PASSWORD);
      } catch (error) {
        // A lockout while locked ends the session: the next person must sign in properly.
        const fresh = users.byId(user.id);
        if (fresh?.lockedUntil && fresh.lockedUntil > clock.now()) deps.bus.afterCommit(() => sessions.end(id, 'Account locked'));
        throw error;
      }
      const session = ctx.commit(
        () => {
          users.update(user.id, { failedLogins: 0 });
          return sessions.unlock(id);
        },
        { actor: actor(user), target: user.username },
      );
      return sessionDto(ctx.boundToken() ?? '', session, user, settings.get());
    },

    'auth.lock': (_input, ctx) => {
      const { id } = requireBoundSession(ctx);
      ctx.commit(() => sessions.lock(id, 'Locked by the user'));
      return { ok: true as const };
    },

    'auth.logout': (_input, ctx) => {
      const { id } = requireBoundSession(ctx);
      ctx.commit(() => sessions.end(id, 'Signed out'));
      ctx.unbindSession();
      return { ok: true as const };
    },

    'auth.changePassword': async (input, ctx) => {
      const { id, user } = requireBoundSession(ctx);
      if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
        throw invalidInput('The current password is wrong', { issues: [{ path: 'currentPassword', message: 'wrong password' }] });
      }
      if (input.currentPassword === input.newPassword) {
        throw invalidInput('The new password must differ from the current one', { issues: [{ path: 'newPassword', message: 'same as current' }] });
      }
      const passwordHash = await hashPassword(input.newPassword, deps.passwordCost);
      ctx.commit(
        () => {
          users.update(user.id, { passwordHash });
          // Other devices signed in as this user must sign in again with the new password.
          for (const other of openSessionsExcept(sessions, user.id, id)) sessions.end(other, 'Password changed');
        },
        { target: user.username },
      );
      return { ok: true as const };
    },
  };
}

function openSessionsExcept(sessions: SessionStore, userId: string, keep: string): string[] {
  return sessions.openFor(userId).filter((s) => s !== keep);
}
