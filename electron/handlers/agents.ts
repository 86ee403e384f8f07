// Bridge calls on the agent registry and its API keys. Engineers configure agents and their keys;
// a key with the admin scope can only be made by an admin. The plaintext key is in the answer of
// agents.createKey and nowhere else (not stored, not audited).
import type { HandlersFor } from '../bridge/types';
import type { AgentRegistry } from '../agents/registry';
import { forbidden } from '../core/errors';

export function agentsHandlers(deps: { agents: AgentRegistry }): HandlersFor<'agents'> {
  const { agents } = deps;
  return {
    'agents.list': (input) => ({ agents: agents.list(input) }),

    'agents.create': (input, ctx) => ctx.commit(() => agents.create(input), { target: input.name }),

    'agents.update': (input, ctx) => {
      const { id, ...patch } = input;
      return ctx.commit(() => agents.update(id, patch), { target: agents.get(id)?.name ?? id });
    },

    'agents.listKeys': (input) => ({ keys: agents.listKeys(input.agentId) }),

    'agents.createKey': (input, ctx) => {
      if (input.scopes.includes('admin') && ctx.actor?.role !== 'admin') {
        throw forbidden('Only an admin can create a key with the admin scope');
      }
      const agent = agents.getOrThrow(input.agentId);
      return ctx.commit(() => agents.createKey(agent.id, input.scopes, input.name), { target: agent.name });
    },

    'agents.revokeKey': (input, ctx) => ctx.commit(() => agents.revokeKey(input.id), { target: input.id }),
  };
}
