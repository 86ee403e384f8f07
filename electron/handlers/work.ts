// Bridge calls of a person's My work inbox. They act on behalf of the agent linked to the signed-in
// user (agents.userId); an account without one gets not_found. Writes run inside ctx.commit.
import type { HandlersFor } from '../bridge/types';
import { unauthenticated } from '../core/errors';
import type { DelegationActions } from '../delegation-service/actions';

export function workHandlers(deps: { actions: DelegationActions }): HandlersFor<'work'> {
  const { actions } = deps;
  const me = (ctx: { actor: { id: string; username: string } | null }) => {
    if (!ctx.actor) throw unauthenticated('Please sign in');
    return { userId: ctx.actor.id, actor: { name: ctx.actor.username } };
  };
  return {
    'work.mine': (_input, ctx) => actions.mine(me(ctx).userId),

    'work.accept': (input, ctx) => {
      const { userId, actor } = me(ctx);
      return ctx.commit(() => actions.accept(userId, input.taskId, actor), { target: input.taskId });
    },

    'work.start': (input, ctx) => {
      const { userId, actor } = me(ctx);
      return ctx.commit(() => actions.start(userId, input.taskId, actor), { target: input.taskId });
    },

    'work.done': (input, ctx) => {
      const { userId, actor } = me(ctx);
      return ctx.commit(() => actions.done(userId, input.taskId, input.result, input.note, actor), { target: input.taskId });
    },

    'work.decline': (input, ctx) => {
      const { userId, actor } = me(ctx);
      return ctx.commit(() => actions.decline(userId, input.taskId, input.reason, actor), { target: input.taskId });
    },

    'work.setPresence': (input, ctx) => {
      const { userId, actor } = me(ctx);
      return ctx.commit(() => actions.setPresence(userId, input.presence, actor), { target: input.presence });
    },
  };
}
