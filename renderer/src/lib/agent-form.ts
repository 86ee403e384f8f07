// The agent dialog: typed text -> an `agents.create` input or an `agents.update` patch, with one
// message per field from the contract's schema (skills and tags are read as short lists first).
import { AgentInput, type AgentDto, type AgentKind, type AgentStatus } from '../../../preload/contract';
import { fieldErrors, type FieldErrors } from './form';
import { formatSkills, parseList, parseSkills } from './skills';

export interface AgentValues {
  name: string;
  kind: AgentKind;
  status: AgentStatus;
  /** "weld:3, inspect:2" */
  skills: string;
  capacity: string;
  /** Comma separated. */
  tags: string;
}

export type AgentField = keyof AgentValues;

export const EMPTY_AGENT: AgentValues = { name: '', kind: 'software', status: 'available', skills: '', capacity: '1', tags: '' };

export function agentValues(agent: AgentDto): AgentValues {
  return {
    name: agent.name,
    kind: agent.kind,
    status: agent.status,
    skills: formatSkills(agent.skills),
    capacity: String(agent.capacity),
    tags: agent.tags.join(', '),
  };
}

export interface AgentFormResult {
  input: AgentInput | null;
  errors: FieldErrors<AgentField>;
}

export function readAgent(values: AgentValues): AgentFormResult {
  const errors: FieldErrors<AgentField> = {};
  const input: Record<string, unknown> = { name: values.name.trim(), kind: values.kind, status: values.status, tags: parseList(values.tags) };
  const skills = parseSkills(values.skills);
  if (skills.ok) input.skills = skills.skills;
  else errors.skills = skills.error;
  const capacity = values.capacity.trim();
  if (!/^\d+$/.test(capacity)) errors.capacity = 'Enter a whole number.';
  else input.capacity = Number(capacity);
  const schemaErrors = fieldErrors<AgentField>(AgentInput, input);
  const all = { ...schemaErrors, ...errors };
  const ok = Object.values(all).every((message) => message === undefined);
  return { input: ok ? (input as AgentInput) : null, errors: all };
}

/** Only what changed, for `agents.update`; empty when nothing did. */
export function agentPatch(agent: AgentDto, input: AgentInput): Partial<AgentInput> {
  const patch: Partial<AgentInput> = {};
  if (input.name !== agent.name) patch.name = input.name;
  if (input.kind !== agent.kind) patch.kind = input.kind;
  if (input.status !== undefined && input.status !== agent.status) patch.status = input.status;
  if (input.capacity !== undefined && input.capacity !== agent.capacity) patch.capacity = input.capacity;
  if (input.skills !== undefined && JSON.stringify(input.skills) !== JSON.stringify(agent.skills)) patch.skills = input.skills;
  if (input.tags !== undefined && JSON.stringify(input.tags) !== JSON.stringify(agent.tags)) patch.tags = input.tags;
  return patch;
}
