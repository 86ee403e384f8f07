// Admin management of local accounts. The last active admin can be neither demoted nor disabled.
import type { HandlersFor } from '../bridge/types';
import { conflict } from '../core/errors';
import type { EventBus } from '../core/events';
import { hashPassword, type PasswordCost } from '../security/passwords';
import type { SessionStore } from '../security/sessions';
import { toUserDto, type UserStore } from '../security/users';

export interface UsersDeps {
  users: UserStore;
  sessions: SessionStore;
  bus: EventBus;
  passwordCost: PasswordCost;
}

export function usersHandlers(deps: UsersDeps): HandlersFor<'users'> {
  const { users, sessions, bus } = deps;
  return {
    'users.list': () => ({ users: users.list().map(toUserDto) }),

    'users.directory': () => ({
      users: users.list().map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, disabled: u.disabled })),
    }),

    'users.create': async (input, ctx) => {
      if (users.byUsername(input.username)) throw conflict(`The username "${input.username}" is taken`, { field: 'username' });
      const passwordHash = await hashPassword(input.password, deps.passwordCost);
      const user = ctx.commit(() => {
        const row = users.create({ username: input.username, displayName: input.displayName, role: input.role, passwordHash });
        bus.emit('user.changed', toUserDto(row));
        return row;
      }, { target: input.username });
      return toUserDto(user);
    },

    'users.update': (input, ctx) => {
      const target = users.byIdOrThrow(input.id);
      const demoted = input.role !== undefined && input.role !== 'admin';
      const disabling = input.disabled === true;
      if (target.role === 'admin' && !target.disabled && (demoted || disabling) && users.countActiveAdmins() <= 1) {
        throw conflict('This is the last active administrator: make someone else admin first');
      }
      if (disabling && ctx.actor?.id === target.id) throw conflict('You cannot disable your own account');
      const updated = ctx.commit(() => {
        const patch: Parameters<UserStore['update']>[1] = {};
        if (input.displayName !== undefined) patch.displayName = input.displayName;
        if (input.role !== undefined) patch.role = input.role;
        if (input.disabled !== undefined) patch.disabled = input.disabled;
        const row = users.update(target.id, patch);
        if (disabling) sessions.endAllForUser(target.id, 'Your account was disabled');
        bus.emit('user.changed', toUserDto(row));
        return row;
      }, { target: target.username });
      return toUserDto(updated);
    },

    'users.resetPassword': async (input, ctx) => {
      const target = users.byIdOrThrow(input.id);
      const passwordHash = await hashPassword(input.password, deps.passwordCost);
      ctx.commit(() => {
        const row = users.update(target.id, { passwordHash, failedLogins: 0, lockedUntil: null });
        sessions.endAllForUser(target.id, 'Your password was reset by an administrator');
        bus.emit('user.changed', toUserDto(row));
      }, { target: target.username });
      return { ok: true as const };
    },

    'users.unlock': (input, ctx) => {
      const target = users.byIdOrThrow(input.id);
      const row = ctx.commit(() => {
        const r = users.update(target.id, { failedLogins: 0, lockedUntil: null });
        bus.emit('user.changed', toUserDto(r));
        return r;
      }, { target: target.username });
      return toUserDto(row);
    },
  };
}
