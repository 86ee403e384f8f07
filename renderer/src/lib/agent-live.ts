// Whether an agent whose status says it takes work is really there: a robot or software agent (or
// a person who never set a presence in the app) that the host has not heard from lately takes no
// work — the engine counts it as not connected. The host's own window is 30 s; the pages read
// last-seen times refreshed every 15 s and agents long-poll for 20 s, so 90 s here never flickers.
import type { AgentDto } from '../../../preload/contract';

export const UNHEARD_MS = 90_000;

export function isUnheard(agent: Pick<AgentDto, 'kind' | 'status' | 'presence' | 'lastSeenAt'>, now: number): boolean {
  if (agent.status !== 'available') return false;
  if (agent.kind === 'human' && agent.presence !== null) return false;
  return agent.lastSeenAt === null || now - agent.lastSeenAt > UNHEARD_MS;
}
